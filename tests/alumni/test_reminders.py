"""Reminder e-mails 24 hours and 1 hour before an event: each sent once, however often the beat runs."""

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from alumni import events, tasks
from alumni.factories import AlumnusFactory, EventPageFactory, RegistrationFactory
from alumni.models import RegistrationStatus

pytestmark = pytest.mark.django_db


def _starting_in(**delta):
    start = timezone.now() + timezone.timedelta(**delta)
    return EventPageFactory(
        title="Cardiac imaging seminar", starts_at=start, ends_at=start + timezone.timedelta(hours=2)
    )


def test_the_beat_task_is_scheduled_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["send-event-reminders"]
    assert entry["task"] == "alumni.tasks.send_event_reminders"
    assert 5 * 60 <= entry["schedule"] <= 10 * 60


def test_the_24_hour_reminder_goes_once_to_people_with_a_seat():
    event = _starting_in(hours=23, minutes=50)
    seated = RegistrationFactory(event=event, user=AlumnusFactory(email="seated@example.org"))
    RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)

    tasks.send_event_reminders.delay()
    tasks.send_event_reminders.delay()

    assert [message.to for message in mail.outbox] == [["seated@example.org"]]
    assert mail.outbox[0].subject == "Tomorrow: Cardiac imaging seminar"
    seated.refresh_from_db()
    assert seated.reminder_24h_sent_at is not None and seated.reminder_1h_sent_at is None


def test_nothing_is_sent_for_an_event_more_than_a_day_away():
    RegistrationFactory(event=_starting_in(hours=25))
    tasks.send_event_reminders.delay()
    assert mail.outbox == []


def test_the_1_hour_reminder_follows_the_24_hour_one_and_each_goes_once():
    event = _starting_in(hours=23)
    registration = RegistrationFactory(event=event)
    tasks.send_event_reminders.delay()

    later = event.starts_at - timezone.timedelta(minutes=50)
    for _ in range(2):
        for registration_id, kind in events.claim_due_reminders(now=later):
            events.send_reminder(registration_id, kind)

    assert [message.subject for message in mail.outbox] == [
        "Tomorrow: Cardiac imaging seminar",
        "Starting in an hour: Cardiac imaging seminar",
    ]
    registration.refresh_from_db()
    assert registration.reminder_1h_sent_at is not None


def test_registering_within_the_last_hour_gets_only_the_1_hour_reminder():
    RegistrationFactory(event=_starting_in(minutes=40))
    tasks.send_event_reminders.delay()
    assert [message.subject for message in mail.outbox] == ["Starting in an hour: Cardiac imaging seminar"]


def test_past_events_get_no_reminder():
    RegistrationFactory(event=_starting_in(minutes=-5))
    tasks.send_event_reminders.delay()
    assert mail.outbox == []


def test_the_reminder_gives_the_time_in_the_registrants_zone_and_no_link():
    event = _starting_in(hours=2, minutes=30)
    RegistrationFactory(event=event, user=AlumnusFactory(profile__country="UZ"))
    claimed = events.claim_due_reminders(now=event.starts_at - timezone.timedelta(minutes=30))
    events.send_reminder(*claimed[0])
    body = mail.outbox[0].body
    local = timezone.localtime(event.starts_at, timezone.get_fixed_timezone(5 * 60))
    assert local.strftime("%H:%M") + " (Asia/Tashkent)" in body
    assert event.online_link not in body
    assert event.url in body
