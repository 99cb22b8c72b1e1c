"""The learner's pages cost the same number of SQL queries on a small and a larger data set.

Each test opens a page once on a small data set (one course, one learner, one attempt),
grows the data (more courses, lessons, enrollments, other learners' progress, attempts and
certificates, and more of the learner's own records) and opens the same page again: the
count must not change. A first request warms the per-process caches (site root, content
types, locales) so only the page's own queries are compared. ``bench/pages.py`` measures
the same pages on 100,000 learners.
"""

from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates import services as certificate_services
from certificates.models import Certificate
from courses.factories import (
    CoursePageFactory,
    ExamFactory,
    LessonPageFactory,
    QuestionFactory,
    TrackPageFactory,
    VideoFactory,
    get_catalog_page,
)
from courses.models import AttemptState, Enrollment, ExamAttempt, LessonProgress
from lms.accounts.factories import TraineeFactory

NUMBERS = count()


def add_course(track, lessons=2, questions=3):
    n = next(NUMBERS)
    course = CoursePageFactory(parent=track, title=f"Course {n}", slug=f"course-{n}", level="basic")
    for k in range(lessons):
        LessonPageFactory(
            parent=course, title=f"Lesson {k}", slug=f"lesson-{k}", video=VideoFactory(duration=60) if k == 0 else None
        )
    exam = ExamFactory(course=course, max_attempts=10)
    for _ in range(questions):
        QuestionFactory(exam=exam)
    return course


def study(user, course, finish=False, attempts=0):
    """An enrollment with lesson progress, closed attempts and, when finished, a certificate."""
    now = timezone.now()
    lessons = list(course.lessons())
    enrollment = Enrollment.objects.create(
        user=user,
        course=course,
        last_activity_at=now,
        last_lesson=lessons[0],
        lessons_completed_at=now if finish else None,
        completed_at=now if finish else None,
    )
    for lesson in lessons if finish else lessons[:1]:
        LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, completed_at=now)
    for number in range(1, attempts + 1):
        ExamAttempt.objects.create(
            enrollment=enrollment,
            exam=course.exam,
            number=number,
            state=AttemptState.SUBMITTED,
            started_at=now,
            closed_at=now,
            score_percent=40,
            passed=False,
        )
    if finish:
        certificate_services.issue_certificate(enrollment.pk)
    return enrollment


@pytest.fixture
def world(db):
    """The small data set: one track, one course, one learner who studies it."""
    track = TrackPageFactory(title="Cardiology", slug="cardiology")
    course = add_course(track)
    learner = TraineeFactory(email="aziz@example.org")
    enrollment = study(learner, course, attempts=1)
    done = add_course(track)
    finished = study(learner, done, finish=True, attempts=1)
    return {"track": track, "course": course, "learner": learner, "enrollment": enrollment, "finished": finished}


def grow(world):
    """The larger data set: what a busy catalog and a long-time learner add."""
    tracks = [world["track"], TrackPageFactory(title="Radiology", slug="radiology")]
    course = world["course"]
    for k in range(2, 7):  # more lessons in the learner's course
        LessonPageFactory(parent=course, title=f"Extra lesson {k}", slug=f"extra-{k}", video=None)
    others = [TraineeFactory() for _ in range(4)]
    for other in others:  # other learners' progress, attempts and certificates in the same courses
        study(other, course, attempts=2)
        study(other, world["finished"].course, finish=True, attempts=1)
    for n in range(8):  # more courses; the learner studies or finished half of them
        extra = add_course(tracks[n % 2], lessons=3)
        if n % 2:
            study(world["learner"], extra, finish=n % 4 == 1, attempts=1)
        study(others[n % 4], extra, attempts=1)
    # The learner's own exam history grows too.
    ExamAttempt.objects.create(
        enrollment=world["enrollment"],
        exam=course.exam,
        number=2,
        state=AttemptState.SUBMITTED,
        started_at=timezone.now(),
        closed_at=timezone.now(),
        score_percent=50,
        passed=False,
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), [query["sql"] for query in captured.captured_queries]


def assert_flat(client, world, url_of):
    client.force_login(world["learner"])
    client.get(url_of(world))  # warm-up: site root, content types, locales
    small, small_sql = queries(client, url_of(world))
    grow(world)
    client.get(url_of(world))
    large, large_sql = queries(client, url_of(world))
    assert large == small, "\n".join(["small:", *small_sql, "", "large:", *large_sql])
    return small


def test_the_catalog_costs_the_same_with_more_courses(client, world):
    assert_flat(client, world, lambda w: get_catalog_page().url)


def test_a_course_page_costs_the_same_with_more_lessons_and_learners(client, world):
    assert_flat(client, world, lambda w: w["course"].url)


def test_a_lesson_page_costs_the_same_with_more_lessons_and_progress(client, world):
    assert_flat(client, world, lambda w: w["course"].lessons().first().url)


def test_the_dashboard_costs_the_same_with_more_enrollments(client, world):
    assert_flat(client, world, lambda w: reverse("courses:dashboard"))


def test_the_exam_page_costs_the_same_with_more_attempts(client, world):
    # Lessons done, so the page offers the exam (the heaviest branch).
    for lesson in world["course"].lessons():
        LessonProgress.objects.update_or_create(
            enrollment=world["enrollment"], lesson=lesson, defaults={"completed_at": timezone.now()}
        )
    assert_flat(client, world, lambda w: reverse("courses:exam", args=[w["course"].pk]))


def test_the_certificate_verify_page_costs_the_same_with_more_certificates(client, world):
    def verify_url(w):
        return reverse("certificates:verify", args=[Certificate.objects.get(enrollment=w["finished"]).public_code])

    client.logout()
    client.get(verify_url(world))
    small, _ = queries(client, verify_url(world))
    grow(world)
    large, sql = queries(client, verify_url(world))
    assert large == small, sql
