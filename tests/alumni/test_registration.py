"""Registering for an event: who may, until when, seats, double submits, the joining link."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from alumni import events
from alumni.events import EventError
from alumni.factories import AlumnusFactory, ChapterFactory, EventPageFactory, RegistrationFactory
from alumni.models import Registration, RegistrationStatus
from lms.accounts.factories import TraineeFactory

pytestmark = pytest.mark.django_db

HOUR = timezone.timedelta(hours=1)


def test_an_alumnus_registers_and_the_page_says_so(client):
    event = EventPageFactory(title="Heart failure update", capacity=10)
    alumnus = AlumnusFactory()
    client.force_login(alumnus)

    response = client.post(reverse("alumni_events:register", args=[event.pk]), follow=True)

    assert Registration.objects.get(event=event, user=alumnus).status == RegistrationStatus.REGISTERED
    assert "You are registered." in response.content.decode()
    assert "9 of 10 free" in response.content.decode()


def test_registering_twice_keeps_one_registration(client):
    event = EventPageFactory(capacity=10)
    alumnus = AlumnusFactory()
    client.force_login(alumnus)
    url = reverse("alumni_events:register", args=[event.pk])

    client.post(url)
    client.post(url)

    assert Registration.objects.filter(event=event, user=alumnus).count() == 1
    assert events.register(alumnus, event).status == RegistrationStatus.REGISTERED


def test_an_alumni_event_refuses_a_non_alumnus_with_a_clear_message(client):
    event = EventPageFactory(audience="alumni")
    trainee = TraineeFactory()
    client.force_login(trainee)

    page = client.get(event.url).content.decode()
    assert "This event is for Medical Korea Alumni" in page
    assert reverse("alumni_events:register", args=[event.pk]) not in page

    response = client.post(reverse("alumni_events:register", args=[event.pk]), follow=True)
    assert "You join the alumni network when you complete your first course" in response.content.decode()
    assert not Registration.objects.exists()


def test_an_event_for_everyone_takes_a_trainee_who_is_not_an_alumnus():
    event = EventPageFactory(audience="everyone")
    assert events.register(TraineeFactory(), event).status == RegistrationStatus.REGISTERED


def test_a_chapter_event_refuses_the_alumni_of_another_chapter():
    uzbekistan = ChapterFactory(country="UZ")
    ChapterFactory(country="MN")
    event = EventPageFactory(audience="chapter", chapter=uzbekistan)
    mongolian = AlumnusFactory(profile__country="MN")
    uzbek = AlumnusFactory(profile__country="UZ")

    with pytest.raises(EventError, match="for the alumni of the Alumni chapter UZ chapter"):
        events.register(mongolian, event)
    assert events.register(uzbek, event).status == RegistrationStatus.REGISTERED


def test_registration_closes_at_the_deadline(client):
    event = EventPageFactory(registration_deadline=timezone.now() - HOUR)
    client.force_login(AlumnusFactory())

    response = client.post(reverse("alumni_events:register", args=[event.pk]), follow=True)

    assert "Registration for this event has closed." in response.content.decode()
    assert not Registration.objects.exists()


def test_no_registration_once_the_event_has_started():
    event = EventPageFactory(starts_at=timezone.now() - HOUR, ends_at=timezone.now() + HOUR)
    with pytest.raises(EventError, match="closed"):
        events.register(AlumnusFactory(), event)


def test_a_full_event_puts_the_next_person_on_the_waiting_list():
    event = EventPageFactory(capacity=2)
    first, second, third = AlumnusFactory(), AlumnusFactory(), AlumnusFactory()
    assert [events.register(user, event).status for user in (first, second, third)] == [
        RegistrationStatus.REGISTERED,
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITLISTED,
    ]


def test_anonymous_visitors_are_sent_to_log_in(client):
    event = EventPageFactory()
    assert "Log in to register" in client.get(event.url).content.decode()
    response = client.post(reverse("alumni_events:register", args=[event.pk]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


# --- The joining link ------------------------------------------------------------------


def test_the_online_link_is_hidden_from_people_without_a_seat(client, settings):
    settings.EVENT_LINK_OPENS_MINUTES_BEFORE = 30
    event = EventPageFactory(
        starts_at=timezone.now() + timezone.timedelta(minutes=10), online_link="https://meet.example.org/secret-room"
    )
    waiting = AlumnusFactory()
    RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED, user=waiting)

    assert "secret-room" not in client.get(event.url).content.decode()
    client.force_login(AlumnusFactory())
    assert "secret-room" not in client.get(event.url).content.decode()
    client.force_login(waiting)
    assert "secret-room" not in client.get(event.url).content.decode()


def test_the_online_link_appears_to_registrants_only_shortly_before_the_start(client, settings):
    settings.EVENT_LINK_OPENS_MINUTES_BEFORE = 30
    registration = RegistrationFactory(
        event=EventPageFactory(
            starts_at=timezone.now() + timezone.timedelta(minutes=40),
            online_link="https://meet.example.org/secret-room",
        )
    )
    event = registration.event
    client.force_login(registration.user)

    page = client.get(event.url).content.decode()
    assert "secret-room" not in page
    assert "The joining link appears here shortly before the start" in page

    # 15 minutes later the window (30 minutes before the start) is open.
    later = timezone.now() + timezone.timedelta(minutes=15)
    assert events.online_link_visible(registration.user, event, now=later)
    assert not events.online_link_visible(registration.user, event, now=event.ends_at)
    settings.EVENT_LINK_OPENS_MINUTES_BEFORE = 45
    assert "secret-room" in client.get(event.url).content.decode()


# --- Many people at once (PostgreSQL) ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_fifty_people_registering_at_once_for_ten_seats_get_exactly_ten_seats():
    if connection.vendor != "postgresql":
        pytest.skip("Needs row locks (SELECT ... FOR UPDATE) and parallel connections: runs on PostgreSQL in CI.")
    event = EventPageFactory(capacity=10)
    people = [AlumnusFactory() for _ in range(50)]
    barrier = threading.Barrier(len(people))
    errors = []

    def register(user):
        try:
            barrier.wait()
            events.register(user, event)
        except Exception as error:  # noqa: BLE001 - every failure is reported by the assertion
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=register, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.REGISTERED) == 10
    assert statuses.count(RegistrationStatus.WAITLISTED) == 40
