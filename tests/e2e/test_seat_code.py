"""A trainee sent by their ministry redeems a sponsored seat code on the course page, in a
real browser on a phone: a mistyped code is refused with a message, the right one opens the
course, and a colleague cannot use the same code again."""

import re

import pytest
from playwright.sync_api import expect

from billing.factories import CourseOfferFactory, SeatCodeFactory, SeatPoolFactory, SponsorFactory
from billing.models import Entitlement, EntitlementSource
from courses.factories import CatalogPageFactory, CoursePageFactory, LessonPageFactory, TrackPageFactory
from lms.accounts.factories import TraineeFactory
from tests.e2e.test_learning_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sponsored_course():
    track = TrackPageFactory(parent=CatalogPageFactory(), title="Cardiology", slug="cardiology")
    course = CoursePageFactory(parent=track, title="Complex PCI", slug="complex-pci", level="advanced")
    LessonPageFactory(parent=course, title="Bifurcations", slug="bifurcations", video=None, body="<p>Read.</p>")
    pool = SeatPoolFactory(
        sponsor=SponsorFactory(name="Ministry of Health of Uzbekistan"),
        offer=CourseOfferFactory(course=course, prices={"USD": 19900}),
        seat_count=1,
    )
    return course, SeatCodeFactory(pool=pool, code="MKAS-EATC-ODE2")


def test_a_trainee_redeems_a_seat_code_and_a_colleague_cannot_reuse_it(page, live_server, sponsored_course, screenshot):
    course, seat = sponsored_course
    trainee = TraineeFactory(email="dilnoza@example.uz")
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, trainee.email)

    page.goto(live_server.url + course.url)
    box = page.locator(".seat-code")
    expect(box).to_contain_text("Sent by a sponsor?")
    screenshot("seat-01-course")

    box.locator("input[name=code]").fill("MKAS-EATC-0DE2")  # a zero for the letter O
    box.get_by_role("button", name="Use code").click()
    expect(page.locator(".messages, [role=alert]").first).to_be_visible()
    screenshot("seat-02-wrong-code")
    assert not Entitlement.objects.filter(user=trainee).exists()

    page.goto(live_server.url + course.url)
    page.locator(".seat-code input[name=code]").fill(" mkas-eatc-ode2 ")  # as typed on a phone
    page.locator(".seat-code").get_by_role("button", name="Use code").click()
    expect(page).to_have_url(re.compile(r"/complex-pci/$"))
    expect(page.get_by_text("Ministry of Health of Uzbekistan").first).to_be_visible()
    screenshot("seat-03-redeemed")
    entitlement = Entitlement.objects.get(user=trainee)
    assert entitlement.source == EntitlementSource.SPONSOR_SEAT and entitlement.seat == seat

    page.locator("form[action$='/enroll/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/bifurcations/$"))

    # A colleague tries the same code: it is spent.
    page.context.clear_cookies()
    colleague = TraineeFactory(email="bekzod@example.uz")
    log_in(page, live_server, colleague.email)
    page.goto(live_server.url + "/billing/redeem/")
    page.locator("main input[name=code]").fill(seat.code)
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_text(re.compile("already", re.I)).first).to_be_visible()
    screenshot("seat-04-code-already-used")
    assert not Entitlement.objects.filter(user=colleague).exists()
