"""Checkout with Stripe Checkout: the order is recorded first, access comes only from the webhook."""

import pytest
from django.urls import reverse

from billing.models import Entitlement, Order, OrderStatus, Payment, PaymentState, WebhookEvent
from courses.access import can_access
from courses.models import Enrollment
from lms.accounts.factories import UserFactory

from .stripe_stub import checkout_completed, post_webhook


def buy(client, offer, currency="USD", coupon="", follow=False):
    return client.post(
        reverse("billing:checkout"), {"offer": f"{offer.pk}:{currency}", "coupon": coupon}, follow=follow
    )


@pytest.mark.django_db
def test_checkout_records_an_order_and_sends_the_buyer_to_stripe(stripe_stub, trainee_client, trainee, offer):
    response = buy(trainee_client, offer)

    order = Order.objects.get(user=trainee)
    assert response.status_code == 302
    assert response["Location"] == f"https://checkout.stripe.test/c/pay/{order.provider_reference}"
    assert (order.status, order.currency, order.total_minor, order.provider) == ("pending", "USD", 4900, "stripe")
    assert order.lines.get().offer == offer
    payment = Payment.objects.get(order=order)
    assert (payment.state, payment.provider_reference) == (PaymentState.PENDING, order.provider_reference)
    (params,) = stripe_stub.calls("POST", "/v1/checkout/sessions")
    assert params["mode"] == "payment"
    assert params["line_items[0][price_data][unit_amount]"] == "4900"
    assert params["line_items[0][price_data][currency]"] == "usd"
    assert params["client_reference_id"] == str(order.reference)
    assert params["payment_intent_data[metadata][order]"] == str(order.reference)
    assert params["success_url"].endswith(reverse("billing:checkout_return", args=[order.reference]))
    assert not Entitlement.objects.exists()


@pytest.mark.django_db
def test_the_return_page_alone_grants_nothing_the_webhook_does(stripe_stub, client, trainee_client, trainee, offer):
    buy(trainee_client, offer)
    order = Order.objects.get()
    return_url = reverse("billing:checkout_return", args=[order.reference])

    page = trainee_client.get(return_url + "?session_id=" + order.provider_reference)
    assert "Awaiting payment" in page.content.decode()
    assert trainee_client.get(reverse("billing:order_status", args=[order.reference])).json()["status"] == "pending"
    assert not can_access(trainee, offer.course)
    enroll = trainee_client.post(reverse("courses:enroll", args=[offer.course.pk]))
    assert not Enrollment.objects.exists() and enroll.status_code == 302

    assert post_webhook(client, checkout_completed(order)).status_code == 200

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.paid_at
    assert Payment.objects.get(order=order).state == PaymentState.SUCCEEDED
    assert can_access(trainee, offer.course)
    status = trainee_client.get(reverse("billing:order_status", args=[order.reference])).json()
    assert status == {**status, "status": "paid", "final": True}
    page = trainee_client.get(return_url).content.decode()
    assert "Payment received" in page and "Go to the course and enroll" in page
    trainee_client.post(reverse("courses:enroll", args=[offer.course.pk]))
    assert Enrollment.objects.filter(user=trainee, course=offer.course).exists()


@pytest.mark.django_db
def test_a_double_submit_reuses_the_open_order(stripe_stub, trainee_client, trainee, offer):
    first = buy(trainee_client, offer)
    second = buy(trainee_client, offer)

    assert Order.objects.count() == 1 and Payment.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert len(stripe_stub.calls("POST", "/v1/checkout/sessions")) == 1

    # Changing the currency replaces the open order instead of keeping two.
    buy(trainee_client, offer, currency="KRW")
    assert list(Order.objects.order_by("created_at").values_list("status", "currency")) == [
        ("canceled", "USD"),
        ("pending", "KRW"),
    ]
    assert stripe_stub.calls("POST", "/v1/checkout/sessions")[-1]["line_items[0][price_data][unit_amount]"] == "65000"


@pytest.mark.django_db
def test_a_paid_order_from_a_replaced_checkout_still_gives_access(stripe_stub, client, trainee_client, trainee, offer):
    buy(trainee_client, offer)
    old = Order.objects.get()
    buy(trainee_client, offer, currency="KRW")  # the first tab's checkout was replaced...
    post_webhook(client, checkout_completed(Order.objects.get(pk=old.pk)))  # ...but paid there anyway

    assert Order.objects.get(pk=old.pk).status == OrderStatus.PAID
    assert can_access(trainee, offer.course)


@pytest.mark.django_db
def test_an_incomplete_profile_is_asked_for_before_paying(stripe_stub, client, offer):
    buyer = UserFactory()
    client.force_login(buyer)
    response = buy(client, offer)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:profile"))
    assert not Order.objects.exists() and not stripe_stub.requests


@pytest.mark.django_db
def test_anonymous_buyers_are_sent_to_log_in(stripe_stub, client, offer):
    response = buy(client, offer)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_buying_what_you_already_have_is_refused(stripe_stub, client, trainee_client, trainee, offer):
    buy(trainee_client, offer)
    post_webhook(client, checkout_completed(Order.objects.get()))

    response = buy(trainee_client, offer, follow=True)
    assert "You already have access" in response.content.decode()
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_stripe_refusing_the_session_leaves_no_order(stripe_stub, trainee_client, offer):
    stripe_stub.fail_with = (400, {"type": "invalid_request_error", "message": "Invalid currency"})
    response = buy(trainee_client, offer, follow=True)
    assert "Nothing was charged" in response.content.decode()
    assert not Order.objects.exists() and not Payment.objects.exists()


@pytest.mark.django_db
def test_an_offer_off_sale_or_a_missing_price_is_refused(stripe_stub, trainee_client, offer):
    response = buy(trainee_client, offer, currency="EUR", follow=True)
    assert "has no price in EUR" in response.content.decode()
    offer.is_active = False
    offer.save()
    response = buy(trainee_client, offer, follow=True)
    assert "no longer on sale" in response.content.decode()
    assert not Order.objects.exists() and not WebhookEvent.objects.exists()


@pytest.mark.django_db
def test_someone_elses_order_page_is_not_found(stripe_stub, client, trainee_client, offer):
    buy(trainee_client, offer)
    order = Order.objects.get()
    client.force_login(UserFactory())
    assert client.get(reverse("billing:checkout_return", args=[order.reference])).status_code == 404
    assert client.get(reverse("billing:order_status", args=[order.reference])).status_code == 404
