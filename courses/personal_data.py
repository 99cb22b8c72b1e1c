"""What courses holds about a trainee: for the data download and for account deletion
(see lms.accounts.personal_data)."""

from django.db import transaction
from django.db.models.deletion import ProtectedError

from lms.accounts.personal_data import iso

from .models import Enrollment, ExamAttempt, ExtraAttemptGrant, LessonProgress


def export_learning(user):
    enrollments = (
        Enrollment.objects.filter(user=user).select_related("course").order_by("enrolled_at")
    )
    progress = LessonProgress.objects.filter(enrollment__user=user).select_related(
        "lesson", "enrollment__course"
    )
    attempts = (
        ExamAttempt.objects.filter(enrollment__user=user)
        .select_related("exam__course")
        .prefetch_related("questions")
        .order_by("started_at")
    )
    return {
        "enrollments": [
            {
                "course": enrollment.course.title,
                "enrolled_at": iso(enrollment.enrolled_at),
                "last_activity_at": iso(enrollment.last_activity_at),
                "completed_at": iso(enrollment.completed_at),
            }
            for enrollment in enrollments
        ],
        "lesson_progress": [
            {
                "course": record.enrollment.course.title,
                "lesson": record.lesson.title,
                "started_at": iso(record.started_at),
                "updated_at": iso(record.updated_at),
                "last_position_seconds": record.last_position,
                "furthest_position_seconds": record.furthest_position,
                "seconds_watched": record.seconds_watched,
                "completed_at": iso(record.completed_at),
            }
            for record in progress.order_by("started_at")
        ],
        "exam_attempts": [
            {
                "course": attempt.exam.course.title,
                "number": attempt.number,
                "state": attempt.state,
                "started_at": iso(attempt.started_at),
                "closed_at": iso(attempt.closed_at),
                "score_percent": None
                if attempt.score_percent is None
                else float(attempt.score_percent),
                "passed": attempt.passed,
                "answers": [
                    {
                        "question": question.text,
                        "selected": [
                            option["text"]
                            for option in question.options
                            if option["id"] in (question.selected_option_ids or [])
                        ],
                        "answered_at": iso(question.answered_at),
                    }
                    for question in attempt.questions.all()
                ],
            }
            for attempt in attempts
        ],
    }


def delete_learning(user):
    """Progress and attempts go. An enrollment goes too unless another app's record protects
    it (a certificate, an order): then it stays as an anonymous completion record."""
    LessonProgress.objects.filter(enrollment__user=user).delete()
    ExamAttempt.objects.filter(enrollment__user=user).delete()
    ExtraAttemptGrant.objects.filter(enrollment__user=user).delete()
    for enrollment in Enrollment.objects.filter(user=user).select_for_update():
        try:
            with transaction.atomic():  # a savepoint: a refused delete leaves the rest intact
                enrollment.delete()
        except ProtectedError:
            Enrollment.objects.filter(pk=enrollment.pk).update(
                last_lesson=None, last_activity_at=None
            )
