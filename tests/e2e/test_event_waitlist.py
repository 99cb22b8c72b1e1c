"""An alumnus joins the waiting list of a full event in a real browser, moves up when someone
cancels, and asks a question in the seminar Q&A without a page reload."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from playwright.sync_api import expect

from alumni import events
from alumni.factories import AlumnusFactory, EventPageFactory, get_events_index, in_days
from alumni.models import Registration, RegistrationStatus
from alumni.qna import ask
from tests.e2e.test_learning_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    # The trainee's laptop is in Tashkent: the page's script shows times in that zone.
    return {**browser_context_args, "timezone_id": "Asia/Tashkent", "locale": "en-GB"}


def test_an_alumnus_waits_for_a_full_event_and_gets_the_freed_seat(page, live_server, screenshot):
    get_events_index()
    day = in_days(3).astimezone(zoneinfo.ZoneInfo("Asia/Seoul")).date()
    starts = datetime.datetime(day.year, day.month, day.day, 19, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul"))
    event = EventPageFactory(
        title="Live seminar: heart failure cases",
        summary="Three cases and your questions, live with the lecturers.",
        capacity=1,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1, minutes=30),
    )
    seated = AlumnusFactory(email="seated@example.org", profile__name_latin="Saule Abenova")
    events.register(seated, event)
    ask(seated, event, "Which diuretic dose do you start with in acute decompensation?")
    alumnus = AlumnusFactory(email="aziz@example.org", profile__name_latin="Aziz Karimov", profile__country="UZ")

    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, alumnus.email)
    page.goto(live_server.url + event.url)
    expect(page.get_by_text("0 of 1 free")).to_be_visible()
    # 19:00 in Seoul is 15:00 in Tashkent, written by the browser in its own zone.
    expect(page.locator(".event-when time").first).to_contain_text("15:00")
    screenshot("event-full")

    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_text("You are number 1 on the waiting list.", exact=True)).to_be_visible()
    assert Registration.objects.get(event=event, user=alumnus).status == RegistrationStatus.WAITLISTED
    screenshot("event-waitlisted")

    events.cancel(seated, event)  # the registered person cancels (on_commit runs at once here)

    assert Registration.objects.get(event=event, user=alumnus).status == RegistrationStatus.REGISTERED
    assert [message.to for message in mail.outbox] == [["aziz@example.org"]]
    page.reload()
    expect(page.get_by_text("You are registered.", exact=True)).to_be_visible()
    expect(page.get_by_text("The joining link appears here shortly before the start:")).to_be_visible()
    screenshot("event-registered")

    # Q&A: posted and voted with fetch(), no reload (the marker survives only without one).
    page.evaluate("window.noReload = true")
    page.get_by_label("Your question").fill("Do you use SGLT2 inhibitors in the first week?")
    page.get_by_role("button", name="Ask").click()
    expect(page.locator(".qna-item")).to_have_count(2)
    expect(page.get_by_text("Do you use SGLT2 inhibitors in the first week?")).to_be_visible()
    first = page.locator(".qna-item", has_text="Which diuretic dose")
    first.get_by_role("button", name="Upvote").click()
    expect(page.locator(".qna-item").first.locator(".qna-count")).to_have_text("1")
    expect(page.locator(".qna-item").first).to_contain_text("Which diuretic dose")
    assert page.evaluate("window.noReload") is True
    page.locator("#questions").scroll_into_view_if_needed()
    screenshot("event-qna")
