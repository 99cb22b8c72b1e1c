"""axe-core (from the npm registry, injected from node_modules, never a CDN) on the main pages:
no serious or critical violations, at phone width where most trainees read."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.services import issue_certificate
from courses.factories import CatalogPageFactory, CoursePageFactory, LessonPageFactory, TrackPageFactory, VideoFactory
from courses.models import Enrollment, LessonProgress
from lms.accounts.factories import TraineeFactory
from tests.courses.test_exams import make_exam
from tests.e2e.test_learning_journey import log_in

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: run `make test` (npm ci)"),
]


@pytest.fixture
def browser_context_args(browser_context_args):
    # The site's CSP forbids injected scripts, rightly; the audit tool is let in.
    return {**browser_context_args, "bypass_csp": True, "viewport": {"width": 360, "height": 740}}


@pytest.fixture
def site():
    catalog = CatalogPageFactory()
    track = TrackPageFactory(parent=catalog, title="Cardiology", slug="cardiology")
    course = CoursePageFactory(parent=track, title="Echocardiography basics", slug="echo", level="basic")
    CoursePageFactory(parent=track, title="Structural heart interventions", slug="structural", level="advanced")
    lesson = LessonPageFactory(parent=course, title="Standard views", slug="views", video=VideoFactory())
    reading = LessonPageFactory(parent=course, title="Reading", slug="reading", video=None, body="<p>Read.</p>")
    make_exam(course)
    trainee = TraineeFactory(email="aziz@example.org")
    enrollment = Enrollment.objects.create(user=trainee, course=course)
    for done in (lesson, reading):
        LessonProgress.objects.create(enrollment=enrollment, lesson=done, completed_at=timezone.now())
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=timezone.now())
    certificate = issue_certificate(enrollment.pk)
    return {"catalog": catalog, "course": course, "lesson": lesson, "trainee": trainee, "certificate": certificate}


def serious_violations(page):
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def audit(page, url):
    response = page.goto(url)
    assert response.ok and "next=" not in page.url, f"{url}: {response.status} at {page.url}"  # no login detour
    page.wait_for_load_state("networkidle")
    return serious_violations(page)


def test_public_pages_have_no_serious_accessibility_violations(page, live_server, site):
    urls = {
        "home": "/",
        "catalog": site["catalog"].url,
        "course": site["course"].url,
        "login": reverse("account_login"),
        "signup": reverse("account_signup"),
        "verify": reverse("certificates:verify", args=[site["certificate"].public_code]),
    }
    found = {name: audit(page, live_server.url + url) for name, url in urls.items()}
    assert not any(found.values()), json.dumps(found, indent=1)


def test_trainee_pages_have_no_serious_accessibility_violations(page, live_server, site):
    log_in(page, live_server, site["trainee"].email)
    urls = {
        "dashboard": reverse("courses:dashboard"),
        "profile": reverse("accounts:profile"),
        "lesson": site["lesson"].url,
        "exam": reverse("courses:exam", args=[site["course"].pk]),
        "transcript": reverse("certificates:transcript"),
    }
    found = {name: audit(page, live_server.url + url) for name, url in urls.items()}
    assert not any(found.values()), json.dumps(found, indent=1)


@pytest.fixture
def shop_and_network(site):
    """An offer on the advanced course, a chapter, an event and a listed directory entry; the
    trainee is an alumnus (chapter of Uzbekistan) with a paid order."""
    from alumni.factories import AlumniMembershipFactory, ChapterFactory, DirectoryEntryFactory, EventPageFactory
    from billing.factories import CourseOfferFactory, create_order
    from billing.models import OrderStatus

    advanced = site["course"].get_parent().get_children().get(slug="structural").specific
    offer = CourseOfferFactory(course=advanced, title=advanced.title, prices={"USD": 19900, "KRW": 259000})
    chapter = ChapterFactory(country="UZ", name="Uzbekistan chapter", slug="uz")
    trainee = site["trainee"]
    trainee.profile.country = "UZ"
    trainee.profile.save()
    membership = AlumniMembershipFactory(user=trainee, chapter=chapter)
    DirectoryEntryFactory(membership=membership, listed=True)
    DirectoryEntryFactory(membership=AlumniMembershipFactory(user=TraineeFactory(email="saule@example.org")))
    event = EventPageFactory(title="Live seminar: heart failure cases", capacity=20)
    create_order(trainee, offer, status=OrderStatus.PAID)
    return {"advanced": advanced, "chapter": chapter, "event": event}


def test_billing_and_alumni_pages_have_no_serious_accessibility_violations(page, live_server, site, shop_and_network):
    log_in(page, live_server, site["trainee"].email)
    urls = {
        "course with offers": shop_and_network["advanced"].url,
        "orders": reverse("billing_account:orders"),
        "seat code": reverse("billing_account:redeem"),
        "alumni home": reverse("alumni:home"),
        "directory": reverse("alumni:directory"),
        "my directory entry": reverse("alumni:my_entry"),
        "chapter": reverse("alumni:chapter", args=[shop_and_network["chapter"].slug]),
        "events": shop_and_network["event"].get_parent().url,
        "event": shop_and_network["event"].url,
    }
    found = {name: audit(page, live_server.url + url) for name, url in urls.items()}

    page.goto(live_server.url + shop_and_network["advanced"].url)
    page.get_by_role("button", name="Buy this course").click()
    page.wait_for_load_state("networkidle")
    assert "/billing/sandbox/checkout/" in page.url
    found["sandbox checkout"] = serious_violations(page)
    assert not any(found.values()), json.dumps(found, indent=1)


def test_arabic_pages_are_right_to_left_without_serious_accessibility_violations(
    page, live_server, site, shop_and_network
):
    site["trainee"].profile.preferred_language = "ar"
    site["trainee"].profile.save()
    log_in(page, live_server, site["trainee"].email)
    urls = {
        "catalog": site["catalog"].url,
        "course with offers": shop_and_network["advanced"].url,
        "dashboard": reverse("courses:dashboard"),
        "my directory entry": reverse("alumni:my_entry"),
        "event": shop_and_network["event"].url,
    }
    found = {}
    for name, url in urls.items():
        found[name] = audit(page, live_server.url + url)
        assert page.evaluate("document.documentElement.dir") == "rtl", name
    assert not any(found.values()), json.dumps(found, indent=1)
