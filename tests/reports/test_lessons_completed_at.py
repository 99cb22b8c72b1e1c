"""The funnel's "all lessons done" is stored once by the progress service (and back-filled)."""

import importlib

from django.apps import apps
from django.utils import timezone

from courses import services
from courses.factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory
from courses.models import Enrollment, LessonProgress
from lms.accounts.factories import TraineeFactory

from .helpers import FUNNEL, export


def test_marking_the_last_required_lesson_done_stamps_the_enrollment(admin_client, db):
    course = CoursePageFactory(title="Reading course", slug="reading-course")
    first, second = (LessonPageFactory(parent=course, slug=f"r{n}", video=None) for n in (1, 2))
    LessonPageFactory(parent=course, slug="optional", video=None, is_required=False)
    trainee = TraineeFactory()
    enrollment = services.enroll(trainee, course)

    services.mark_lesson_done(trainee, first)
    enrollment.refresh_from_db()
    assert enrollment.lessons_completed_at is None
    services.mark_lesson_done(trainee, second)
    enrollment.refresh_from_db()
    assert enrollment.lessons_completed_at is not None
    assert enrollment.completed_at is not None  # no exam: the course is complete too

    row = export(admin_client, FUNNEL)[1]
    assert row[:5] == ["Reading course", course.get_parent().title, "1", "1", "1"]


def test_backfill_stamps_enrollments_whose_required_lessons_are_done(db):
    migration = importlib.import_module("courses.migrations.0007_enrollment_lessons_completed_at")
    course = CoursePageFactory()
    lessons = [LessonPageFactory(parent=course, slug=f"b{n}") for n in (1, 2)]
    finished, halfway = EnrollmentFactory(course=course), EnrollmentFactory(course=course)
    done_at = timezone.now() - timezone.timedelta(days=3)
    for enrollment, count in ((finished, 2), (halfway, 1)):
        for lesson in lessons[:count]:
            LessonProgress.objects.create(
                enrollment=enrollment, lesson=lesson, completed_at=done_at
            )

    migration.backfill_lessons_completed_at(apps, None)

    assert Enrollment.objects.get(pk=finished.pk).lessons_completed_at == done_at
    assert Enrollment.objects.get(pk=halfway.pk).lessons_completed_at is None
