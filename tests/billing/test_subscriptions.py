"""The annual track pass: a yearly Stripe subscription; renewals extend it, cancelling stops at period end."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from billing.factories import TrackPassOfferFactory
from billing.models import Entitlement, Order, Payment, PaymentState, Subscription, SubscriptionStatus
from billing.services.refunds import refund_order
from certificates.models import Certificate
from courses.access import can_access
from courses.factories import CoursePageFactory, TrackPageFactory
from courses.models import LessonProgress

from .helpers import learning_history, start
from .stripe_stub import checkout_completed, invoice_paid, new_id, post_webhook, subscription_event

YEAR = 365 * 24 * 3600


@pytest.fixture
def pass_offer(track):
    return TrackPassOfferFactory(track=track, title="Cardiology annual pass", prices={"USD": 19900, "KRW": 260000})


@pytest.fixture
def bought_pass(stripe_stub, client, trainee_client, pass_offer):
    order = start(trainee_client, pass_offer)
    subscription = new_id("sub")
    period_end = int(datetime.now(UTC).timestamp()) + YEAR
    post_webhook(client, checkout_completed(order, subscription=subscription))
    post_webhook(
        client, invoice_paid(order, subscription=subscription, period_end=period_end, payment_intent="pi_year1")
    )
    order.refresh_from_db()
    return order, subscription, period_end


@pytest.mark.django_db
def test_the_pass_is_a_yearly_stripe_subscription(stripe_stub, trainee_client, pass_offer):
    order = start(trainee_client, pass_offer)
    (session,) = stripe_stub.calls("POST", "/v1/checkout/sessions")
    assert session["mode"] == "subscription"
    assert session["line_items[0][price_data][recurring][interval]"] == "year"
    assert session["line_items[0][price_data][unit_amount]"] == "19900"
    assert session["subscription_data[metadata][order]"] == str(order.reference)
    assert "payment_intent_data[metadata][order]" not in session


@pytest.mark.django_db
def test_the_pass_covers_the_track_until_the_period_end_including_a_course_added_later(
    client, trainee, course, track, bought_pass
):
    _order, subscription_id, period_end = bought_pass
    entitlement = Entitlement.objects.get()
    assert entitlement.track == track and entitlement.source == "pass"
    assert entitlement.ends_at == datetime.fromtimestamp(period_end, tz=UTC)
    assert Subscription.objects.get().provider_reference == subscription_id
    assert can_access(trainee, course)

    added_mid_year = CoursePageFactory(parent=track, title="TAVI in practice", slug="tavi", level="advanced")
    assert can_access(trainee, added_mid_year)
    dermatology = TrackPageFactory(title="Dermatology", slug="dermatology")
    elsewhere = CoursePageFactory(parent=dermatology, title="Advanced dermatology", level="advanced")
    assert not can_access(trainee, elsewhere)


@pytest.mark.django_db
def test_a_renewal_extends_access_once_and_an_old_invoice_cannot_shorten_it(
    client, trainee, bought_pass, django_capture_on_commit_callbacks
):
    order, subscription_id, period_end = bought_pass
    renewal = invoice_paid(
        order,
        subscription=subscription_id,
        period_end=period_end + YEAR,
        billing_reason="subscription_cycle",
        payment_intent="pi_year2",
    )
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            post_webhook(client, renewal)
        # A late replay of the first year's invoice under a new event id.
        post_webhook(client, invoice_paid(order, subscription=subscription_id, period_end=period_end))

    # The second year is an order of its own: paid, with its payment and a receipt.
    assert Payment.objects.filter(order=order, state=PaymentState.SUCCEEDED).count() == 1
    year_two = Order.objects.get(renews__provider_reference=subscription_id)
    assert year_two.status == "paid" and year_two.total_minor == order.total_minor
    assert year_two.lines.get().description == "Cardiology annual pass (renewal)"
    assert year_two.payments.get().state == PaymentState.SUCCEEDED
    assert year_two.receipt_number and year_two.receipt_number != order.receipt_number
    assert Order.objects.filter(user=trainee).count() == 2
    assert Entitlement.objects.get().ends_at == datetime.fromtimestamp(period_end + YEAR, tz=UTC)
    assert Subscription.objects.get().current_period_end == datetime.fromtimestamp(period_end + YEAR, tz=UTC)


@pytest.mark.django_db
def test_the_trainee_cancels_renewal_and_keeps_access_until_the_subscription_ends(
    stripe_stub, client, trainee_client, trainee, course, bought_pass
):
    order, subscription_id, period_end = bought_pass
    certificate = learning_history(trainee, course)
    page = trainee_client.get(reverse("billing:passes")).content.decode()
    assert "Cardiology annual pass" in page and "Renews on" in page
    dashboard = trainee_client.get(reverse("courses:dashboard")).content.decode()
    assert "Stop renewal" in dashboard

    subscription = Subscription.objects.get()
    response = trainee_client.post(reverse("billing:cancel_pass", args=[subscription.pk]), follow=True)
    assert "will not renew" in response.content.decode()
    (call,) = stripe_stub.calls("POST", f"/v1/subscriptions/{subscription_id}")
    assert call == {"cancel_at_period_end": "true"}
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CANCELING
    assert can_access(trainee, course)  # the paid year is still running

    again = trainee_client.post(reverse("billing:cancel_pass", args=[subscription.pk]), follow=True)
    assert "already ends at the end of its paid period" in again.content.decode()

    # Stripe echoes the change, then ends the subscription at the period end.
    post_webhook(
        client,
        subscription_event(
            "customer.subscription.updated",
            order,
            subscription=subscription_id,
            period_end=period_end,
            cancel_at_period_end=True,
        ),
    )
    assert Subscription.objects.get().status == SubscriptionStatus.CANCELING
    post_webhook(
        client,
        subscription_event("customer.subscription.deleted", order, subscription=subscription_id, period_end=period_end),
    )
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ENDED and subscription.ended_at
    assert not can_access(trainee, course)
    assert LessonProgress.objects.filter(enrollment__user=trainee).exists()
    assert Certificate.objects.filter(pk=certificate.pk).exists()

    # A renewal invoice arriving after the end gives nothing back.
    post_webhook(
        client,
        invoice_paid(
            order, subscription=subscription_id, period_end=period_end + YEAR, billing_reason="subscription_cycle"
        ),
    )
    assert not can_access(trainee, course)


@pytest.mark.django_db
def test_someone_else_cannot_cancel_a_pass(stripe_stub, client, bought_pass):
    from lms.accounts.factories import TraineeFactory

    other = client.__class__()
    other.force_login(TraineeFactory())
    response = other.post(reverse("billing:cancel_pass", args=[Subscription.objects.get().pk]))
    assert response.status_code == 404
    assert not stripe_stub.calls("POST", "/v1/subscriptions/")


@pytest.mark.django_db
def test_refunding_a_pass_ends_the_subscription_at_stripe_at_once(stripe_stub, trainee, course, bought_pass):
    order, subscription_id, _period_end = bought_pass
    refund_order(order, actor=None, reason="Changed plans")
    (refund,) = stripe_stub.calls("POST", "/v1/refunds")
    assert refund["payment_intent"] == "pi_year1"
    assert stripe_stub.calls("DELETE", f"/v1/subscriptions/{subscription_id}")
    assert Subscription.objects.get().status == SubscriptionStatus.ENDED
    assert not can_access(trainee, course)


@pytest.mark.django_db
def test_a_pass_refund_finds_the_payment_through_the_invoice(stripe_stub, client, trainee_client, pass_offer):
    order = start(trainee_client, pass_offer)
    subscription = new_id("sub")
    paid = invoice_paid(order, subscription=subscription, period_end=int(datetime.now(UTC).timestamp()) + YEAR)
    invoice_id = paid["data"]["object"]["id"]
    stripe_stub.invoices[invoice_id] = {
        "id": invoice_id,
        "object": "invoice",
        "payments": {"object": "list", "data": [{"payment": {"type": "payment_intent", "payment_intent": "pi_inv"}}]},
    }
    post_webhook(client, paid)  # without the payments list: we only know the invoice
    refund_order(order, actor=None, reason="x")
    assert stripe_stub.calls("POST", "/v1/refunds")[0]["payment_intent"] == "pi_inv"
    assert datetime.now(UTC) + timedelta(days=300) < Subscription.objects.get().current_period_end


@pytest.mark.django_db
def test_deleting_the_account_stops_the_pass_renewing(
    stripe_stub, trainee, course, bought_pass, django_capture_on_commit_callbacks
):
    from lms.accounts.personal_data import delete_account

    order, subscription_id, _period_end = bought_pass
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(trainee)
    (call,) = stripe_stub.calls("POST", f"/v1/subscriptions/{subscription_id}")
    assert call == {"cancel_at_period_end": "true"}
    assert Subscription.objects.get().status == SubscriptionStatus.CANCELING
    order.refresh_from_db()
    assert order.status == "paid" and order.buyer_email == ""  # kept for the accountants, anonymised


@pytest.mark.django_db
def test_a_payment_service_outage_neither_blocks_the_deletion_nor_lets_the_pass_renew(
    stripe_stub, trainee, bought_pass, django_capture_on_commit_callbacks
):
    from billing.tasks import stop_renewal_at_provider
    from lms.accounts.personal_data import delete_account, is_deleted

    _order, subscription_id, _period_end = bought_pass
    with django_capture_on_commit_callbacks(execute=False):  # Stripe is told only after commit
        delete_account(trainee)
    trainee.refresh_from_db()
    assert is_deleted(trainee)

    # The worker's first try meets an outage; its retry gets through.
    stripe_stub.fail_with = (500, {"error": {"type": "api_error", "message": "Stripe is briefly down"}})
    stop_renewal_at_provider.apply(args=[Subscription.objects.get().pk], throw=False)
    calls = stripe_stub.calls("POST", f"/v1/subscriptions/{subscription_id}")
    assert len(calls) == 2 and calls[-1] == {"cancel_at_period_end": "true"}


@pytest.mark.django_db
def test_refunding_a_renewal_ends_the_pass_and_the_revenue_report_counts_both_years(
    stripe_stub, client, trainee, course, bought_pass
):
    from billing.services.reports import revenue

    order, subscription_id, period_end = bought_pass
    post_webhook(
        client,
        invoice_paid(
            order,
            subscription=subscription_id,
            period_end=period_end + YEAR,
            billing_reason="subscription_cycle",
            payment_intent="pi_year2",
        ),
    )
    year_two = Order.objects.get(renews__isnull=False)
    assert sum(row.orders for row in revenue()) == 2
    assert sum(row.gross_minor for row in revenue()) == 2 * order.total_minor

    refund_order(year_two, actor=None, reason="Did not mean to renew")
    (refund,) = stripe_stub.calls("POST", "/v1/refunds")
    assert refund["payment_intent"] == "pi_year2"
    assert stripe_stub.calls("DELETE", f"/v1/subscriptions/{subscription_id}")
    assert Subscription.objects.get().status == SubscriptionStatus.ENDED
    assert not can_access(trainee, course)
    order.refresh_from_db()
    assert order.status == "paid"  # the first year stays paid in the books


@pytest.mark.django_db
def test_deleting_the_account_while_stripe_is_down_still_ends_on_the_done_page(
    stripe_stub, trainee_client, trainee, bought_pass, django_capture_on_commit_callbacks
):
    from lms.accounts.personal_data import is_deleted

    stripe_stub.fail_with = (500, {"error": {"type": "api_error", "message": "Stripe is down"}})
    with django_capture_on_commit_callbacks(execute=True):
        response = trainee_client.post(
            reverse("accounts:delete_account"), {"password": "correct-horse-battery", "confirm": "on"}
        )
    assert response.status_code == 302  # not an error page: the deletion is done, the task retries
    trainee.refresh_from_db()
    assert is_deleted(trainee)
    assert Subscription.objects.get().status == SubscriptionStatus.CANCELING
