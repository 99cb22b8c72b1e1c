"""A large learning data set on PostgreSQL, built once and reused by the benchmarks.

    from bench import dataset
    dataset.setup_django("postgres://postgres@127.0.0.1:5432/mka_bench")  # before any model import
    sizes = dataset.ensure()            # builds what is missing, skips what is there
    sizes = dataset.ensure(rebuild=True)  # drops the bench rows' stages and builds again

The data set is made of **stages**, each built by one function in one transaction and
recorded in the table ``bench_dataset`` (stage, size, built_at), so a second run costs a
query. Sizes are the issue's: 10 tracks, 1,000 courses of 5 lessons (4 required), 100,000
learners with profiles in 60 countries (skewed, as real intake is), about 3 enrollments each
(≈300,000) from 2020 to 2026, 1,000,000 lesson-progress rows, one exam per course, 200,000
exam attempts and a certificate per completed enrollment.

Rows are made by ``INSERT … SELECT generate_series`` in the database; "random" choices come
from ``hashint8`` of the row number, so every build is the same data set.

To extend it (issue 8 needs more exam data), add a stage below the others::

    @stage("attempt_questions", size=1_000_000, after="exam_attempts")
    def build_attempt_questions(cursor, size):
        cursor.execute("INSERT INTO courses_attemptquestion (...) SELECT ... LIMIT %s", [size])

and list it in ``ensure(stages=[...])`` or let ``ensure()`` build every registered stage.
A stage's size may be overridden: ``ensure(sizes={"exam_attempts": 50_000})``; a stage
built with another size is an error that says to rebuild.
"""

import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mka_bench"
COUNTRIES = (
    "UZ KZ SA RU MN VN CN KW ID KH BH OM AE QA EG JO TR IQ PK IN "
    "BD NP LK MM LA TH PH MY KG TJ TM AZ GE AM UA BY ET KE NG GH "
    "TZ UG RW ZA SN MA DZ TN SD PE CO EC BO MX GT NI HN PA CL"
).split()
LESSONS_PER_COURSE = 5  # the last one optional
EMAIL_DOMAIN = "learners.bench.example"

STAGES = {}  # name -> (function, default size), in build order


def stage(name, size):
    def register(function):
        STAGES[name] = (function, size)
        return function

    return register


def setup_django(database_url=DEFAULT_DATABASE_URL):
    """Point Django at the benchmark database (created and migrated when missing)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
    _create_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _create_database(database_url):
    import psycopg
    from psycopg import sql

    name = database_url.rsplit("/", 1)[1].split("?")[0]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure(stages=None, sizes=None, rebuild=False, log=print):
    """Build every missing stage (all registered ones by default); returns {stage: size}."""
    from django.db import connection, transaction

    sizes = sizes or {}
    names = list(stages or STAGES)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_dataset "
            "(stage text PRIMARY KEY, size bigint NOT NULL, built_at timestamptz NOT NULL DEFAULT now())"
        )
        if rebuild:
            _drop_bench_rows(cursor)
        cursor.execute("SELECT stage, size FROM bench_dataset")
        built = dict(cursor.fetchall())
    result = {}
    for name in names:
        function, default_size = STAGES[name]
        size = sizes.get(name, default_size)
        if name in built:
            if built[name] != size:
                raise SystemExit(f"Stage {name!r} was built with size {built[name]}, not {size}: run with --rebuild.")
            result[name] = size
            continue
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            function(cursor, size)
            cursor.execute("INSERT INTO bench_dataset (stage, size) VALUES (%s, %s)", [name, size])
        log(f"  built {name:<18} {size:>9,}  in {time.monotonic() - started:5.1f} s")
        result[name] = size
    if len(result) > len(set(built) & set(result)):
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # fresh statistics and visibility map for the planner
        log(f"  vacuum analyze               in {time.monotonic() - started:5.1f} s")
    return result


def _drop_bench_rows(cursor):
    """Delete what the stages made (learners cascade to their records; pages by path)."""
    cursor.execute("SELECT stage FROM bench_dataset")
    if not cursor.fetchall():
        return
    cursor.execute(
        "DELETE FROM certificates_certificate WHERE enrollment_id IN "
        "(SELECT e.id FROM courses_enrollment e JOIN accounts_user u ON u.id = e.user_id WHERE u.email LIKE %s)",
        [f"%@{EMAIL_DOMAIN}"],
    )
    cursor.execute("DELETE FROM accounts_user WHERE email LIKE %s", [f"%@{EMAIL_DOMAIN}"])
    cursor.execute("DELETE FROM courses_exam WHERE instructions = 'bench'")
    cursor.execute("DELETE FROM wagtailcore_page WHERE slug LIKE 'bench-%' AND depth > 3")
    cursor.execute("DROP TABLE IF EXISTS bench_lesson")
    cursor.execute("DELETE FROM bench_dataset")


def _rand(expression, salt):
    """A deterministic number in [0, 1) from an integer SQL expression."""
    return f"((hashint8(({expression})::bigint * 1000003 + {salt}) & 2147483647)::float8 / 2147483648.0)"


# --- Stages ----------------------------------------------------------------------------


@stage("catalog", size=1_000)
def build_catalog(cursor, size):
    """10 tracks (Wagtail pages through the factories) and ``size`` courses of 5 lessons (SQL)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale

    from courses.factories import TrackPageFactory, get_catalog_page
    from courses.models import CoursePage, LessonPage

    catalog = get_catalog_page()
    tracks = [TrackPageFactory(parent=catalog, title=f"Bench track {n}", slug=f"bench-track-{n}") for n in range(10)]
    locale = Locale.get_default().pk
    course_type = ContentType.objects.get_for_model(CoursePage).pk
    lesson_type = ContentType.objects.get_for_model(LessonPage).pk
    courses = []  # (path, url_path, title, slug)
    for index in range(size):
        track = tracks[index % len(tracks)]
        number = index // len(tracks) + 1
        slug = f"bench-course-{index}"
        courses.append(
            (
                track.path + _segment(number),
                f"{track.url_path}{slug}/",
                f"Bench course {index:04d}",
                slug,
            )
        )
    course_ids = _insert_pages(cursor, courses, course_type, locale, numchild=LESSONS_PER_COURSE)
    cursor.execute(
        "INSERT INTO courses_coursepage (page_ptr_id, summary, description, learning_outcomes, level, language, "
        "cme_credit_hours, cme_credit_type, estimated_hours, onsite_hospital, onsite_programme) "
        "SELECT id, 'A benchmark course.', '', '[]', CASE WHEN id %% 3 = 0 THEN 'advanced' ELSE 'basic' END, "
        "'en', 2, 'MKA CME', 3, '', '' FROM unnest(%s::int[]) AS id",
        [course_ids],
    )
    lessons = []
    for path, url_path, title, _slug in courses:
        for k in range(1, LESSONS_PER_COURSE + 1):
            lessons.append(
                (
                    path + _segment(k),
                    f"{url_path}bench-lesson-{k}/",  # a page's URL is its slugs
                    f"{title} lesson {k}",
                    f"bench-lesson-{k}",
                )
            )
    lesson_ids = _insert_pages(cursor, lessons, lesson_type, locale, numchild=0)
    cursor.execute(
        "INSERT INTO courses_lessonpage (page_ptr_id, body, is_required) "
        "SELECT id, '', n %% %s <> 0 FROM unnest(%s::int[]) WITH ORDINALITY AS t(id, n)",
        [LESSONS_PER_COURSE, lesson_ids],
    )
    for track in tracks:
        cursor.execute(
            "UPDATE wagtailcore_page SET numchild = (SELECT count(*) FROM wagtailcore_page c "
            "WHERE c.path LIKE %s AND c.depth = %s) WHERE id = %s",
            [track.path + "%", track.depth + 1, track.pk],
        )
    # course -> its lessons in order, for the later stages
    cursor.execute(
        "CREATE TABLE bench_lesson AS SELECT cp.id AS course_id, "
        "row_number() OVER (PARTITION BY cp.id ORDER BY lp.path)::int AS k, lp.id AS lesson_id "
        "FROM wagtailcore_page lp JOIN courses_lessonpage l ON l.page_ptr_id = lp.id "
        "JOIN wagtailcore_page cp ON cp.path = substr(lp.path, 1, length(lp.path) - 4) "
        "WHERE lp.slug LIKE 'bench-lesson-%'"
    )
    cursor.execute("CREATE INDEX ON bench_lesson (course_id, k)")
    # Exams: one per course, so the funnel's "exam passed" and issue 8 have somewhere to go.
    cursor.execute(
        "INSERT INTO courses_exam (course_id, instructions, shuffle_questions, shuffle_options, pass_mark_percent, "
        "max_attempts, wait_between_attempts_minutes, scoring, show_answers_after_fail) "
        "SELECT id, 'bench', true, true, 70, 3, 0, 'all-or-nothing', false FROM unnest(%s::int[]) AS id",
        [course_ids],
    )


ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _segment(number):
    """Wagtail's (treebeard's) path step: ``number`` in base 36 on four characters."""
    digits = ""
    for _ in range(4):
        number, remainder = divmod(number, 36)
        digits = ALPHABET[remainder] + digits
    return digits


def _insert_pages(cursor, rows, content_type, locale, numchild):
    paths, url_paths, titles, slugs = (list(column) for column in zip(*rows, strict=True))
    cursor.execute(
        "INSERT INTO wagtailcore_page (path, depth, numchild, translation_key, locale_id, live, "
        "has_unpublished_changes, expired, locked, title, draft_title, slug, content_type_id, url_path, "
        "show_in_menus, seo_title, search_description, first_published_at, last_published_at) "
        "SELECT path, length(path) / 4, %s, key::uuid, %s, true, false, false, false, title, title, slug, %s, "
        "url_path, false, '', '', now(), now() "
        "FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[]) "
        "AS t(path, url_path, title, slug, key) ORDER BY path RETURNING id",
        [
            numchild,
            locale,
            content_type,
            paths,
            url_paths,
            titles,
            slugs,
            [str(uuid.uuid4()) for _ in rows],
        ],
    )
    return [row[0] for row in cursor.fetchall()]


@stage("learners", size=100_000)
def build_learners(cursor, size):
    cursor.execute(
        "INSERT INTO accounts_user (password, is_superuser, first_name, last_name, is_staff, is_active, "
        "date_joined, email) SELECT '!bench', false, 'Bench', 'Learner ' || i, false, true, "
        "'2020-01-01'::timestamptz + i * interval '30 minutes', 'learner-' || i || %s "
        "FROM generate_series(1, %s) AS i",
        [f"@{EMAIL_DOMAIN}", size],
    )
    # Countries skewed like real intake: the first ones in the list get most trainees.
    cursor.execute(
        "INSERT INTO accounts_traineeprofile (user_id, name_latin, name_native, country, specialty, institution, "
        "licence_number, preferred_language, updated_at) "
        f"SELECT id, 'Learner ' || id, '', (%s::text[])[1 + floor(power({_rand('id', 1)}, 2) * %s)::int], "
        "'cardiology', 'Partner hospital', '', 'en', now() FROM accounts_user WHERE email LIKE %s",
        [COUNTRIES, len(COUNTRIES), f"%@{EMAIL_DOMAIN}"],
    )


@stage("enrollments", size=300_000)
def build_enrollments(cursor, size):
    """About ``size`` enrollments, 1 to 5 per learner, popular courses more popular.

    Each is one of: completed (40 %), all lessons done without the exam (10 %), started
    (40 %), never started (10 %) — ``last_activity_at`` marks a start, as the service does.
    """
    cursor.execute("SELECT count(*) FROM accounts_user WHERE email LIKE %s", [f"%@{EMAIL_DOMAIN}"])
    learners = cursor.fetchone()[0]
    per_learner = 2 * size / learners - 1  # 1 + floor(r * per_learner) averages size / learners
    cursor.execute(
        "CREATE TEMP TABLE bench_course ON COMMIT DROP AS SELECT course_id, "
        "(row_number() OVER (ORDER BY course_id) - 1)::int AS n FROM (SELECT DISTINCT course_id FROM bench_lesson) c"
    )
    cursor.execute("SELECT count(*) FROM bench_course")
    courses = cursor.fetchone()[0]
    cursor.execute(
        f"""
        WITH picks AS (
            SELECT u.id AS user_id, j,
                   (floor(power({_rand("u.id", 2)}, 1.6) * %(courses)s)::int + j * 331) %% %(courses)s AS n,
                   '2020-01-01'::timestamptz + {_rand("u.id * 7 + j", 3)} * interval '2500 days' AS enrolled_at,
                   {_rand("u.id * 11 + j", 4)} AS fate
            FROM accounts_user u CROSS JOIN generate_series(0, 4) AS j
            WHERE u.email LIKE %(domain)s AND j < 1 + floor({_rand("u.id", 5)} * %(per_learner)s)
        )
        INSERT INTO courses_enrollment (user_id, course_id, enrolled_at, last_activity_at, lessons_completed_at,
                                        completed_at)
        SELECT user_id, c.course_id, enrolled_at,
               CASE WHEN fate < 0.9 THEN enrolled_at + interval '1 day' END,
               CASE WHEN fate < 0.5 THEN enrolled_at + interval '10 days' + fate * interval '100 days' END,
               CASE WHEN fate < 0.4 THEN enrolled_at + interval '12 days' + fate * interval '100 days' END
        FROM picks JOIN bench_course c ON c.n = picks.n
        """,
        {"courses": courses, "domain": f"%@{EMAIL_DOMAIN}", "per_learner": per_learner},
    )


@stage("lesson_progress", size=1_000_000)
def build_lesson_progress(cursor, size):
    """Every lesson of a finished enrollment, 1-4 lessons of a started one; ``size`` rows."""
    cursor.execute(
        """
        INSERT INTO courses_lessonprogress (enrollment_id, lesson_id, started_at, updated_at, last_position,
                                            furthest_position, seconds_watched, completed_at)
        SELECT e.id, l.lesson_id, e.enrolled_at, e.enrolled_at, 300, 300, 300,
               CASE WHEN e.lessons_completed_at IS NOT NULL THEN e.lessons_completed_at
                    WHEN l.k < 1 + e.id %% 4 THEN e.enrolled_at + l.k * interval '1 day' END
        FROM courses_enrollment e
        JOIN bench_lesson l ON l.course_id = e.course_id
        WHERE e.last_activity_at IS NOT NULL
          AND l.k <= CASE WHEN e.lessons_completed_at IS NOT NULL THEN %s ELSE 1 + e.id %% 4 END
        ORDER BY e.id, l.k
        LIMIT %s
        """,
        [LESSONS_PER_COURSE, size],
    )
    cursor.execute("SELECT count(*) FROM courses_lessonprogress")
    if cursor.fetchone()[0] < size:
        raise SystemExit("Not enough enrollments for the lesson-progress rows asked for: raise 'enrollments'.")


@stage("exam_attempts", size=200_000)
def build_exam_attempts(cursor, size):
    """A passed attempt for every completed enrollment (half of them after a failed one), a failed
    one for those whose lessons are done without a pass, up to ``size`` attempts in all."""
    cursor.execute(
        """
        INSERT INTO courses_examattempt (enrollment_id, exam_id, number, state, started_at, deadline, closed_at,
                                         score_percent, passed)
        SELECT e.id, x.id, a.number, 'submitted', at - interval '30 minutes', NULL, at,
               CASE WHEN a.passed THEN 85 ELSE 40 END, a.passed
        FROM courses_enrollment e
        JOIN courses_exam x ON x.course_id = e.course_id
        CROSS JOIN LATERAL (VALUES
            (1, e.completed_at IS NOT NULL AND e.id %% 2 = 1, coalesce(e.completed_at, e.lessons_completed_at)),
            (2, true, e.completed_at)
        ) AS a(number, passed, at)
        WHERE e.lessons_completed_at IS NOT NULL
          AND (a.number = 1 OR (e.completed_at IS NOT NULL AND e.id %% 2 = 0))
        ORDER BY e.id, a.number
        LIMIT %s
        """,
        [size],
    )


@stage("certificates", size=0)
def build_certificates(cursor, size):
    """A certificate per completed enrollment (size 0: as many as there are); 2 % revoked."""
    cursor.execute(
        """
        INSERT INTO certificates_certificate (enrollment_id, public_code, serial, status, issued_at,
            holder_name_latin, holder_name_native, course_title, track_title, cme_credit_hours, credit_type,
            completed_on, issuer, signatories, pdf, revoked_reason)
        SELECT e.id, 'bench' || e.id, 'BENCH-' || e.id, CASE WHEN e.id % 50 = 0 THEN 'revoked' ELSE 'valid' END,
               e.completed_at, 'Bench Learner', '', 'Bench course', '', 2, '', e.completed_at::date,
               'Medical Korea Academy', '[]', '', ''
        FROM courses_enrollment e
        WHERE e.completed_at IS NOT NULL AND e.course_id IN (SELECT course_id FROM bench_lesson)
        """
    )


@stage("lesson_urls", size=0)
def fix_lesson_urls(cursor, size):
    """Lessons of data sets built before the fix had a url_path that was not their slug (404)."""
    cursor.execute(
        "UPDATE wagtailcore_page SET url_path = regexp_replace(url_path, '/lesson-([0-9]+)/$', '/bench-lesson-\\1/') "
        "WHERE slug LIKE 'bench-lesson-%%' AND url_path ~ '/lesson-[0-9]+/$'"
    )


@stage("exam_questions", size=5)
def build_exam_questions(cursor, size):
    """``size`` single-answer questions of three options in every bench exam (issue 8's exam runs)."""
    from courses.models import Exam, Question

    questions = [
        Question(
            exam_id=exam_id,
            sort_order=k,
            kind="single",
            text=f"Bench question {k + 1}?",
            explanation="",
            options=[("option", {"text": f"Option {o + 1}", "correct": o == 0}) for o in range(3)],
        )
        for exam_id in Exam.objects.filter(instructions="bench").values_list("pk", flat=True)
        for k in range(size)
    ]
    Question.objects.bulk_create(questions, batch_size=2000)
