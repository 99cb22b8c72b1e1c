"""Seminar questions: registrants ask and upvote before and during the event; the people running
it (staff, hosts, chapter moderators — see ``events.can_moderate``) answer, mark answered and hide.

Votes are set, not toggled: ``vote(question, user, up=True)`` twice leaves one vote, so a
double click or a replayed request cannot take a vote away.
"""

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from .events import REGISTERED, EventError, can_moderate
from .models import Question, QuestionVote, Registration
from .models.qna import QUESTION_MAX_LENGTH


def qna_open(event, now=None):
    return event.qna_enabled and (now or timezone.now()) < event.ends_at


def participation_refusal(user, event, now=None):
    """Why this person may not ask or vote, or None."""
    if not event.qna_enabled:
        return _("This event has no questions and answers.")
    if not qna_open(event, now):
        return _("Questions are closed: the event is over.")
    if not user.is_authenticated:
        return _("Log in and register to ask a question.")
    if can_moderate(user, event):
        return None
    if not Registration.objects.filter(event=event, user=user, status=REGISTERED).exists():
        return _("Only registered participants can ask and vote.")
    return None


def _require_participant(user, event):
    refusal = participation_refusal(user, event)
    if refusal:
        raise EventError(refusal)


def _require_moderator(user, event):
    if not can_moderate(user, event):
        raise EventError(_("Only the hosts and moderators of this event can do that."))


def _clean_text(text):
    text = (text or "").strip()
    try:
        ProhibitNullCharactersValidator()(text)
    except ValidationError as error:
        raise EventError(error.messages[0]) from None
    return text


def ask(user, event, text):
    _require_participant(user, event)
    text = _clean_text(text)
    if not text:
        raise EventError(_("Write your question first."))
    if len(text) > QUESTION_MAX_LENGTH:
        raise EventError(_("Keep your question under %(max)d characters.") % {"max": QUESTION_MAX_LENGTH})
    # The same text twice from the same person within a minute is a double submit.
    recent = Question.objects.filter(
        event=event, author=user, text=text, created_at__gte=timezone.now() - timezone.timedelta(minutes=1)
    ).first()
    return recent or Question.objects.create(event=event, author=user, text=text)


def vote(question, user, up=True):
    """Set this person's vote on a question (up or not); returns the question's vote count."""
    _require_participant(user, question.event)
    if Question.objects.filter(pk=question.pk, hidden_at__isnull=False).exists():
        raise EventError(_("This question has been hidden."))
    if up:
        try:
            with transaction.atomic():
                QuestionVote.objects.get_or_create(question=question, user=user)
        except IntegrityError:
            pass  # the same vote arrived twice at once; one is kept
    else:
        QuestionVote.objects.filter(question=question, user=user).delete()
    return question.votes.count()


@transaction.atomic
def answer(question, user, text="", mark_answered=True):
    """Answer (or just mark answered, or reopen with ``mark_answered=False``)."""
    _require_moderator(user, question.event)
    text = _clean_text(text)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if mark_answered or text:
        question.answer = text or question.answer
        question.answered_at, question.answered_by = question.answered_at or timezone.now(), user
    else:
        question.answered_at = question.answered_by = None
    question.save(update_fields=["answer", "answered_at", "answered_by"])
    return question


@transaction.atomic
def hide(question, user, hidden=True):
    _require_moderator(user, question.event)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if hidden and question.hidden_at is None:
        question.hidden_at, question.hidden_by = timezone.now(), user
    elif not hidden:
        question.hidden_at = question.hidden_by = None
    question.save(update_fields=["hidden_at", "hidden_by"])
    return question


def questions_for(event, user):
    """The questions this person sees, most votes first (then oldest first).

    Hidden questions disappear for everyone except the people running the event.
    """
    questions = (
        Question.objects.filter(event=event)
        .select_related("author__profile", "answered_by__profile")
        .annotate(vote_count=Count("votes"))
        .order_by("-vote_count", "created_at", "pk")
    )
    if not can_moderate(user, event):
        questions = questions.filter(hidden_at__isnull=True)
    if user.is_authenticated:
        questions = questions.annotate(
            voted=Exists(QuestionVote.objects.filter(question=OuterRef("pk"), user=user)),
        )
    return questions


def qna_context(event, request):
    if not event.qna_enabled:
        return {"qna_enabled": False}
    user = request.user
    return {
        "qna_enabled": True,
        "questions": questions_for(event, user),
        "qna_refusal": participation_refusal(user, event),
        "qna_moderator": can_moderate(user, event),
        "question_max_length": QUESTION_MAX_LENGTH,
    }
