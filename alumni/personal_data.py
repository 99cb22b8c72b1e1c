"""What the alumni app holds about a person: for the data download and for account deletion
(see lms.accounts.personal_data).

Deletion removes the person from the alumni network: their directory entry and photo,
their membership, their chapter moderator role, their seat at upcoming events (cancelled
through ``events.cancel``, so the first on the waiting list moves up and is told), every
registration and attendance record, their seminar questions (deleted with the answers and
votes on them: the asker's name is required on a question, and a question is theirs), their
votes, the directory messages they sent or received (the log keeps no text), their
newsletter deliveries, unsubscription and calendar feed. Chapter news they posted stays with
the chapter, without an author. Event pages naming them as a host are Wagtail pages with
revisions and are left to the editors.
"""

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from lms.accounts.personal_data import iso

from . import events
from .models import (
    AlumniMembership,
    CalendarFeed,
    ChapterNewsPost,
    ContactMessage,
    DirectoryEntry,
    NewsletterDelivery,
    NewsletterUnsubscription,
    Question,
    QuestionVote,
    Registration,
    RegistrationStatus,
)


def export_alumni(user):
    membership = AlumniMembership.objects.select_related("chapter").filter(user=user).first()
    entry = DirectoryEntry.objects.filter(membership__user=user).prefetch_related("languages").first()
    unsubscription = NewsletterUnsubscription.objects.filter(user=user).first()
    return {
        "alumni_membership": None
        if membership is None
        else {
            "cohort_year": membership.cohort_year,
            "admitted_for": membership.source,
            "chapter": membership.chapter.name if membership.chapter else None,
            "admitted_at": iso(membership.admitted_at),
            "admission_note": membership.admission_note,
            "moderator_of": list(user.moderated_chapters.values_list("name", flat=True)),
        },
        "directory_entry": None
        if entry is None
        else {
            "listed": entry.listed,
            "accepts_messages": entry.accepts_messages,
            "shown": sorted(
                name.removeprefix("show_")
                for name in (
                    "show_institution",
                    "show_specialty",
                    "show_country",
                    "show_city",
                    "show_languages",
                    "show_bio",
                    "show_photo",
                )
                if getattr(entry, name)
            ),
            "city": entry.city,
            "bio": entry.bio,
            "languages": [language.language for language in entry.languages.all()],
            "has_photo": bool(entry.photo),
            "updated_at": iso(entry.updated_at),
        },
        "directory_messages_sent": [
            {"sent_at": iso(message.sent_at), "shared_email": message.shared_email}
            for message in ContactMessage.objects.filter(sender=user).order_by("sent_at")
        ],
        "directory_messages_received": [
            {"sent_at": iso(message.sent_at)}
            for message in ContactMessage.objects.filter(recipient=user).order_by("sent_at")
        ],
        "chapter_news_posted": [
            {
                "chapter": post.chapter.name,
                "title": post.title,
                "body": post.body,
                "published_at": iso(post.published_at),
            }
            for post in ChapterNewsPost.objects.filter(author=user).select_related("chapter").order_by("published_at")
        ],
        "event_registrations": [
            {
                "event": registration.event.title,
                "starts_at": iso(registration.event.starts_at),
                "status": registration.status,
                "registered_at": iso(registration.created_at),
                "promoted_at": iso(registration.promoted_at),
                "attended_at": iso(registration.attended_at),
            }
            for registration in Registration.objects.filter(user=user).select_related("event").order_by("created_at")
        ],
        "event_questions": [
            {
                "event": question.event.title,
                "question": question.text,
                "asked_at": iso(question.created_at),
                "answer": question.answer,
                "answered_at": iso(question.answered_at),
                "hidden": question.is_hidden,
            }
            for question in Question.objects.filter(author=user).select_related("event").order_by("created_at")
        ],
        "event_question_votes": [
            {"event": vote.question.event.title, "question": vote.question.text, "voted_at": iso(vote.created_at)}
            for vote in QuestionVote.objects.filter(user=user).select_related("question__event").order_by("created_at")
        ],
        "newsletter": {
            "subscribed": membership is not None and unsubscription is None,
            "unsubscribed_at": iso(unsubscription.unsubscribed_at) if unsubscription else None,
            "deliveries": [
                {"issue": delivery.issue.title, "status": delivery.status, "sent_at": iso(delivery.sent_at)}
                for delivery in NewsletterDelivery.objects.filter(user=user)
                .select_related("issue")
                .order_by("created_at")
            ],
        },
        "event_calendar_feed": CalendarFeed.objects.filter(user=user).exists(),  # never its secret token
    }


def delete_alumni_data(user):
    now = timezone.now()
    upcoming = (
        Registration.objects.filter(user=user, event__ends_at__gt=now)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("event")
    )
    for registration in upcoming:
        events.cancel(user, registration.event, now=now)  # frees the seat for the waiting list
    Registration.objects.filter(user=user).delete()
    Question.objects.filter(author=user).delete()
    QuestionVote.objects.filter(user=user).delete()
    ContactMessage.objects.filter(sender=user).delete()
    ContactMessage.objects.filter(recipient=user).delete()
    ChapterNewsPost.objects.filter(author=user).update(author=None)
    user.moderated_chapters.clear()

    photos = [
        entry.photo.name
        for entry in DirectoryEntry.objects.filter(membership__user=user).select_for_update()
        if entry.photo
    ]
    DirectoryEntry.objects.filter(membership__user=user).delete()
    AlumniMembership.objects.filter(user=user).delete()
    NewsletterDelivery.objects.filter(user=user).delete()
    NewsletterUnsubscription.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    # Files go only once the rows are committed: a rolled-back deletion keeps the photo.
    transaction.on_commit(lambda: [default_storage.delete(name) for name in photos])
