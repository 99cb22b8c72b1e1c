"""The strict policy in a real browser: no CSP violation on the public pages, the player, the
exam and the Wagtail admin, and the per-element colours and bars still show."""

import os
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courses.models import LessonProgress
from lms.accounts.factories import StaffUserFactory

from .test_login_limits_and_sessions import totp_code
from .world import build_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture
def watched(page):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.add_init_script(COLLECT_VIOLATIONS)

    def violations():
        found = [
            text for text in messages if "Content Security Policy" in text or "Refused to" in text
        ]
        return found + page.evaluate("window.__csp || []")

    return violations


def wait_until(page, expression, timeout=20):
    """wait_for_function evaluates a string in the page, which this CSP forbids: poll instead."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, expression
        time.sleep(0.2)


def log_in(page, live_server, email, password="correct-horse-battery"):
    page.goto(live_server.url + reverse("account_login"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_public_pages_run_without_csp_violations(page, live_server, watched):
    world = build_world()
    urls = [
        "/",
        world.course.get_parent().get_parent().url,
        world.course.get_parent().url,
        world.course.url,
        reverse("certificates:verify", args=[world.certificate.public_code]),
    ]
    for url in urls:
        page.goto(live_server.url + url)
    assert not watched()

    log_in(page, live_server, world.owner.email)
    for url in (
        reverse("courses:dashboard"),
        world.course.url,
        world.video_lesson.url,
        reverse("courses:exam", args=[world.course.pk]),
        reverse("courses:attempt", args=[world.open_attempt.pk]),
    ):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert not watched(), url

    # The exam page's script still autosaves an answer.
    page.locator("input[name=q1]").first.check()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-save-state]").first).not_to_have_text("…")
    expect(page.locator("[data-save-state]").first).not_to_have_text("")
    # The player plays the protected video and its pause beacon reaches the server.
    page.goto(live_server.url + world.video_lesson.url)
    before = LessonProgress.objects.get(
        enrollment=world.enrollment, lesson=world.video_lesson
    ).last_position
    page.evaluate(
        "() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }"
    )
    wait_until(page, "document.querySelector('video').currentTime > 3")
    page.evaluate("document.querySelector('video').pause()")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        progress = LessonProgress.objects.get(
            enrollment=world.enrollment, lesson=world.video_lesson
        )
        if progress.last_position != before:
            break
        time.sleep(0.2)
    assert progress.last_position != before
    assert not watched()

    # Colours and bars set through data attributes still apply.
    page.goto(live_server.url + world.course.url)
    accent = page.evaluate(
        "getComputedStyle(document.querySelector('[data-accent]')).getPropertyValue('--accent').trim()"
    )
    assert accent.lower() == world.course.get_parent().specific.accent_colour.lower()
    page.goto(live_server.url + reverse("courses:dashboard"))
    width = page.evaluate("document.querySelector('[data-percent]').style.width")
    assert width.endswith("%")


def test_the_wagtail_admin_works_under_its_policy(page, live_server, watched):
    world = build_world()
    StaffUserFactory(email="editor@mka.example", is_superuser=True)
    log_in(page, live_server, "editor@mka.example")
    page.fill("input[name=code]", totp_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()

    for url in ("/admin/", f"/admin/pages/{world.course.pk}/edit/", "/django-admin/"):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(url), page.url
        assert not watched(), url
