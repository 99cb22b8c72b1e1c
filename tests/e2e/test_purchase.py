"""Buying an advanced course with the sandbox provider, in a real browser: pick a price, decline,
retry, wait on the return page until the payment is confirmed, enroll and open a lesson."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from billing.factories import CourseOfferFactory, TrackPassOfferFactory
from billing.models import Order, OrderStatus
from billing.providers import get_provider
from billing.services.webhooks import handle_event
from courses.factories import CatalogPageFactory, CoursePageFactory, LessonPageFactory, TrackPageFactory
from lms.accounts.factories import TraineeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def paid_course():
    catalog = CatalogPageFactory()
    track = TrackPageFactory(parent=catalog, title="Cardiology", slug="cardiology")
    course = CoursePageFactory(
        parent=track,
        title="Advanced Coronary Intervention: Complex PCI",
        slug="complex-pci",
        level="advanced",
        summary="Bifurcations, chronic total occlusions and calcified lesions, step by step.",
    )
    LessonPageFactory(
        parent=course, title="Planning a bifurcation PCI", slug="bifurcation", video=None, body="<p>Notes.</p>"
    )
    CourseOfferFactory(course=course, title=course.title, prices={"USD": 19900, "KRW": 259000})
    TrackPassOfferFactory(track=track, title="Cardiology annual pass", prices={"USD": 29900, "KRW": 399000})
    return course


def log_in(page, live_server, email, password="correct-horse-battery"):
    page.goto(live_server.url + reverse("account_login"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_a_trainee_buys_a_course_in_the_sandbox_and_starts_it(page, live_server, paid_course, screenshot):
    trainee = TraineeFactory(email="aziz@example.org")
    log_in(page, live_server, trainee.email)

    page.goto(live_server.url + paid_course.url)
    offers = page.locator("[data-offers]")
    expect(offers).to_contain_text("$199.00")
    expect(offers).to_contain_text("Cardiology annual pass")
    screenshot("purchase-course-offers")

    # Choosing a currency reloads the prices (JavaScript submits the selector).
    page.select_option("#offers-currency", "KRW")
    expect(offers).to_contain_text("₩259,000")

    # First attempt: the card is declined.
    page.get_by_role("button", name="Buy this course").click()
    expect(page.locator(".sandbox-banner")).to_contain_text("TEST MODE")
    expect(page.locator(".sandbox-checkout")).to_contain_text("₩259,000")
    screenshot("purchase-sandbox")
    page.get_by_role("button", name="Decline (test)").click()
    expect(page.locator("[data-status-message]")).to_contain_text("Payment failed")
    screenshot("purchase-return-failed")

    # Retry: this time the return page waits until the payment is confirmed.
    page.get_by_role("button", name="Try the payment again").click()
    expect(page.locator(".sandbox-banner")).to_be_visible()
    order = Order.objects.get(status=OrderStatus.PENDING)
    page.goto(live_server.url + reverse("billing:checkout_return", args=[order.reference]))
    expect(page.locator("[data-status-message]")).to_contain_text("Waiting for the payment")
    screenshot("purchase-return-pending")
    handle_event(get_provider("sandbox").paid_event(order))  # the provider confirms meanwhile
    expect(page.locator("[data-status-message]")).to_contain_text("Payment received", timeout=15_000)
    screenshot("purchase-return-paid")

    page.get_by_role("link", name="Go to the course and enroll").click()
    expect(page.locator("[data-offers]")).to_contain_text("You bought this course")
    page.locator("form[action$='/enroll/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/bifurcation/$"))
    expect(page.locator("h1")).to_contain_text("Planning a bifurcation PCI")
