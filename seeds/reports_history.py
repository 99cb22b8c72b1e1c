"""Historical enrollments 2020-2025 so the yearly report shows the programme's history.

The 2020 pilot and the 2021 run reproduce the plan's figures exactly (16 countries, 83
trainees, 290 completions; 40 countries, 295 trainees, 572 completions); 2022-2025 are
made-up growth. Each year has its own trainees (``history-<year>-<n>@alumni.mka.example``,
no usable password, never a login), enrolled and completed within that year, with one
lesson-progress row, a passed exam attempt where the course has an exam, and no certificate
(records imported from before the platform). About 5,000 rows in bulk: a second or two.

Idempotent: a year whose trainees exist is left alone.
"""

import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password

from courses.models import (
    AttemptState,
    CoursePage,
    Enrollment,
    Exam,
    ExamAttempt,
    LessonPage,
    LessonProgress,
)
from lms.accounts.models import Specialty, TraineeProfile, User

# (year, countries, trainees, completions)
YEARS = [
    (2020, 16, 83, 290),
    (2021, 40, 295, 572),
    (2022, 44, 330, 610),
    (2023, 47, 360, 680),
    (2024, 51, 400, 745),
    (2025, 54, 430, 820),
]
# Partner countries first (the 2020 pilot drew on them), then the rest of the network.
COUNTRIES = (
    "SA KW BH OM RU KZ UZ MN VN CN ID KH AE QA EG JO TR IQ PK IN "
    "BD NP LK MM LA TH PH MY KG TJ TM AZ GE AM UA BY ET KE NG GH "
    "TZ UG RW ZA SN MA DZ TN SD PE CO EC BO MX"
).split()
SPECIALTIES = [
    Specialty.CARDIOLOGY,
    Specialty.ONCOLOGY,
    Specialty.GENERAL_SURGERY,
    Specialty.DERMATOLOGY,
    Specialty.RADIOLOGY,
    Specialty.HOSPITAL_MANAGEMENT,
    Specialty.PLASTIC_SURGERY,
]
EMAIL = "history-{year}-{n:03d}@alumni.mka.example"
SEOUL = ZoneInfo("Asia/Seoul")


def seed_reports_history():
    """Create the missing years; returns how many enrollments were added."""
    courses = list(CoursePage.objects.order_by("path").values_list("pk", flat=True))
    if not courses:
        return 0
    first_lessons = {}
    for lesson in LessonPage.objects.filter(depth__gt=0).order_by("path").only("pk", "path"):
        first_lessons.setdefault(lesson.path[: -LessonPage.steplen], lesson.pk)
    course_paths = dict(CoursePage.objects.values_list("pk", "path"))
    first_lesson = {pk: first_lessons.get(path) for pk, path in course_paths.items()}
    exams = dict(Exam.objects.values_list("course_id", "pk"))
    added = 0
    for year, country_count, trainee_count, completions in YEARS:
        if User.objects.filter(email=EMAIL.format(year=year, n=0)).exists():
            continue
        added += _seed_year(
            year, country_count, trainee_count, completions, courses, first_lesson, exams
        )
    return added


def _moment(year, day_of_year, hour=10):
    return datetime.datetime(year, 1, 1, hour, tzinfo=SEOUL) + datetime.timedelta(days=day_of_year)


def _seed_year(year, country_count, trainee_count, completions, courses, first_lesson, exams):
    password = make_password(None)  # unusable: these people never log in here
    users = User.objects.bulk_create(
        [
            User(
                email=EMAIL.format(year=year, n=n),
                password=password,
                first_name="Alumnus",
                last_name=f"{year}-{n}",
            )
            for n in range(trainee_count)
        ]
    )
    TraineeProfile.objects.bulk_create(
        [
            TraineeProfile(
                user=user,
                name_latin=f"Alumnus {year} {n}",
                country=COUNTRIES[n % country_count],
                specialty=SPECIALTIES[n % len(SPECIALTIES)],
                institution="Partner hospital",
            )
            for n, user in enumerate(users)
        ]
    )

    # Completions go round the trainees, each time to the trainee's next course; every
    # fifth trainee also has one course left unfinished.
    rows = []  # (user, course id, enrolled, completed or None)
    next_course = {user.pk: (n * 3) % len(courses) for n, user in enumerate(users)}
    taken = {user.pk: 0 for user in users}

    def take(user):
        course = courses[(next_course[user.pk] + taken[user.pk]) % len(courses)]
        taken[user.pk] += 1
        return course

    for k in range(completions):
        user = users[k % trainee_count]
        enrolled_day = (k * 37) % 240
        completed_day = enrolled_day + 20 + (k * 11) % 100
        rows.append(
            (user, take(user), _moment(year, enrolled_day), _moment(year, completed_day, 15))
        )
    for n, user in enumerate(users):
        if n % 5 == 0 or taken[user.pk] == 0:
            rows.append((user, take(user), _moment(year, (n * 13) % 330), None))

    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(
                user=user, course_id=course, completed_at=completed, lessons_completed_at=completed
            )
            for user, course, _enrolled, completed in rows
        ]
    )
    # enrolled_at is auto_now_add, so bulk_create stamped today: put the history back.
    for enrollment, (_user, _course, enrolled, completed) in zip(enrollments, rows, strict=True):
        enrollment.enrolled_at = enrolled
        enrollment.last_activity_at = completed or enrolled
    Enrollment.objects.bulk_update(enrollments, ["enrolled_at", "last_activity_at"], batch_size=500)

    progress = [
        LessonProgress(
            enrollment=enrollment,
            lesson_id=first_lesson[enrollment.course_id],
            completed_at=enrollment.completed_at,
        )
        for enrollment in enrollments
        if first_lesson.get(enrollment.course_id)
    ]
    progress = LessonProgress.objects.bulk_create(progress)
    for record in progress:
        record.started_at = record.updated_at = record.enrollment.enrolled_at
    LessonProgress.objects.bulk_update(progress, ["started_at", "updated_at"], batch_size=500)

    ExamAttempt.objects.bulk_create(
        [
            ExamAttempt(
                enrollment=enrollment,
                exam_id=exams[enrollment.course_id],
                number=1,
                state=AttemptState.SUBMITTED,
                started_at=enrollment.completed_at - datetime.timedelta(hours=1),
                closed_at=enrollment.completed_at,
                score_percent=85,
                passed=True,
            )
            for enrollment in enrollments
            if enrollment.completed_at and enrollment.course_id in exams
        ]
    )
    return len(enrollments)
