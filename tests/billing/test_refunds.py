"""Refunds from the admin (through the provider) and from Stripe's dashboard end access, nothing else."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from billing.models import OrderStatus, PaymentState, Refund
from billing.services.refunds import refund_order
from billing.tasks import issue_receipt
from certificates.models import Certificate
from courses.access import can_access
from courses.models import LessonProgress
from lms.accounts.factories import StaffUserFactory

from .helpers import learning_history, start
from .stripe_stub import charge_refunded, checkout_completed, post_webhook


@pytest.fixture
def admin_client(client, db):
    admin = StaffUserFactory(email="finance@mka.example", is_superuser=True)
    admin_client = client.__class__()
    admin_client.force_login(admin)
    return admin_client


@pytest.fixture
def paid_order(stripe_stub, client, trainee_client, offer):
    order = start(trainee_client, offer)
    post_webhook(client, checkout_completed(order, payment_intent="pi_paid"))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


@pytest.mark.django_db
def test_an_admin_refund_goes_through_stripe_and_ends_access_but_keeps_learning(
    stripe_stub, client, admin_client, trainee, offer, paid_order
):
    certificate = learning_history(trainee, offer.course)
    url = reverse("billing_refund_order", args=[paid_order.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and "Refund the order" in page.content.decode()

    response = admin_client.post(url, {"reason": "Bought by mistake"}, follow=True)
    assert "refunded" in response.content.decode()

    (call,) = stripe_stub.calls("POST", "/v1/refunds")
    assert (call["payment_intent"], call["amount"]) == ("pi_paid", "4900")
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.REFUNDED and paid_order.refunded_at
    payment = paid_order.payments.get()
    assert payment.state == PaymentState.REFUNDED
    refund = Refund.objects.get()
    assert (refund.amount_minor, refund.reason, refund.requested_by.email) == (
        4900,
        "Bought by mistake",
        "finance@mka.example",
    )
    assert not can_access(trainee, offer.course)
    assert LessonProgress.objects.filter(enrollment__user=trainee).count() == 1
    assert Certificate.objects.get(pk=certificate.pk).status == certificate.status

    # Stripe then reports the same refund: nothing is added.
    post_webhook(client, charge_refunded(paid_order, payment_intent="pi_paid", refund_id=refund.provider_reference))
    assert Refund.objects.count() == 1

    # A second click says so and calls Stripe no more.
    response = admin_client.post(url, {"reason": "again"}, follow=True)
    assert "only paid orders can be refunded" in response.content.decode()
    assert len(stripe_stub.calls("POST", "/v1/refunds")) == 1


@pytest.mark.django_db
def test_a_refund_made_in_stripes_dashboard_ends_access(
    stripe_stub, client, trainee, offer, paid_order, django_capture_on_commit_callbacks
):
    issue_receipt.delay(paid_order.pk)
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, charge_refunded(paid_order, payment_intent="pi_paid"))
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.REFUNDED
    # The receipt the trainee downloads now says so, under the same number.
    receipt = "".join(page.extract_text() for page in PdfReader(io.BytesIO(paid_order.receipt_pdf.read())).pages)
    assert "REFUNDED" in receipt.upper() and paid_order.receipt_number in receipt
    assert Refund.objects.get().amount_minor == 4900
    assert not can_access(trainee, offer.course)


@pytest.mark.django_db
def test_a_partial_refund_is_recorded_and_access_stays(stripe_stub, client, trainee, offer, paid_order):
    post_webhook(client, charge_refunded(paid_order, payment_intent="pi_paid", amount_refunded=1000))
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.PAID
    assert Refund.objects.get().amount_minor == 1000
    assert can_access(trainee, offer.course)


@pytest.mark.django_db
def test_only_paid_orders_can_be_refunded_and_only_by_staff_with_permission(
    stripe_stub, admin_client, trainee_client, offer
):
    pending = start(trainee_client, offer)
    response = admin_client.get(reverse("billing_refund_order", args=[pending.pk]))
    assert "only paid orders can be refunded" in response.content.decode()
    with pytest.raises(Exception, match="Only a paid order"):
        refund_order(pending, actor=None, reason="x")
    response = trainee_client.get(reverse("billing_refund_order", args=[pending.pk]))
    assert response.status_code in (302, 403)
    assert not stripe_stub.calls("POST", "/v1/refunds")


@pytest.mark.django_db
def test_a_sandbox_order_is_refunded_without_stripe(trainee_client, trainee, offer):
    response = trainee_client.post(reverse("billing:checkout"), {"offer": f"{offer.pk}:USD"})
    trainee_client.post(response["Location"], {"action": "pay"})
    order = trainee.orders.get()
    refund_order(order, actor=None, reason="Test refund")
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert Refund.objects.get().provider_reference.startswith("sbx_re_")
    assert not can_access(trainee, offer.course)
