"""The sandbox provider: a TEST MODE page that pays or declines through the real event path."""


import pytest
from django.urls import reverse

from billing.factories import TrackPassOfferFactory
from billing.models import Entitlement, Order, OrderStatus, Subscription, WebhookEvent
from courses.access import can_access
from lms.accounts.factories import TraineeFactory
from tests.production import run_in_production


def buy(client, offer, currency="USD", follow=False):
    return client.post(reverse("billing:checkout"), {"offer": f"{offer.pk}:{currency}"}, follow=follow)


@pytest.mark.django_db
def test_pay_on_the_test_mode_page(trainee_client, trainee, offer):
    response = buy(trainee_client, offer)
    order = Order.objects.get()
    assert order.provider == "sandbox"
    assert response["Location"] == reverse("billing:sandbox_checkout", args=[order.provider_reference])

    page = trainee_client.get(response["Location"]).content.decode()
    assert "TEST MODE" in page and "$49.00" in page
    assert not can_access(trainee, offer.course)

    response = trainee_client.post(response["Location"], {"action": "pay"}, follow=True)
    assert "Payment received" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert WebhookEvent.objects.get().provider == "sandbox"
    assert can_access(trainee, offer.course)

    # Pressing "Pay" again (back button) does nothing more.
    trainee_client.post(reverse("billing:sandbox_checkout", args=[order.provider_reference]), {"action": "pay"})
    assert WebhookEvent.objects.count() == 1 and Entitlement.objects.count() == 1


@pytest.mark.django_db
def test_decline_shows_the_failure_and_a_retry_that_works(trainee_client, trainee, offer):
    response = buy(trainee_client, offer)
    response = trainee_client.post(response["Location"], {"action": "decline"}, follow=True)
    page = response.content.decode()
    assert "Payment failed" in page and "Try the payment again" in page
    assert Order.objects.get().status == OrderStatus.FAILED
    assert not can_access(trainee, offer.course)

    retry = buy(trainee_client, offer)  # the retry button posts the same form
    assert Order.objects.count() == 2
    trainee_client.post(retry["Location"], {"action": "pay"})
    assert list(Order.objects.order_by("created_at").values_list("status", flat=True)) == ["failed", "paid"]
    assert can_access(trainee, offer.course)


@pytest.mark.django_db
def test_a_track_pass_in_the_sandbox_runs_for_a_year(trainee_client, trainee, track, course):
    pass_offer = TrackPassOfferFactory(track=track)
    response = buy(trainee_client, pass_offer)
    trainee_client.post(response["Location"], {"action": "pay"})

    subscription = Subscription.objects.get()
    entitlement = Entitlement.objects.get()
    assert entitlement.subscription == subscription and entitlement.ends_at == subscription.current_period_end
    assert can_access(trainee, course)


@pytest.mark.django_db
def test_another_users_sandbox_session_is_not_found(client, trainee_client, offer):
    response = buy(trainee_client, offer)
    client.force_login(TraineeFactory())
    assert client.get(response["Location"]).status_code == 404
    assert client.post(response["Location"], {"action": "pay"}).status_code == 404
    assert Order.objects.get().status == OrderStatus.PENDING


@pytest.mark.django_db
def test_the_sandbox_takes_no_webhooks(client):
    response = client.post(reverse("billing:webhook", args=["sandbox"]), data="{}", content_type="application/json")
    assert response.status_code == 400


def test_production_refuses_the_sandbox_unless_allowed():
    refused = run_in_production("-c", "import lms.settings", STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="")
    assert refused.returncode != 0 and "BILLING_ALLOW_SANDBOX" in refused.stderr
    allowed = run_in_production(
        "-c", "import lms.settings", STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="", BILLING_ALLOW_SANDBOX="1"
    )
    assert allowed.returncode == 0, allowed.stderr
    assert run_in_production("-c", "import lms.settings").returncode == 0
