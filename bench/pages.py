"""The learner's pages on a large data set, served by gunicorn, next to a bare Django view.

    .venv/bin/python bench/pages.py [--database-url postgres://postgres@127.0.0.1:5432/mka_bench]
                                    [--repeat 40] [--workers 4] [--port 8765] [--exam-learners 200]

Builds (once; later runs reuse it) the data set of ``bench/dataset.py`` on PostgreSQL: 1,000
courses, 100,000 learners, 1,000,000 lesson-progress rows, 200,000 exam attempts, five questions
per exam. Then:

1. counts the SQL queries of each page in this process (Django's test client, same database,
   a learner with several courses, one of them in progress and one certified);
2. starts gunicorn (``bench/settings.py``: DEBUG off, the site's URLs plus ``/_bench/bare/``, a
   view that returns two bytes through the same middleware) and requests each page ``--repeat``
   times, interleaved with the bare view, as that learner; prints p50 and p95 and their ratio to
   the bare view's;
3. runs ``--exam-learners`` learners at once against the same server: each starts its exam,
   reads the questions, saves all answers but the last one by autosave and submits the last one
   with the form; then checks that no request failed and that every answer sent is stored.

Exits non-zero if a page fails, a request of the exam run fails, or an answer is lost.
"""

import argparse
import http.client
import logging
import os
import random
import re
import secrets
import string
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import dataset

BARE = "bare Django view"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Server:
    """gunicorn serving the site with bench/settings.py, on 127.0.0.1:port."""

    def __init__(self, database_url, port, workers):
        self.port = port
        environment = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "0",
            "PYTHONPATH": str(ROOT),
        }
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "lms.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "300",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=environment,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.request("GET", "/_bench/bare/")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit("gunicorn did not start")
            time.sleep(0.3)

    def request(self, method, path, cookies=None, form=None, headers=None):
        """(status, Location header, body) of one request on a fresh connection."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        sent = {"Host": "127.0.0.1", **(headers or {})}
        if cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return response.status, response.getheader("Location"), response.read()
        finally:
            connection.close()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


# --- Who and what to request --------------------------------------------------------


def page_learner():
    """A bench learner with three or more courses: one basic course in progress, one certified."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT e.user_id, e.course_id, c.public_code
            FROM courses_enrollment e
            JOIN courses_coursepage cp ON cp.page_ptr_id = e.course_id
            JOIN accounts_user u ON u.id = e.user_id
            JOIN courses_enrollment done ON done.user_id = e.user_id
            JOIN certificates_certificate c ON c.enrollment_id = done.id AND c.status = 'valid'
            WHERE u.email LIKE %s AND cp.level = 'basic' AND e.completed_at IS NULL
              AND e.last_activity_at IS NOT NULL
              AND (SELECT count(*) FROM courses_enrollment x WHERE x.user_id = e.user_id) >= 3
            ORDER BY e.user_id LIMIT 1
            """,
            [f"%@{dataset.EMAIL_DOMAIN}"],
        )
        return cursor.fetchone()


def exam_learners(count, exclude):
    """(user id, course id) of learners who may start an exam now: basic course, lessons done,
    not passed, attempts left, none open; one per learner."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT user_id, course_id FROM (
                SELECT DISTINCT ON (e.user_id) e.user_id, e.course_id
                FROM courses_enrollment e
                JOIN courses_coursepage cp ON cp.page_ptr_id = e.course_id
                JOIN accounts_user u ON u.id = e.user_id
                JOIN courses_exam x ON x.course_id = e.course_id
                WHERE u.email LIKE %s AND u.id <> %s AND cp.level = 'basic'
                  AND e.lessons_completed_at IS NOT NULL AND e.completed_at IS NULL
                  AND (SELECT count(*) FROM courses_examattempt a WHERE a.enrollment_id = e.id)
                      < coalesce(x.max_attempts, 1000)
                  AND NOT EXISTS (SELECT 1 FROM courses_examattempt a
                                  WHERE a.enrollment_id = e.id AND (a.passed OR a.state = 'open'))
                  AND (SELECT count(*) FROM courses_lessonprogress p
                       WHERE p.enrollment_id = e.id AND p.completed_at IS NOT NULL) >= %s
                ORDER BY e.user_id, e.id
            ) picks ORDER BY user_id LIMIT %s
            """,
            [f"%@{dataset.EMAIL_DOMAIN}", exclude, dataset.LESSONS_PER_COURSE, count],
        )
        return cursor.fetchall()


def session_cookies(user):
    """A logged-in session (a row in the session table, as a login makes) and a CSRF token."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.CSRF_COOKIE_NAME: "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32)),
    }, client


def count_queries(client, pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, url in pages:
        client.get(url)  # warm this process's caches (site root, content types), as a worker's are
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{name} ({url}) answered {response.status_code} in the test client")
        counts[name] = len(captured)
    return counts


# --- Timing -------------------------------------------------------------------------


def time_pages(server, pages, cookies, repeat, warmup):
    timings = {name: [] for name, _url in pages}
    for round_number in range(warmup + repeat):
        order = pages[round_number % len(pages) :] + pages[: round_number % len(pages)]  # rotate
        for name, url in order:
            started = time.perf_counter()
            status, location, _body = server.request("GET", url, cookies)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                raise SystemExit(f"{name} ({url}) answered {status} {location or ''} from gunicorn")
            if round_number >= warmup:
                timings[name].append(elapsed)
    return timings


# --- 200 learners take their exam at once -------------------------------------------

OPTION = re.compile(r'name="q(\d+)" value="([^"]+)"')
ATTEMPT = re.compile(r"/learn/attempts/(\d+)/$")


def take_exam(server, cookies, course_id, barrier, seed):
    """Start, read, autosave all answers but the last, submit the last. Returns what happened."""
    rng = random.Random(seed)
    csrf = {"X-CSRFToken": cookies["csrftoken"]} if "csrftoken" in cookies else {}
    statuses = []

    def call(method, path, form=None):
        status, location, body = server.request(method, path, cookies, form, csrf if method == "POST" else None)
        statuses.append(status)
        return status, location, body

    barrier.wait()
    status, location, _ = call("POST", f"/learn/courses/{course_id}/exam/", {})
    match = ATTEMPT.search(location or "") if status == 302 else None
    if not match:
        return {"statuses": statuses, "error": f"start: {status} {location}"}
    attempt_id = int(match.group(1))
    status, _location, body = call("GET", f"/learn/attempts/{attempt_id}/")
    options = {}
    for position, option_id in OPTION.findall(body.decode()):
        options.setdefault(int(position), []).append(option_id)
    if status != 200 or not options:
        return {"statuses": statuses, "error": f"attempt page: {status}, {len(options)} questions"}
    answers = {position: [rng.choice(ids)] for position, ids in options.items()}
    *saved, last = sorted(answers)
    for position in saved:
        status, _location, body = call(
            "POST", f"/learn/attempts/{attempt_id}/autosave/", {f"q{position}": answers[position]}
        )
        if status != 200:
            return {"statuses": statuses, "error": f"autosave: {status} {body[:200]!r}"}
    status, location, _ = call("POST", f"/learn/attempts/{attempt_id}/", {f"q{last}": answers[last], "submit": "1"})
    if status != 302 or not (location or "").endswith(f"/learn/attempts/{attempt_id}/result/"):
        return {"statuses": statuses, "error": f"submit: {status} {location}"}
    return {"statuses": statuses, "attempt_id": attempt_id, "answers": answers}


def exam_run(server, learners):
    from courses.models import AttemptQuestion, AttemptState, ExamAttempt
    from lms.accounts.models import User

    users = User.objects.in_bulk([user_id for user_id, _course in learners])
    sessions = [(session_cookies(users[user_id])[0], course_id) for user_id, course_id in learners]
    barrier = threading.Barrier(len(sessions))
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        results = list(
            pool.map(
                lambda item: take_exam(server, item[1][0], item[1][1], barrier, item[0]),
                enumerate(sessions),
            )
        )
    elapsed = time.monotonic() - started
    statuses = [status for result in results for status in result["statuses"]]
    errors = [result["error"] for result in results if "error" in result]
    done = [result for result in results if "attempt_id" in result]
    stored = {}
    for question in AttemptQuestion.objects.filter(attempt_id__in=[r["attempt_id"] for r in done]):
        stored[(question.attempt_id, question.position)] = question.selected_option_ids
    sent = {(r["attempt_id"], position): sorted(ids) for r in done for position, ids in r["answers"].items()}
    lost = [key for key, ids in sent.items() if stored.get(key) != ids]
    states = ExamAttempt.objects.filter(pk__in=[r["attempt_id"] for r in done])
    not_submitted = states.exclude(state=AttemptState.SUBMITTED).count()
    return {
        "learners": len(sessions),
        "requests": len(statuses),
        "server_errors": sum(status >= 500 for status in statuses),
        "errors": errors,
        "submitted": len(done) - not_submitted,
        "answers_sent": len(sent),
        "answers_lost": len(lost),
        "passed": states.filter(passed=True).count(),
        "seconds": elapsed,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=dataset.DEFAULT_DATABASE_URL)
    parser.add_argument("--repeat", type=int, default=40, help="timed requests per page")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--exam-learners", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true", help="delete the bench rows and build them again")
    args = parser.parse_args()

    started = time.monotonic()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    dataset.setup_django(args.database_url)
    logging.disable(logging.WARNING)
    print(f"database: {args.database_url}")
    dataset.ensure(rebuild=args.rebuild)
    print(f"data set ready in {time.monotonic() - started:.0f} s")

    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from courses.factories import get_catalog_page
    from courses.models import CoursePage, Enrollment, ExamAttempt, LessonProgress
    from lms.accounts.models import User

    setup_test_environment()  # the test client's host name, no real e-mail
    print(
        f"rows: {User.objects.filter(email__endswith=dataset.EMAIL_DOMAIN).count():,} learners, "
        f"{CoursePage.objects.count():,} courses, {Enrollment.objects.count():,} enrollments, "
        f"{LessonProgress.objects.count():,} lesson-progress, {ExamAttempt.objects.count():,} exam attempts"
    )
    user_id, course_id, certificate_code = page_learner()
    learner = User.objects.get(pk=user_id)
    course = CoursePage.objects.get(pk=course_id)
    lesson = course.lessons().first()
    pages = [
        (BARE, "/_bench/bare/"),
        ("catalog", get_catalog_page().url),
        ("course page", course.url),
        ("lesson page", lesson.url),
        ("dashboard", reverse("courses:dashboard")),
        ("certificate verify", reverse("certificates:verify", args=[certificate_code])),
        ("exam page", reverse("courses:exam", args=[course.pk])),
    ]
    print(f"learner {learner.email}: {Enrollment.objects.filter(user=learner).count()} enrollments; {course.title}")
    cookies, client = session_cookies(learner)
    queries = count_queries(client, pages)
    candidates = exam_learners(args.exam_learners, exclude=user_id)
    if len(candidates) < args.exam_learners:
        raise SystemExit(f"only {len(candidates)} learners can start an exam: run with --rebuild")
    connection.close()

    server = Server(args.database_url, args.port, args.workers)
    try:
        timings = time_pages(server, pages, cookies, args.repeat, warmup=2 * args.workers)
        exams = exam_run(server, candidates)
    finally:
        server.stop()

    bare50, bare95 = percentile(timings[BARE], 0.5), percentile(timings[BARE], 0.95)
    print(
        f"\ngunicorn, {args.workers} sync workers, {args.repeat} requests per page, interleaved; "
        f"load average {os.getloadavg()[0]:.1f}\n"
    )
    print("| page | p50 (ms) | p95 (ms) | p50 / bare | p95 / bare | SQL queries |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, _url in pages:
        p50, p95 = percentile(timings[name], 0.5), percentile(timings[name], 0.95)
        print(f"| {name} | {p50:.0f} | {p95:.0f} | {p50 / bare50:.1f}x | {p95 / bare95:.1f}x | {queries[name]} |")
    print(
        f"\n{exams['learners']} learners at once: {exams['requests']} requests in {exams['seconds']:.0f} s, "
        f"{exams['server_errors']} server errors, {len(exams['errors'])} failed journeys, "
        f"{exams['submitted']} attempts submitted ({exams['passed']} passed), "
        f"{exams['answers_sent']} answers sent, {exams['answers_lost']} lost"
    )
    for error in exams["errors"][:10]:
        print(f"  {error}")
    print(f"\ntotal {time.monotonic() - started:.0f} s")
    failed = exams["server_errors"] or exams["errors"] or exams["answers_lost"]
    failed = failed or exams["submitted"] != exams["learners"]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
