"""Event pages: listing, times in each person's zone, lecturers, materials, chapter events by moderators."""

import datetime
import re
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from alumni import events
from alumni.factories import (
    AlumnusFactory,
    ChapterFactory,
    EventPageFactory,
    RegistrationFactory,
    get_events_index,
)
from alumni.models import Audience, EventPage
from courses.factories import LecturerFactory
from lms.accounts.factories import StaffUserFactory, TraineeFactory

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def _seoul_evening_event(**kwargs):
    return EventPageFactory(
        title="Robotic surgery evening",
        starts_at=datetime.datetime(2031, 5, 12, 19, 0, tzinfo=SEOUL),
        ends_at=datetime.datetime(2031, 5, 12, 21, 0, tzinfo=SEOUL),
        time_zone="Asia/Seoul",
        **kwargs,
    )


def test_the_index_lists_upcoming_events_first_and_past_ones_apart(client):
    EventPageFactory(title="Next week's seminar")
    EventPageFactory(
        title="Last month's conference",
        kind="conference",
        starts_at=timezone.now() - timezone.timedelta(days=30),
        ends_at=timezone.now() - timezone.timedelta(days=29),
    )
    page = client.get(get_events_index().url).content.decode()
    upcoming, past = page.split("Past events")
    assert "Next week&#x27;s seminar" in upcoming and "Last month&#x27;s conference" in past


def visible_text(html):
    return re.sub(r"<[^>]+>", "", html)


def test_without_a_known_zone_the_event_time_is_shown_in_the_events_zone_with_its_offset(client):
    event = _seoul_evening_event()
    page = client.get(event.url).content.decode()
    assert 'datetime="2031-05-12T10:00:00Z"' in page
    assert "Mon 12 May 2031, 19:00 (Seoul, UTC+09:00)" in visible_text(page)


def test_the_latin_zone_name_keeps_its_order_on_an_arabic_page(client):
    event = _seoul_evening_event()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    page = client.get(event.url).content.decode()
    assert '<bdi dir="ltr">(Seoul, UTC+09:00)</bdi>' in page


def test_a_trainee_in_tashkent_sees_15_00(client):
    event = _seoul_evening_event()
    client.force_login(AlumnusFactory(profile__country="UZ"))
    page = client.get(event.url).content.decode()
    assert "Mon 12 May 2031, 15:00 (Tashkent, UTC+05:00)" in visible_text(page)
    assert "19:00 Seoul (UTC+09:00)" in visible_text(page)  # the local time at the event stays visible


def test_a_chosen_time_zone_wins_over_the_profile_country(client):
    event = _seoul_evening_event()
    client.force_login(AlumnusFactory(profile__country="UZ"))
    response = client.post(reverse("alumni_events:time_zone"), {"time_zone": "Asia/Riyadh", "next": event.url})
    assert response["Location"] == event.url
    assert "Mon 12 May 2031, 13:00 (Riyadh, UTC+03:00)" in visible_text(client.get(event.url).content.decode())


def test_a_made_up_time_zone_is_refused_and_an_outside_redirect_ignored(client):
    response = client.post(
        reverse("alumni_events:time_zone"), {"time_zone": "Mars/Olympus", "next": "https://evil.example"}, follow=True
    )
    assert response.redirect_chain[0][0] == "/"
    assert "Choose a time zone from the list." in response.content.decode()


def test_the_page_names_its_lecturers(client):
    lecturer = LecturerFactory(name="Dr. Kim Min-jun", hospital="Asan Medical Center")
    event = EventPageFactory(lecturers=[lecturer])
    assert "Dr. Kim Min-jun" in client.get(event.url).content.decode()


def test_recording_and_slides_are_for_attendees_only(client):
    event = EventPageFactory(
        starts_at=timezone.now() - timezone.timedelta(days=2),
        ends_at=timezone.now() - timezone.timedelta(days=2) + timezone.timedelta(hours=2),
        recording_url="https://video.example.org/recording-42",
    )
    attendee = RegistrationFactory(event=event, attended_at=timezone.now()).user
    no_show = RegistrationFactory(event=event).user

    client.force_login(no_show)
    page = client.get(event.url).content.decode()
    assert "recording-42" not in page
    assert "The recording and slides are for participants who attended." in page
    client.force_login(attendee)
    assert "recording-42" in client.get(event.url).content.decode()


def test_the_event_form_reads_times_in_the_events_zone():
    from wagtail.admin.panels import get_edit_handler

    event = _seoul_evening_event()
    form_class = get_edit_handler(EventPage).get_form_class()
    form = form_class(instance=event, for_user=StaffUserFactory(is_superuser=True))
    assert form.initial["starts_at"] == datetime.datetime(2031, 5, 12, 19, 0)


# --- Chapter events by moderators ------------------------------------------------------------


def _new_event_data(chapter, **overrides):
    return {
        "chapter": chapter.pk,
        "title": "Tashkent alumni evening",
        "kind": "offline",
        "time_zone": "Asia/Tashkent",
        "starts_at": "2031-06-01T18:00",
        "ends_at": "2031-06-01T21:00",
        "venue": "Hyatt Regency, Navoi street 1",
        "city": "Tashkent",
        "capacity": "40",
        "description": "Dinner and cases.\n\nBring a colleague.",
        **overrides,
    }


def test_a_chapter_moderator_publishes_a_chapter_event(client):
    get_events_index()
    chapter = ChapterFactory(country="UZ")
    moderator = AlumnusFactory(profile__country="UZ")
    chapter.moderators.add(moderator)
    client.force_login(moderator)

    response = client.post(reverse("alumni_events:new"), _new_event_data(chapter))

    event = EventPage.objects.get(title="Tashkent alumni evening")
    assert response["Location"] == event.url
    assert event.live and event.audience == Audience.CHAPTER and event.chapter == chapter
    assert event.starts_at == datetime.datetime(2031, 6, 1, 13, 0, tzinfo=datetime.UTC)  # 18:00 in Tashkent
    assert events.can_moderate(moderator, event)
    assert "<p>Bring a colleague.</p>" in event.description


def test_the_new_event_form_is_for_moderators_only(client):
    ChapterFactory(country="UZ")
    client.force_login(TraineeFactory())
    assert client.get(reverse("alumni_events:new")).status_code == 403


def test_a_moderator_cannot_create_an_event_for_another_chapter(client):
    get_events_index()
    mine, other = ChapterFactory(country="UZ"), ChapterFactory(country="MN")
    moderator = AlumnusFactory()
    mine.moderators.add(moderator)
    client.force_login(moderator)

    response = client.post(reverse("alumni_events:new"), _new_event_data(other))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not EventPage.objects.filter(title="Tashkent alumni evening").exists()


def test_a_new_event_ending_before_it_starts_is_refused_with_the_reason(client):
    get_events_index()
    chapter = ChapterFactory(country="UZ")
    moderator = AlumnusFactory()
    chapter.moderators.add(moderator)
    client.force_login(moderator)

    response = client.post(reverse("alumni_events:new"), _new_event_data(chapter, ends_at="2031-06-01T17:00"))

    assert "The event must end after it starts." in response.content.decode()
    assert not EventPage.objects.exists()


def test_the_dashboard_lists_upcoming_registrations(client):
    registration = RegistrationFactory(event=EventPageFactory(title="Imaging seminar"))
    client.force_login(registration.user)
    page = client.get(reverse("courses:dashboard")).content.decode()
    assert "Upcoming events" in page and "Imaging seminar" in page


def test_the_demo_events_seed_twice_to_the_same_data_with_a_full_event():
    from alumni.models import Question, QuestionVote, Registration
    from alumni.services import is_alumnus
    from seeds.alumni_events import seed_alumni_events

    demo_trainee = TraineeFactory(email="trainee@mka.example", profile__country="UZ")
    TraineeFactory(email="trainee2@mka.example", profile__country="SA")
    seed_alumni_events()
    counts = (
        EventPage.objects.count(),
        Registration.objects.count(),
        Question.objects.count(),
        QuestionVote.objects.count(),
    )
    seed_alumni_events()

    assert (
        EventPage.objects.count(),
        Registration.objects.count(),
        Question.objects.count(),
        QuestionVote.objects.count(),
    ) == counts
    full = EventPage.objects.get(slug="hands-on-echocardiography-almaty")
    assert full.registrations.filter(status="registered").count() == full.capacity
    assert full.registrations.filter(status="waitlisted").exists()
    past = EventPage.objects.get(slug="seminar-advances-in-breast-cancer-surgery")
    assert past.recording_url and past.slides and past.registrations.filter(attended_at__isnull=False).exists()
    # The demo trainee is an alumnus (so may register) and may join the full event's waiting list.
    assert is_alumnus(demo_trainee)
    assert events.register(demo_trainee, full).status == "waitlisted"


def test_an_editor_types_the_start_in_the_events_own_zone(client):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    event = _seoul_evening_event()
    client.force_login(StaffUserFactory(is_superuser=True))
    data = nested_form_data(
        {
            "title": event.title,
            "slug": event.slug,
            "kind": "offline",
            "summary": "",
            "time_zone": "Asia/Tashkent",
            "starts_at": "2031-05-12 18:00",
            "ends_at": "2031-05-12 20:00",
            "venue": "Hyatt Regency",
            "city": "Tashkent",
            "online_link": "",
            "audience": "alumni",
            "capacity": "20",
            "registration_deadline": "",
            "event_lecturers": inline_formset([]),
            "description": rich_text("<p>Cases.</p>"),
            "qna_enabled": "on",
            "recording_url": "",
            "action-publish": "publish",
        }
    )

    response = client.post(reverse("wagtailadmin_pages:edit", args=[event.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.starts_at == datetime.datetime(2031, 5, 12, 13, 0, tzinfo=datetime.UTC)  # 18:00 in Tashkent
