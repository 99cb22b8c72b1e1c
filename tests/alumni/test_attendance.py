"""Attendance: staff tick it in the admin, or scan the registrant's QR code at the door."""

import pytest
from django.urls import reverse
from django.utils import timezone

from alumni import events
from alumni.factories import AlumnusFactory, ChapterFactory, EventPageFactory, RegistrationFactory
from alumni.models import RegistrationStatus
from lms.accounts.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def _offline_event(**kwargs):
    return EventPageFactory(kind="offline", venue="Hyatt Regency", city="Tashkent", online_link="", **kwargs)


def _check_in_path(registration):
    return reverse("alumni_events:check_in", args=[events.check_in_token(registration)])


def test_the_registrant_sees_a_qr_code_for_the_check_in(client):
    registration = RegistrationFactory(event=_offline_event())
    client.force_login(registration.user)
    page = client.get(registration.event.url).content.decode()
    assert "<svg" in page and "Show this code at the entrance to check in." in page


def test_staff_scan_the_code_and_check_the_person_in(client):
    registration = RegistrationFactory(event=_offline_event(), user=AlumnusFactory(profile__name_latin="Aziz Karimov"))
    staff = StaffUserFactory(is_superuser=True)
    client.force_login(staff)

    page = client.get(_check_in_path(registration)).content.decode()
    assert "Aziz Karimov" in page and "Check in" in page
    response = client.post(_check_in_path(registration), follow=True)

    assert "Aziz Karimov is checked in." in response.content.decode()
    registration.refresh_from_db()
    assert registration.attended and registration.attendance_marked_by == staff


def test_a_chapter_moderator_may_check_in_at_their_chapters_event(client):
    chapter = ChapterFactory(country="UZ")
    moderator = AlumnusFactory()
    chapter.moderators.add(moderator)
    registration = RegistrationFactory(event=_offline_event(audience="chapter", chapter=chapter))
    client.force_login(moderator)
    client.post(_check_in_path(registration))
    registration.refresh_from_db()
    assert registration.attended


def test_a_trainee_scanning_someone_elses_code_is_refused(client):
    registration = RegistrationFactory(event=_offline_event())
    other = RegistrationFactory(event=registration.event).user
    client.force_login(other)
    assert client.get(_check_in_path(registration)).status_code == 403
    assert client.post(_check_in_path(registration)).status_code == 403
    client.force_login(registration.user)  # nor their own
    assert client.post(_check_in_path(registration)).status_code == 403
    registration.refresh_from_db()
    assert not registration.attended


def test_a_forged_code_is_not_found(client):
    registration = RegistrationFactory(event=_offline_event())
    client.force_login(StaffUserFactory(is_superuser=True))
    forged = reverse("alumni_events:check_in", args=[f"{registration.pk}:forged"])
    assert client.get(forged).status_code == 404


def test_a_waitlisted_person_cannot_be_checked_in(client):
    registration = RegistrationFactory(event=_offline_event(), status=RegistrationStatus.WAITLISTED)
    client.force_login(StaffUserFactory(is_superuser=True))
    response = client.post(_check_in_path(registration), follow=True)
    assert "has no seat at this event" in response.content.decode()
    registration.refresh_from_db()
    assert not registration.attended


def test_staff_tick_attendance_in_the_admin_list(client):
    event = EventPageFactory(starts_at=timezone.now() - timezone.timedelta(days=1))
    came, stayed_home = RegistrationFactory(event=event), RegistrationFactory(event=event)
    staff = StaffUserFactory(is_superuser=True)
    client.force_login(staff)
    url = reverse("alumni_event_admin:attendance", args=[event.pk])

    page = client.get(url).content.decode()
    assert came.user.email in page and stayed_home.user.email in page
    client.post(url, {"attended": [str(came.pk)]})

    came.refresh_from_db()
    stayed_home.refresh_from_db()
    assert came.attended and not stayed_home.attended
    assert events.materials_visible(came.user, event) and not events.materials_visible(stayed_home.user, event)


def test_the_attendance_list_is_staff_only(client):
    event = EventPageFactory()
    client.force_login(AlumnusFactory())
    assert client.get(reverse("alumni_event_admin:attendance", args=[event.pk])).status_code in (302, 403)
