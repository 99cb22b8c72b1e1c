"""Medical Korea Alumni. ``members``: alumni status and chapters (the base every other part
uses). Directory, newsletters, events and seminar Q&A live in their own modules beside it."""

from .members import AdmissionSource, AlumniMembership, Chapter

__all__ = ["AdmissionSource", "AlumniMembership", "Chapter"]

from .events import (
    Audience,
    CalendarFeed,
    EventIndexPage,
    EventKind,
    EventLecturer,
    EventPage,
    Registration,
    RegistrationStatus,
)
from .qna import Question, QuestionVote

__all__ += [
    "Audience",
    "CalendarFeed",
    "EventIndexPage",
    "EventKind",
    "EventLecturer",
    "EventPage",
    "Question",
    "QuestionVote",
    "Registration",
    "RegistrationStatus",
]
from .chapter_news import ChapterNewsPost
from .directory import (
    NETWORK_LANGUAGES,
    SPOKEN_LANGUAGES,
    ContactMessage,
    DirectoryEntry,
    DirectoryLanguage,
    language_name,
)
from .newsletter import (
    DeliveryStatus,
    NewsletterDelivery,
    NewsletterDispatch,
    NewsletterIndexPage,
    NewsletterPage,
    NewsletterUnsubscription,
)

__all__ += [
    "NETWORK_LANGUAGES",
    "SPOKEN_LANGUAGES",
    "language_name",
    "ChapterNewsPost",
    "ContactMessage",
    "DeliveryStatus",
    "DirectoryEntry",
    "DirectoryLanguage",
    "NewsletterDelivery",
    "NewsletterDispatch",
    "NewsletterIndexPage",
    "NewsletterPage",
    "NewsletterUnsubscription",
]
