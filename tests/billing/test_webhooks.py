"""Stripe webhooks: verified, applied once, and the same result whatever the order of arrival."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from billing.factories import TrackPassOfferFactory
from billing.models import Entitlement, Order, OrderStatus, Payment, PaymentState, Subscription, WebhookEvent
from courses.access import can_access

from .stripe_stub import charge_refunded, checkout_completed, event, invoice_paid, new_id, post_webhook, sign


def start(client, offer, currency="USD"):
    client.post(reverse("billing:checkout"), {"offer": f"{offer.pk}:{currency}"})
    return Order.objects.latest("created_at")


def state():
    return (
        Order.objects.count(),
        list(Order.objects.values_list("status", flat=True)),
        Payment.objects.count(),
        list(Payment.objects.values_list("state", flat=True)),
        Entitlement.objects.count(),
        Entitlement.objects.active().count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "signature",
    [
        "bad",  # not even the format
        "wrong-secret",
        "too-old",
    ],
)
def test_a_webhook_with_a_bad_signature_is_rejected_and_changes_nothing(
    stripe_stub, client, trainee_client, offer, signature
):
    order = start(trainee_client, offer)
    event = checkout_completed(order)
    if signature == "bad":
        response = post_webhook(client, event, signature="t=1,v1=deadbeef")
    elif signature == "wrong-secret":
        response = post_webhook(client, event, secret="whsec_someone_else")
    else:
        response = post_webhook(client, event, timestamp=int(time.time()) - 3600)

    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert not WebhookEvent.objects.exists() and not Entitlement.objects.exists()


@pytest.mark.django_db
def test_a_webhook_without_signature_header_or_with_garbage_is_rejected(stripe_stub, client, trainee_client, offer):
    start(trainee_client, offer)
    url = reverse("billing:webhook", args=["stripe"])
    assert client.post(url, data="{}", content_type="application/json").status_code == 400
    body = "not json"
    assert (
        client.post(url, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)).status_code
        == 400
    )
    assert client.get(url).status_code == 405
    assert client.post(reverse("billing:webhook", args=["paypal"])).status_code == 404
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
def test_the_same_event_delivered_100_times_is_applied_once(stripe_stub, client, trainee_client, trainee, offer):
    order = start(trainee_client, offer)
    completed = checkout_completed(order, payment_intent="pi_test_once")

    for _ in range(100):
        assert post_webhook(client, completed).status_code == 200

    assert state() == (1, ["paid"], 1, ["succeeded"], 1, 1)
    assert WebhookEvent.objects.count() == 1
    assert Payment.objects.get().provider_charge == "pi_test_once"


@pytest.mark.django_db
def test_a_second_event_for_the_same_payment_changes_nothing(stripe_stub, client, trainee_client, offer):
    order = start(trainee_client, offer)
    post_webhook(client, checkout_completed(order, payment_intent="pi_1"))
    # Stripe may send async_payment_succeeded too, with another event id.
    again = checkout_completed(order, payment_intent="pi_1")
    again["type"] = "checkout.session.async_payment_succeeded"
    post_webhook(client, again)
    assert state() == (1, ["paid"], 1, ["succeeded"], 1, 1)
    assert WebhookEvent.objects.count() == 2


@pytest.mark.django_db
def test_unknown_event_types_are_acknowledged_and_ignored(stripe_stub, client, trainee_client, offer):
    order = start(trainee_client, offer)
    response = post_webhook(client, event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 200 and response.json()["result"] == "ignored"
    unpaid = checkout_completed(order)
    unpaid["data"]["object"]["payment_status"] = "unpaid"  # a bank transfer still on its way
    assert post_webhook(client, unpaid).status_code == 200
    assert state() == (1, ["pending"], 1, ["pending"], 0, 0)


@pytest.mark.django_db
def test_an_expired_checkout_fails_the_order_and_a_late_one_changes_nothing_after_payment(
    stripe_stub, client, trainee_client, offer
):
    order = start(trainee_client, offer)
    expired = checkout_completed(order)
    expired["type"] = "checkout.session.expired"
    post_webhook(client, expired)
    assert state() == (1, ["failed"], 1, ["failed"], 0, 0)

    other = start(trainee_client, offer)
    post_webhook(client, checkout_completed(other))
    late = checkout_completed(other)
    late["type"] = "checkout.session.expired"
    post_webhook(client, late)
    assert Order.objects.get(pk=other.pk).status == OrderStatus.PAID


@pytest.mark.django_db
def test_refund_before_checkout_completed_ends_with_a_refunded_order_and_no_access(
    stripe_stub, client, trainee_client, trainee, offer
):
    order = start(trainee_client, offer)
    post_webhook(client, charge_refunded(order, payment_intent="pi_early"))
    post_webhook(client, checkout_completed(order, payment_intent="pi_early"))

    assert state() == (1, ["refunded"], 1, ["refunded"], 0, 0)
    assert order.payments.get().refunds.count() == 1
    assert not can_access(trainee, offer.course)


@pytest.mark.django_db
def test_events_in_either_order_give_the_same_pass(stripe_stub, client, trainee_client, trainee, track, course):
    pass_offer = TrackPassOfferFactory(track=track, prices={"USD": 19900})
    period_end = int((datetime.now(UTC) + timedelta(days=365)).timestamp())
    results = []
    for events_first in ("invoice", "checkout"):
        Entitlement.objects.all().delete()
        Subscription.objects.all().delete()
        Payment.objects.all().delete()
        Order.objects.all().delete()
        order = start(trainee_client, pass_offer)
        subscription_id = new_id("sub")
        completed = checkout_completed(order, subscription=subscription_id)
        paid = invoice_paid(order, subscription=subscription_id, period_end=period_end, payment_intent="pi_pass")
        for event_ in (paid, completed) if events_first == "invoice" else (completed, paid):
            post_webhook(client, event_)
            post_webhook(client, event_)  # and each one replayed
        entitlement = Entitlement.objects.get()
        results.append(
            (
                state(),
                Subscription.objects.count(),
                entitlement.track_id,
                entitlement.ends_at,
                entitlement.subscription.provider_reference == subscription_id,
            )
        )
        assert can_access(trainee, course)
    assert results[0] == results[1]
    assert results[0][0] == (1, ["paid"], 1, ["succeeded"], 1, 1)
    assert results[0][3] == datetime.fromtimestamp(period_end, tz=UTC)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_deliveries_of_one_event_give_one_payment(stripe_stub, trainee, offer):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions need PostgreSQL")
    client = Client()
    client.force_login(trainee)
    order = start(client, offer)
    completed = checkout_completed(order, payment_intent="pi_race")
    barrier = threading.Barrier(2)
    codes = []

    def deliver():
        try:
            barrier.wait()
            codes.append(post_webhook(Client(), completed).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert codes == [200, 200]
    assert state() == (1, ["paid"], 1, [PaymentState.SUCCEEDED], 1, 1)
    assert WebhookEvent.objects.count() == 1
