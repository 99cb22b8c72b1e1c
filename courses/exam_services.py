"""Completion exams: drawing an attempt, saving answers against a server-side clock, grading."""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    AttemptQuestion,
    AttemptState,
    Enrollment,
    Exam,
    ExamAttempt,
    ExtraAttemptGrant,
    QuestionKind,
    Scoring,
)
from .services import (
    AccessDenied,
    LearningError,
    can_study,
    get_enrollment,
    required_lessons_done,
    update_course_completion,
)


class ExamError(LearningError):
    pass


def grace():
    # Answers may arrive a little after the deadline: the network is slow, the clock is not.
    return timedelta(seconds=settings.EXAM_DEADLINE_GRACE_SECONDS)


def get_exam(course):
    return Exam.objects.filter(course=course).first()


# --- What the trainee may do -------------------------------------------------------


@dataclass
class ExamStatus:
    exam: Exam | None
    enrollment: Enrollment | None
    lessons_done: bool
    attempts: list
    open_attempt: ExamAttempt | None
    attempts_left: int | None
    next_attempt_at: object
    passed: bool
    reason: str

    @property
    def can_start(self):
        return not self.reason


def exam_status(user, course, now=None):
    """Everything the exam page shows, and why the trainee may not start (``reason``)."""
    now = now or timezone.now()
    exam = get_exam(course)
    enrollment = get_enrollment(user, course)
    attempts = []
    if exam and enrollment:
        close_expired_attempts(now=now, enrollment=enrollment)
        attempts = list(ExamAttempt.objects.filter(enrollment=enrollment, exam=exam).order_by("number"))
    open_attempt = next((a for a in attempts if a.is_open), None)
    passed = any(a.passed for a in attempts)
    lessons_done = bool(enrollment) and required_lessons_done(enrollment)
    attempts_left = _attempts_left(exam, enrollment, attempts) if exam and enrollment else None
    next_attempt_at = _next_attempt_at(exam, attempts) if exam else None

    if exam is None:
        reason = _("This course has no exam.")
    elif enrollment is None:
        reason = _("Enroll in the course to take its exam.")
    elif passed:
        reason = _("You passed this exam.")
    elif not lessons_done:
        reason = _("Complete every required lesson to unlock the exam.")
    elif open_attempt:
        reason = ""
    elif attempts_left is not None and attempts_left <= 0:
        reason = _("You have used all your attempts. Contact the academy if you need another one.")
    elif next_attempt_at and next_attempt_at > now:
        reason = _("You can try again from %(time)s.") % {
            "time": timezone.localtime(next_attempt_at).strftime("%Y-%m-%d %H:%M")
        }
    else:
        reason = ""
    return ExamStatus(exam, enrollment, lessons_done, attempts, open_attempt, attempts_left, next_attempt_at, passed, reason)


def _attempts_left(exam, enrollment, attempts):
    if exam.max_attempts is None:
        return None
    extra = ExtraAttemptGrant.objects.filter(enrollment=enrollment, exam=exam).count()
    return exam.max_attempts + extra - len(attempts)


def _next_attempt_at(exam, attempts):
    closed = [a.closed_at for a in attempts if a.closed_at]
    if not closed or not exam.wait_between_attempts_minutes:
        return None
    return max(closed) + timedelta(minutes=exam.wait_between_attempts_minutes)


# --- Starting --------------------------------------------------------------------


def start_attempt(user, course, now=None):
    """Draw a new attempt, or return the one already open (a double click starts one)."""
    now = now or timezone.now()
    enrollment = get_enrollment(user, course)
    if enrollment is None or not can_study(user, course, enrollment):
        raise AccessDenied(_("Enroll in the course to take its exam."))
    with transaction.atomic():
        # Lock the enrollment: concurrent starts queue here instead of drawing twice.
        Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        status = exam_status(user, course, now=now)
        if status.open_attempt:
            return status.open_attempt
        if not status.can_start:
            raise ExamError(status.reason)
        return _draw(status.exam, enrollment, len(status.attempts) + 1, now)


def _draw(exam, enrollment, number, now):
    questions = list(exam.questions.select_related("image").order_by("sort_order", "pk"))
    if not questions:
        raise ExamError(_("This exam has no questions yet."))
    count = min(exam.questions_per_attempt or len(questions), len(questions))
    drawn = random.sample(questions, count)
    if exam.shuffle_questions:
        random.shuffle(drawn)
    else:
        drawn.sort(key=lambda question: (question.sort_order or 0, question.pk))
    deadline = now + timedelta(minutes=exam.time_limit_minutes) if exam.time_limit_minutes else None
    try:
        with transaction.atomic():
            attempt = ExamAttempt.objects.create(
                enrollment=enrollment, exam=exam, number=number, started_at=now, deadline=deadline
            )
    except IntegrityError:
        raise ExamError(_("An attempt was started at the same moment. Reload the page.")) from None
    AttemptQuestion.objects.bulk_create(
        _frozen_question(attempt, position, question, exam.shuffle_options)
        for position, question in enumerate(drawn, start=1)
    )
    return attempt


def _frozen_question(attempt, position, question, shuffle):
    items = question.option_items()
    if shuffle and question.kind != QuestionKind.TRUE_FALSE:  # True before False reads better
        random.shuffle(items)
    return AttemptQuestion(
        attempt=attempt,
        question=question,
        position=position,
        kind=question.kind,
        text=question.text,
        image=question.image,
        options=[{"id": option_id, "text": text} for option_id, text, _correct in items],
        correct_option_ids=sorted(option_id for option_id, _text, correct in items if correct),
        explanation=question.explanation,
    )


# --- Answering -------------------------------------------------------------------


def get_attempt(user, attempt_id, now=None):
    """The user's own attempt, closed first if its time ran out while nobody looked."""
    attempt = ExamAttempt.objects.select_related("exam__course", "enrollment").filter(
        pk=attempt_id, enrollment__user=user
    ).first()
    if attempt and attempt.is_open and _expired(attempt, now or timezone.now()):
        close_attempt_if_expired(attempt.pk, now=now)
        attempt.refresh_from_db()
    return attempt


def _expired(attempt, now):
    return attempt.deadline is not None and now > attempt.deadline + grace()


def save_answers(attempt, answers, now=None):
    """Store answers ({position: [option ids]}) while the attempt is open and in time."""
    now = now or timezone.now()
    if close_attempt_if_expired(attempt.pk, now=now):
        # Closed in its own transaction, so raising here does not undo the grading.
        raise ExamError(_("Time is up: answers sent after the deadline were not counted."))
    with transaction.atomic():
        attempt = ExamAttempt.objects.select_for_update().get(pk=attempt.pk)
        if not attempt.is_open or _expired(attempt, now):
            raise ExamError(_("This attempt is already closed."))
        _store(attempt, answers, now)
    return attempt


def _store(attempt, answers, now):
    questions = {q.position: q for q in attempt.questions.all()}
    for position, option_ids in answers.items():
        question = questions.get(position)
        if question is None:
            raise ExamError(_("That question is not part of this attempt."))
        valid = {option["id"] for option in question.options}
        chosen = sorted(set(option_ids))
        if not set(chosen) <= valid:
            raise ExamError(_("That answer is not one of the options."))
        if question.kind != QuestionKind.MULTIPLE and len(chosen) > 1:
            raise ExamError(_("Choose one answer for this question."))
        if chosen != question.selected_option_ids:
            question.selected_option_ids = chosen
            question.answered_at = now
            question.save(update_fields=["selected_option_ids", "answered_at"])


def submit_attempt(attempt, answers=None, now=None):
    """Grade the attempt once; a second submit returns the graded attempt unchanged."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = ExamAttempt.objects.select_for_update().get(pk=attempt.pk)
        if not attempt.is_open:
            return attempt
        late = _expired(attempt, now)
        if answers and not late:
            _store(attempt, answers, now)
        _grade_and_close(attempt, AttemptState.TIMED_OUT if late else AttemptState.SUBMITTED, now)
    return attempt


def close_attempt_if_expired(attempt_id, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        attempt = ExamAttempt.objects.select_for_update().filter(pk=attempt_id, state=AttemptState.OPEN).first()
        if attempt and _expired(attempt, now):
            _grade_and_close(attempt, AttemptState.TIMED_OUT, now)
            return True
    return False


def close_expired_attempts(now=None, enrollment=None):
    """Close abandoned attempts whose time ran out (the periodic task, and on every touch)."""
    now = now or timezone.now()
    expired = ExamAttempt.objects.filter(state=AttemptState.OPEN, deadline__lt=now - grace())
    if enrollment is not None:
        expired = expired.filter(enrollment=enrollment)
    return sum(close_attempt_if_expired(pk, now=now) for pk in expired.values_list("pk", flat=True))


# --- Grading ---------------------------------------------------------------------


def question_score(kind, scoring, selected, correct):
    selected, correct = set(selected), set(correct)
    if kind != QuestionKind.MULTIPLE or scoring == Scoring.ALL_OR_NOTHING:
        return 1.0 if selected == correct else 0.0
    # Partial credit: each right choice earns a share, each wrong choice takes one back.
    earned = len(selected & correct) - len(selected - correct)
    return max(0.0, earned / len(correct))


def _grade_and_close(attempt, state, now):
    questions = list(attempt.questions.all())
    for question in questions:
        question.score = question_score(
            question.kind, attempt.exam.scoring, question.selected_option_ids, question.correct_option_ids
        )
    AttemptQuestion.objects.bulk_update(questions, ["score"])
    total = sum(question.score for question in questions)
    attempt.score_percent = (Decimal(100) * Decimal(total) / len(questions)).quantize(Decimal("0.01")) if questions else Decimal(0)
    attempt.passed = attempt.score_percent >= attempt.exam.pass_mark_percent
    attempt.state = state
    attempt.closed_at = now
    attempt.save(update_fields=["score_percent", "passed", "state", "closed_at"])
    if attempt.passed:
        update_course_completion(attempt.enrollment)


# --- Results and admin -------------------------------------------------------------


def attempt_feedback(attempt):
    """Per-question feedback; correct answers only where the exam allows it."""
    reveal = bool(attempt.passed) or attempt.exam.show_answers_after_fail
    rows = []
    for question in attempt.questions.select_related("image"):
        selected = set(question.selected_option_ids)
        correct = set(question.correct_option_ids) if reveal else set()
        rows.append(
            {
                "question": question,
                "options": [
                    {
                        "text": option["text"],
                        "selected": option["id"] in selected,
                        "correct": option["id"] in correct,
                    }
                    for option in question.options
                ],
                "is_right": question.score == 1,
                "is_partly_right": 0 < (question.score or 0) < 1,
                "explanation": question.explanation if reveal else "",
            }
        )
    return {"rows": rows, "answers_revealed": reveal}


def grant_extra_attempt(granted_by, enrollment, exam, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ExamError(_("Give a reason for the extra attempt."))
    if enrollment.course_id != exam.course_id:
        raise ExamError(_("This trainee is not enrolled in the exam's course."))
    return ExtraAttemptGrant.objects.create(enrollment=enrollment, exam=exam, granted_by=granted_by, reason=reason)
