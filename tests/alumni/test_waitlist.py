"""The waiting list: first come, first served; a freed seat goes to the first in line, who is told."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alumni import events
from alumni.factories import AlumnusFactory, EventPageFactory
from alumni.models import Registration, RegistrationStatus
from courses.factories import publish

pytestmark = pytest.mark.django_db

REGISTERED, WAITLISTED, CANCELLED = (
    RegistrationStatus.REGISTERED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)


def _status(event, user):
    return Registration.objects.get(event=event, user=user).status


def test_a_cancelled_seat_goes_to_the_first_on_the_waiting_list_who_gets_an_email(
    client, django_capture_on_commit_callbacks
):
    event = EventPageFactory(title="Valve surgery seminar", capacity=1)
    seated, first_waiting, second_waiting = (
        AlumnusFactory(email="seated@example.org"),
        AlumnusFactory(email="first@example.org"),
        AlumnusFactory(email="second@example.org"),
    )
    now = timezone.now()
    events.register(seated, event, now=now)
    events.register(first_waiting, event, now=now + timezone.timedelta(seconds=1))
    events.register(second_waiting, event, now=now + timezone.timedelta(seconds=2))
    client.force_login(seated)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("alumni_events:cancel", args=[event.pk]), follow=True)

    assert "Your registration is cancelled." in response.content.decode()
    assert (_status(event, seated), _status(event, first_waiting), _status(event, second_waiting)) == (
        CANCELLED,
        REGISTERED,
        WAITLISTED,
    )
    assert [message.to for message in mail.outbox] == [["first@example.org"]]
    assert "Valve surgery seminar" in mail.outbox[0].subject
    assert event.url in mail.outbox[0].body


def test_the_waitlisted_person_sees_their_place_and_can_leave(client):
    event = EventPageFactory(capacity=1)
    events.register(AlumnusFactory(), event)
    waiting = AlumnusFactory()
    client.force_login(waiting)

    response = client.post(reverse("alumni_events:register", args=[event.pk]), follow=True)
    assert "you are number 1 on the waiting list" in response.content.decode()
    assert "You are number 1 on the waiting list." in client.get(event.url).content.decode()

    client.post(reverse("alumni_events:cancel", args=[event.pk]))
    assert _status(event, waiting) == CANCELLED


def test_leaving_the_waiting_list_promotes_no_one_and_sends_nothing(django_capture_on_commit_callbacks):
    event = EventPageFactory(capacity=1)
    events.register(AlumnusFactory(), event)
    waiting, behind = AlumnusFactory(), AlumnusFactory()
    events.register(waiting, event)
    events.register(behind, event)

    with django_capture_on_commit_callbacks(execute=True):
        events.cancel(waiting, event)

    assert _status(event, behind) == WAITLISTED
    assert mail.outbox == []


def test_coming_back_after_cancelling_joins_the_end_of_the_line():
    event = EventPageFactory(capacity=1)
    seated, waiting = AlumnusFactory(), AlumnusFactory()
    events.register(seated, event)
    events.register(waiting, event)
    events.cancel(seated, event)  # waiting moves up
    assert events.register(seated, event).status == WAITLISTED
    assert Registration.objects.filter(event=event, user=seated).count() == 1


def test_cancelling_twice_changes_nothing_more(django_capture_on_commit_callbacks):
    event = EventPageFactory(capacity=1)
    seated, waiting, behind = AlumnusFactory(), AlumnusFactory(), AlumnusFactory()
    for user in (seated, waiting, behind):
        events.register(user, event)

    with django_capture_on_commit_callbacks(execute=True):
        events.cancel(seated, event)
        events.cancel(seated, event)

    assert (_status(event, waiting), _status(event, behind)) == (REGISTERED, WAITLISTED)
    assert len(mail.outbox) == 1


def test_more_seats_published_by_an_editor_fill_from_the_waiting_list(django_capture_on_commit_callbacks):
    event = EventPageFactory(capacity=1)
    people = [AlumnusFactory() for _ in range(4)]
    for user in people:
        events.register(user, event)

    event.capacity = 3
    with django_capture_on_commit_callbacks(execute=True):
        publish(event)

    assert [_status(event, user) for user in people] == [REGISTERED, REGISTERED, REGISTERED, WAITLISTED]
    assert len(mail.outbox) == 2
