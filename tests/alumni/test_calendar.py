"""Calendars: a public .ics per event (never the joining link) and a personal feed behind a secret token."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from alumni import events
from alumni.factories import AlumnusFactory, EventPageFactory, RegistrationFactory
from alumni.models import RegistrationStatus

pytestmark = pytest.mark.django_db

SEOUL = datetime.timezone(datetime.timedelta(hours=9))


def _seoul_evening_event(**kwargs):
    return EventPageFactory(
        title="Robotic surgery evening",
        starts_at=datetime.datetime(2031, 5, 12, 19, 0, tzinfo=SEOUL),
        ends_at=datetime.datetime(2031, 5, 12, 21, 0, tzinfo=SEOUL),
        time_zone="Asia/Seoul",
        **kwargs,
    )


def _events_in(response):
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def test_the_event_ics_is_in_utc_with_a_stable_uid_url_and_place_but_no_joining_link(client):
    event = _seoul_evening_event(
        venue="Grand Hall, Asan Medical Center", city="Seoul", online_link="https://meet.example.org/secret-room"
    )

    first = client.get(reverse("alumni_events:ics", args=[event.pk]))
    second = client.get(reverse("alumni_events:ics", args=[event.pk]))

    assert first["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    (vevent,) = _events_in(first)
    assert b"DTSTART:20310512T100000Z" in first.content
    assert b"DTEND:20310512T120000Z" in first.content
    assert vevent["SUMMARY"] == "Robotic surgery evening"
    assert vevent["URL"] == "http://testserver" + event.url
    assert vevent["LOCATION"] == "Grand Hall, Asan Medical Center, Seoul"
    assert vevent["UID"] == _events_in(second)[0]["UID"]
    assert b"secret-room" not in first.content


def test_an_online_event_ics_says_where_the_link_will_be():
    event = _seoul_evening_event(online_link="https://meet.example.org/secret-room")
    from django.test import RequestFactory

    body = events.event_ical(event, RequestFactory().get("/"))
    assert b"secret-room" not in body
    assert b"the link appears on the event page" in body


def test_the_personal_feed_lists_only_the_owners_seats(client):
    alumnus = AlumnusFactory()
    mine = _seoul_evening_event(online_link="https://meet.example.org/secret-room")
    waiting_for = EventPageFactory(title="Full master class", capacity=1)
    RegistrationFactory(event=waiting_for)
    RegistrationFactory(event=waiting_for, user=alumnus, status=RegistrationStatus.WAITLISTED)
    someone_elses = EventPageFactory(title="Someone else's conference")
    RegistrationFactory(event=someone_elses)
    RegistrationFactory(event=mine, user=alumnus)

    token = events.feed_for(alumnus).token
    response = client.get(reverse("alumni_events:feed", args=[token]))

    assert [str(vevent["SUMMARY"]) for vevent in _events_in(response)] == ["Robotic surgery evening"]
    assert b"secret-room" not in response.content  # the feed carries the page URL, not the link
    assert ("http://testserver" + mine.url).encode() in response.content


def test_a_wrong_token_is_not_found(client):
    events.feed_for(AlumnusFactory())
    assert client.get(reverse("alumni_events:feed", args=["not-the-token"])).status_code == 404


def test_a_new_address_replaces_the_old_one(client):
    alumnus = AlumnusFactory()
    old = events.feed_for(alumnus).token
    client.force_login(alumnus)

    page = client.get(reverse("alumni_events:mine")).content.decode()
    assert reverse("alumni_events:feed", args=[old]) in page
    client.post(reverse("alumni_events:regenerate_feed"))

    new = events.feed_for(alumnus).token
    assert new != old
    assert client.get(reverse("alumni_events:feed", args=[old])).status_code == 404
    assert client.get(reverse("alumni_events:feed", args=[new])).status_code == 200
