"""Factories for alumni, shared by the tests and the demo seed.

chapter = ChapterFactory(country="UZ")
alumnus = AlumnusFactory(profile__country="UZ")  # a trainee with alumni status in that chapter
"""

import factory
from django.utils import timezone

from lms.accounts.factories import TraineeFactory

from .models import AdmissionSource, AlumniMembership, Chapter


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter
        django_get_or_create = ("country",)

    country = "UZ"
    name = factory.LazyAttribute(lambda o: f"Alumni chapter {o.country}")
    slug = factory.LazyAttribute(lambda o: str(o.country).lower())


class AlumniMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlumniMembership
        django_get_or_create = ("user",)

    user = factory.SubFactory(TraineeFactory)
    cohort_year = factory.LazyFunction(lambda: timezone.now().year)
    source = AdmissionSource.COMPLETION
    chapter = factory.LazyAttribute(
        lambda o: Chapter.objects.filter(country=o.user.profile.country).first() if hasattr(o.user, "profile") else None
    )


class AlumnusFactory(TraineeFactory):
    """A trainee who is an alumnus (membership created after the user)."""

    membership = factory.RelatedFactory(AlumniMembershipFactory, factory_related_name="user")


# --- Events ---------------------------------------------------------------------------
# event = EventPageFactory(capacity=10, starts_at=..., audience=Audience.ALUMNI)  # under the events index

from django.utils.text import slugify


def get_events_index():
    from courses.factories import get_home_page

    from .models import EventIndexPage

    return EventIndexPage.objects.first() or EventIndexPageFactory(parent=get_home_page())


def in_days(days, hour=10):
    """A round hour ``days`` from now (UTC)."""
    return (timezone.now() + timezone.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


class _PublishedPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        from courses.factories import publish

        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        return publish(page)


class EventIndexPageFactory(_PublishedPageFactory):
    class Meta:
        model = "alumni.EventIndexPage"

    title = "Seminars and events"
    slug = "events"
    intro = "<p>Online seminars with the lecturers, meetings, master classes and conferences.</p>"


class EventPageFactory(_PublishedPageFactory):
    """``lecturers=[...]`` attaches Lecturer snippets; ``hosts=[...]`` sets the host accounts."""

    class Meta:
        model = "alumni.EventPage"

    title = factory.Sequence(lambda n: f"Alumni seminar {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title)[:255])
    kind = "online-seminar"
    summary = "An evening with the lecturers."
    description = "<p>Cases and questions.</p>"
    starts_at = factory.LazyFunction(lambda: in_days(7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timezone.timedelta(hours=2))
    time_zone = "Asia/Seoul"
    online_link = "https://meet.example.org/mka-seminar"
    audience = "alumni"

    @classmethod
    def _create(cls, model_class, *args, parent=None, lecturers=(), hosts=(), **kwargs):
        from courses.factories import publish

        from .models import EventLecturer

        page = model_class(*args, **kwargs)
        page.event_lecturers = [EventLecturer(lecturer=lecturer) for lecturer in lecturers]
        if hosts:
            page.hosts = list(hosts)
        (parent or get_events_index()).add_child(instance=page)
        return publish(page)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "alumni.Registration"
        django_get_or_create = ("event", "user")

    event = factory.SubFactory(EventPageFactory)
    user = factory.SubFactory(AlumnusFactory)
    status = "registered"
# --- Directory, chapter news and newsletters (alumni-people) -------------------------------

from courses.factories import PageFactory, get_home_page  # noqa: E402

from .models import ChapterNewsPost, DirectoryEntry, NewsletterIndexPage, NewsletterPage  # noqa: E402


class DirectoryEntryFactory(factory.django.DjangoModelFactory):
    """A listed entry showing everything: tests switch off what they hide."""

    class Meta:
        model = DirectoryEntry
        django_get_or_create = ("membership",)

    membership = factory.LazyAttribute(lambda o: AlumniMembershipFactory())
    listed = True
    show_institution = show_specialty = show_country = show_city = show_languages = show_bio = show_photo = True
    city = "Ulaanbaatar"
    bio = "Interventional cardiologist."


class ChapterNewsPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChapterNewsPost

    chapter = factory.SubFactory(ChapterFactory)
    title = factory.Sequence(lambda n: f"Chapter news {n}")
    body = "Alumni meet on Saturday."


def get_newsletter_index():
    index = NewsletterIndexPage.objects.first()
    return index or NewsletterIndexPageFactory()


class NewsletterIndexPageFactory(PageFactory):
    class Meta:
        model = NewsletterIndexPage

    title = "Alumni news"
    slug = "alumni-news"
    parent = factory.LazyFunction(get_home_page)


class NewsletterPageFactory(PageFactory):
    """A published issue; ``body`` takes StreamField raw data (``[{"type": ..., "value": ...}]``)."""

    class Meta:
        model = NewsletterPage

    title = factory.Sequence(lambda n: f"Alumni news no. {n}")
    intro = "News from Korea for the Medical Korea Alumni."
    body = factory.LazyFunction(
        lambda: [
            {
                "type": "technique",
                "value": {
                    "title": "Robotic thyroidectomy",
                    "hospital": "Seoul",
                    "text": "<p>Scarless.</p>",
                    "link": "",
                },
            },
            {
                "type": "conference",
                "value": {"name": "KSC 2027", "dates": "12–14 May 2027", "place": "Seoul", "text": "", "link": ""},
            },
        ]
    )
    parent = factory.LazyFunction(get_newsletter_index)
