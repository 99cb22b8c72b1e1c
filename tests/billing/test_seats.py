import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from billing.factories import BundleOfferFactory, SeatCodeFactory, SeatPoolFactory
from billing.models import Entitlement, EntitlementSource, SeatCode
from billing.services import seats
from courses.access import can_access
from courses.factories import CoursePageFactory

REDEEM = reverse("billing_account:redeem")


@pytest.fixture
def pool(course_offer):
    return SeatPoolFactory(
        offer=course_offer, seat_count=3, access_days=90, sponsor__name="Ministry of Health of Uzbekistan"
    )


def test_a_pool_gets_one_code_per_seat_and_no_more(pool):
    codes = seats.generate_codes(pool)
    assert len(codes) == 3 and len({code.code for code in codes}) == 3
    assert seats.generate_codes(pool) == []  # every seat has its code already
    seats.revoke_and_replace(codes[0])
    assert pool.codes.filter(revoked_at__isnull=True).count() == 3


def test_redeeming_a_code_opens_the_course_for_the_pools_period(client, trainee, pool, advanced_course):
    seat = SeatCodeFactory(pool=pool)
    assert not can_access(trainee, advanced_course)
    client.force_login(trainee)
    # Typed in lower case with spaces, from the course page.
    response = client.post(REDEEM, {"code": seat.code.lower().replace("-", " "), "next": advanced_course.url})
    assert response.status_code == 302 and response["Location"] == advanced_course.url
    entitlement = Entitlement.objects.get(user=trainee)
    assert entitlement.source == EntitlementSource.SPONSOR_SEAT and entitlement.seat == seat
    assert entitlement.course == advanced_course
    assert (entitlement.ends_at - entitlement.starts_at).days == 90
    assert can_access(trainee, advanced_course)
    page = client.get(advanced_course.url).content.decode()
    assert "Your sponsored seat is ready" in page and "Structural heart interventions" in page
    seat.refresh_from_db()
    assert seat.redeemed_by == trainee and seat.redeemed_at is not None


def test_a_code_is_single_use(client, trainee, other_trainee, pool):
    seat = SeatCodeFactory(pool=pool)
    seats.redeem(trainee, seat.code)
    client.force_login(other_trainee)
    response = client.post(REDEEM, {"code": seat.code})
    assert response.status_code == 400
    assert "already used by someone else" in response.content.decode()
    assert not Entitlement.objects.filter(user=other_trainee).exists()
    # The holder typing it again is told it is theirs, and nothing new is created.
    again = seats.redeem(trainee, seat.code)
    assert again.already_yours and Entitlement.objects.filter(user=trainee).count() == 1


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda seat: None, "There is no seat code"),
        (
            lambda seat: SeatCode.objects.filter(pk=seat.pk).update(revoked_at=timezone.now()),
            "withdrawn by your sponsor",
        ),
        (
            lambda seat: (
                type(seat.pool)
                .objects.filter(pk=seat.pool_id)
                .update(redeemable_until=timezone.now() - timedelta(days=1))
            ),
            "could be used until",
        ),
    ],
    ids=["unknown", "revoked", "expired"],
)
def test_bad_codes_get_a_clear_message_and_open_nothing(client, trainee, pool, setup, message):
    seat = SeatCodeFactory(pool=pool)
    setup(seat)
    client.force_login(trainee)
    code = "ZZZZ-ZZZZ-ZZZZ" if message.startswith("There is") else seat.code
    response = client.post(REDEEM, {"code": code})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Entitlement.objects.filter(user=trainee).exists()


def test_a_code_for_other_courses_opens_them_and_says_which(client, trainee, advanced_course, track):
    cardio = CoursePageFactory(parent=track, title="Heart failure clinic", slug="hf", level="advanced")
    imaging = CoursePageFactory(parent=track, title="Cardiac MRI", slug="cmr", level="advanced")
    bundle = BundleOfferFactory(title="Heart bundle", courses=[cardio, imaging])
    seat = SeatCodeFactory(pool=SeatPoolFactory(offer=bundle))
    client.force_login(trainee)
    response = client.post(REDEEM, {"code": seat.code, "next": advanced_course.url}, follow=True)
    page = response.content.decode()
    assert "It opened: Heart failure clinic, Cardiac MRI" in page
    assert response.redirect_chain[-1][0].startswith(reverse("billing_account:orders"))
    assert can_access(trainee, cardio) and can_access(trainee, imaging)
    assert not can_access(trainee, advanced_course)


def test_one_seat_per_person_per_pool(trainee, pool):
    first, second = SeatCodeFactory(pool=pool), SeatCodeFactory(pool=pool)
    seats.redeem(trainee, first.code)
    with pytest.raises(seats.SeatError, match="already have a seat"):
        seats.redeem(trainee, second.code)
    second.refresh_from_db()
    assert second.redeemed_by is None  # left for a colleague


def test_guessing_is_rate_limited_per_user(client, trainee, settings):
    from django.core.cache import cache

    cache.clear()
    # django-ratelimit counts in fixed windows: a day-long one cannot roll over mid-test.
    settings.SEAT_REDEEM_RATE = "3/d"
    client.force_login(trainee)
    statuses = [client.post(REDEEM, {"code": f"AAAA-BBBB-CCC{n}"}).status_code for n in range(2, 6)]
    assert statuses == [400, 400, 400, 429]


def test_redeeming_needs_a_login(client, pool):
    seat = SeatCodeFactory(pool=pool)
    response = client.post(REDEEM, {"code": seat.code})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unused_seat_is_reassigned_and_the_new_person_gets_the_code(pool, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seat = seats.invite(pool, "first@example.org")
    assert mail.outbox[-1].to == ["first@example.org"] and seat.code in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        seats.reassign(seat, "Second@Example.org")
    seat.refresh_from_db()
    assert seat.invited_email == "second@example.org"
    assert mail.outbox[-1].to == ["second@example.org"] and seat.code in mail.outbox[-1].body
    assert reverse("billing_account:redeem") in mail.outbox[-1].body


def test_a_used_seat_cannot_be_reassigned_or_revoked(trainee, pool):
    seat = SeatCodeFactory(pool=pool, invited_email="aziz@example.org")
    seats.redeem(trainee, seat.code)
    with pytest.raises(seats.SeatError, match="already used"):
        seats.reassign(seat, "someone@example.org")
    with pytest.raises(seats.SeatError, match="already used"):
        seats.revoke_and_replace(seat)
    seat.refresh_from_db()
    assert seat.invited_email == "aziz@example.org" and seat.revoked_at is None


def test_revoking_an_unused_seat_issues_a_new_code_to_the_same_person(pool, django_capture_on_commit_callbacks):
    seat = SeatCodeFactory(pool=pool, invited_email="first@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        replacement = seats.revoke_and_replace(seat)
    assert replacement.code != seat.code and replacement.invited_email == "first@example.org"
    assert mail.outbox[-1].to == ["first@example.org"] and replacement.code in mail.outbox[-1].body
    with pytest.raises(seats.SeatError, match="withdrawn"):
        seats.redeem(_user(), seat.code)


def _user():
    from lms.accounts.factories import TraineeFactory

    return TraineeFactory()


def test_inviting_when_every_seat_is_taken_says_so(pool):
    for n in range(3):
        seats.invite(pool, f"t{n}@example.org")
    with pytest.raises(seats.SeatError, match="Every seat"):
        seats.invite(pool, "late@example.org")


@pytest.mark.django_db(transaction=True)
def test_two_trainees_redeeming_the_same_code_at_once_only_one_gets_it(course_offer):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite serializes writers anyway.")
    from lms.accounts.factories import TraineeFactory

    seat = SeatCodeFactory(pool=SeatPoolFactory(offer=course_offer))
    people = [TraineeFactory(email=f"racer{n}@example.org") for n in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(user):
        try:
            barrier.wait()
            seats.redeem(user, seat.code)
            outcomes.append("ok")
        except seats.SeatError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=len) == [
        "ok",
        "This code was already used by someone else. Ask your sponsor for a new one.",
    ]
    assert Entitlement.objects.filter(seat=seat).count() == 1
