"""Demo alumni events (seeds/data/alumni_events.json): chapters, alumni, upcoming and past
events, registrations (one event full with a waiting list), seminar questions and votes.

Idempotent: chapters by country, users by e-mail, events by slug under the events index,
registrations by (event, person), questions by (event, author, text). An event that exists
is left as it is, so its dates stay those of the first seed.
"""

import datetime
import zoneinfo

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

from alumni.factories import AlumniMembershipFactory, ChapterFactory, EventIndexPageFactory, EventPageFactory
from alumni.models import Chapter, EventIndexPage, EventPage, Question, QuestionVote, Registration
from courses.factories import get_home_page
from courses.models import Lecturer
from lms.accounts.factories import TraineeFactory
from lms.accounts.models import User
from seeds import datafiles

Document = get_document_model()


def seed_alumni_events(log=lambda message: None):
    data = datafiles.load("alumni_events")
    chapters = _chapters(data["chapters"])
    people = _alumni(data)
    for spec in data["chapters"]:
        chapter = chapters[spec["country"]]
        chapter.moderators.add(*[people[email] for email in spec["moderators"] if email in people])
    index = EventIndexPage.objects.first()
    if index is None:
        spec = data["index"]
        index = EventIndexPageFactory(
            parent=get_home_page(), title=spec["title"], slug=spec["slug"], intro=spec["intro"]
        )
        log(f"Created the events index {index.url_path}")
    for spec in data["events"]:
        event = EventPage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if event is None:
            event = _create_event(index, spec, chapters)
            log(f"Created event {event.url_path}")
        elif _keep_upcoming(event, spec):
            log(f"Moved the demo event {event.url_path} to {event.starts_at:%Y-%m-%d}: its first date has passed")
        _registrations(event, spec, people)
        _questions(event, spec, people)


def _chapters(specs):
    chapters = {}
    for spec in specs:
        chapter = Chapter.objects.filter(country=spec["country"]).first()
        chapters[spec["country"]] = chapter or ChapterFactory(
            country=spec["country"], name=spec["name"], slug=spec["slug"]
        )
    return chapters


def _alumni(data):
    """The demo trainees and a few extra alumni, each with alumni status (so they may register)."""
    people = {user.email: user for user in User.objects.filter(email__in=data["alumni"])}
    for spec in data["extra_alumni"]:
        user = User.objects.filter(email=spec["email"]).first()
        if user is None:
            first, _space, last = spec["name_latin"].partition(" ")
            user = TraineeFactory(
                email=spec["email"],
                first_name=first,
                last_name=last,
                profile__name_latin=spec["name_latin"],
                profile__name_native=spec["name_native"],
                profile__country=spec["country"],
                profile__specialty=spec["specialty"],
                profile__institution="",
            )
        people[user.email] = user
    for user in people.values():
        AlumniMembershipFactory(user=user)  # get_or_create: an existing membership is kept
    return people


def _at(spec):
    zone = zoneinfo.ZoneInfo(spec["time_zone"])
    hour, minute = (int(part) for part in spec["time"].split(":"))
    day = timezone.localdate(timezone.now(), zone) + datetime.timedelta(days=spec["in_days"])
    starts = datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    return starts, starts + datetime.timedelta(hours=spec["hours"])


def _keep_upcoming(event, spec):
    """A demo seeded weeks ago still has its upcoming events ahead (``make run`` seeds each time):
    one meant to be upcoming whose date has passed moves to the same distance from today."""
    if spec["in_days"] <= 0 or event.starts_at > timezone.now():
        return False
    starts, _ends = _at(spec)
    shift = starts - event.starts_at
    event.starts_at += shift
    event.ends_at += shift
    if event.registration_deadline:
        event.registration_deadline += shift
    event.save_revision(log_action=False).publish(log_action=False)
    # Reminders went out for the old date; check-ins cannot have happened at the new one.
    event.registrations.update(reminder_24h_sent_at=None, reminder_1h_sent_at=None, attended_at=None)
    return True


def _create_event(index, spec, chapters):
    starts, ends = _at(spec)
    fields = {
        key: spec[key]
        for key in (
            "kind",
            "summary",
            "description",
            "venue",
            "city",
            "online_link",
            "capacity",
            "audience",
            "recording_url",
        )
        if key in spec
    }
    if spec.get("chapter"):
        fields["chapter"] = chapters[spec["chapter"]]
    if spec.get("slides"):
        fields["slides"] = _slides(spec["slides"])
    lecturers = [
        lecturer for name in spec.get("lecturers", []) if (lecturer := Lecturer.objects.filter(name=name).first())
    ]
    hosts = list(User.objects.filter(email__in=spec.get("hosts", [])))
    return EventPageFactory(
        parent=index,
        title=spec["title"],
        slug=spec["slug"],
        starts_at=starts,
        ends_at=ends,
        time_zone=spec["time_zone"],
        lecturers=lecturers,
        hosts=hosts,
        **{"description": "", "online_link": "", **fields},
    )


def _slides(title):
    document = Document.objects.filter(title=title).first()
    if document is not None and document.file.storage.exists(document.file.name):
        return document
    if document is not None:
        document.delete()
    from weasyprint import HTML

    pdf = HTML(string=f"<h1>{title}</h1><p>Medical Korea Academy · alumni seminar</p>").write_pdf()
    return Document.objects.create(title=title, file=ContentFile(pdf, name="breast-cancer-surgery-slides.pdf"))


def _registrations(event, spec, people):
    """Seats in the listed order (the rest wait), as if each had pressed Register in turn."""
    taken = Registration.objects.filter(event=event, status="registered").count()
    for position, email in enumerate(spec.get("registrations", [])):
        user = people.get(email)
        if user is None or Registration.objects.filter(event=event, user=user).exists():
            continue
        full = event.capacity is not None and taken >= event.capacity
        Registration.objects.create(
            event=event,
            user=user,
            status="waitlisted" if full else "registered",
            status_changed_at=event.first_published_at + datetime.timedelta(minutes=position),
        )
        taken += 0 if full else 1
    for email in spec.get("attended", []):
        if email not in people:
            continue
        Registration.objects.filter(event=event, user=people[email], attended_at__isnull=True).update(
            attended_at=event.starts_at
        )


def _questions(event, spec, people):
    for item in spec.get("questions", []):
        author = people.get(item["author"])
        if author is None:
            continue
        question, created = Question.objects.get_or_create(event=event, author=author, text=item["text"])
        if created and item.get("answer"):
            host = event.hosts.first()
            Question.objects.filter(pk=question.pk).update(
                answer=item["answer"], answered_at=event.ends_at, answered_by=host
            )
        for email in item.get("votes", []):
            if email in people:
                QuestionVote.objects.get_or_create(question=question, user=people[email])
