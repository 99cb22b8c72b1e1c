"""Coupons: applied on Stripe's side, limits counted on the locked coupon row, 100 % without a card."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.factories import CouponFactory, CourseOfferFactory
from billing.models import DiscountKind, Entitlement, Order, OrderStatus, Payment
from courses.access import can_access
from lms.accounts.factories import TraineeFactory

from .stripe_stub import checkout_completed, post_webhook


def buy(client, offer, coupon, currency="USD"):
    return client.post(reverse("billing:checkout"), {"offer": f"{offer.pk}:{currency}", "coupon": coupon}, follow=True)


def logged_in(client):
    client.force_login(TraineeFactory())
    return client


@pytest.mark.django_db
def test_a_percentage_coupon_becomes_a_one_off_stripe_coupon(stripe_stub, trainee_client, offer):
    CouponFactory(code="WELCOME20", percent_off=20)
    buy(trainee_client, offer, " welcome20 ")

    order = Order.objects.get()
    assert (order.subtotal_minor, order.discount_minor, order.total_minor) == (4900, 980, 3920)
    assert order.coupon.code == "WELCOME20"
    (coupon,) = stripe_stub.calls("POST", "/v1/coupons")
    assert coupon == {**coupon, "amount_off": "980", "currency": "usd", "duration": "once", "max_redemptions": "1"}
    (session,) = stripe_stub.calls("POST", "/v1/checkout/sessions")
    assert session["discounts[0][coupon]"].startswith("coupon_test_")
    assert session["line_items[0][price_data][unit_amount]"] == "4900"


@pytest.mark.django_db
def test_a_fixed_coupon_must_match_the_currency(stripe_stub, trainee_client, offer):
    CouponFactory(code="KRW10000", kind=DiscountKind.FIXED, percent_off=None, amount_off_minor=10000, currency="KRW")
    page = buy(trainee_client, offer, "KRW10000", currency="USD").content.decode()
    assert "applies to payments in KRW" in page
    buy(trainee_client, offer, "KRW10000", currency="KRW")
    assert Order.objects.get().total_minor == 55000


@pytest.mark.django_db
def test_a_coupon_limited_to_one_use_turns_the_second_buyer_away(stripe_stub, client, trainee_client, offer):
    coupon = CouponFactory(code="ONLYONE", max_redemptions=1)
    buy(trainee_client, offer, "ONLYONE")
    first = Order.objects.get()

    # While the first buyer is on the payment page the redemption is reserved.
    second_client = logged_in(client.__class__())
    page = buy(second_client, offer, "ONLYONE").content.decode()
    assert "has been used as many times as it allows" in page
    assert Order.objects.count() == 1

    post_webhook(client, checkout_completed(first))
    coupon.refresh_from_db()
    assert coupon.times_redeemed == 1
    page = buy(second_client, offer, "ONLYONE").content.decode()
    assert "has been used as many times as it allows" in page
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_or_lapsed_checkout_releases_its_reservation(stripe_stub, client, trainee_client, offer, settings):
    coupon = CouponFactory(code="ONLYONE", max_redemptions=1)
    buy(trainee_client, offer, "ONLYONE")
    expired = checkout_completed(Order.objects.get())
    expired["type"] = "checkout.session.expired"
    post_webhook(client, expired)

    second_client = logged_in(client.__class__())
    buy(second_client, offer, "ONLYONE")
    assert Order.objects.filter(status=OrderStatus.PENDING, coupon=coupon).count() == 1

    # An abandoned sandbox-style checkout stops holding the code once its time is up.
    Order.objects.filter(status=OrderStatus.PENDING).update(
        created_at=timezone.now() - timedelta(minutes=settings.BILLING_CHECKOUT_MINUTES + 1)
    )
    buy(logged_in(client.__class__()), offer, "ONLYONE")
    assert Order.objects.filter(status=OrderStatus.PENDING, coupon=coupon).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"valid_until": timezone.now() - timedelta(days=1)}, "has expired"),
        ({"valid_from": timezone.now() + timedelta(days=3)}, "can be used from"),
        ({"is_active": False}, "is not valid"),
    ],
)
def test_a_coupon_outside_its_dates_is_refused(stripe_stub, trainee_client, offer, fields, message):
    CouponFactory(code="DATED", **fields)
    page = buy(trainee_client, offer, "DATED").content.decode()
    assert message in page
    assert not Order.objects.exists() and not stripe_stub.requests


@pytest.mark.django_db
def test_a_coupon_for_another_offer_or_an_unknown_code_is_refused(stripe_stub, trainee_client, offer):
    other = CourseOfferFactory(title="Echo in the ICU")
    CouponFactory(code="ECHOONLY", offer=other)
    assert "is for “Echo in the ICU” only" in buy(trainee_client, offer, "ECHOONLY").content.decode()
    assert "“NOPE” is not valid" in buy(trainee_client, offer, "nope").content.decode()
    # A NUL byte (PostgreSQL refuses it even in a lookup) is an invalid code too, not a server error.
    assert "“NOPE” is not valid" in buy(trainee_client, offer, "no\x00pe").content.decode()
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_a_100_percent_coupon_completes_the_order_without_a_card(stripe_stub, trainee_client, trainee, offer):
    coupon = CouponFactory(code="FREE100", percent_off=100)
    response = buy(trainee_client, offer, "FREE100")

    assert stripe_stub.requests == []  # no provider call at all
    order = Order.objects.get()
    assert (order.status, order.total_minor, order.provider) == (OrderStatus.PAID, 0, "free")
    assert Payment.objects.get(order=order).state == "succeeded"
    assert Entitlement.objects.get(order=order).course == offer.course
    assert can_access(trainee, offer.course)
    coupon.refresh_from_db()
    assert coupon.times_redeemed == 1
    assert "Payment received" in response.content.decode()
