"""An editor changes a course and submits it for review; a publisher approves and it goes live.
Both log in the way staff must: password, then the authenticator code."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from courses.factories import CatalogPageFactory, CoursePageFactory, TrackPageFactory
from courses.models import CoursePage
from lms.accounts.factories import StaffUserFactory
from tests.accounts.test_mfa import FACTORY_SECRET, totp_code

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"
PUBLISHER_SECRET = "MKAPUBLISHERMKAPUBLISHER23456723"


@pytest.fixture
def editorial_setup():
    """The groups and the approval workflow the migrations create (a transactional test's flush
    removes migration data, so they are rebuilt here the same way)."""
    from importlib import import_module

    from django.apps import apps

    catalog = CatalogPageFactory()
    import_module("courses.migrations.0002_curriculum_groups").create_groups(apps, None)
    publishers = Group.objects.get(name="Curriculum publishers")
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    task.groups.set([publishers])
    workflow = Workflow.objects.create(name="Moderators approval")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=catalog.get_parent())
    track = TrackPageFactory(parent=catalog, title="Cardiology", slug="cardiology")
    course = CoursePageFactory(parent=track, title="Echocardiography basics", slug="echo", level="basic")
    return course


def staff_log_in(page, live_server, user, secret):
    page.goto(live_server.url + "/admin/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.fill("input[name=code]", totp_code(secret))  # computed as it is typed, not before
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(live_server.url + "/admin/")


def test_an_editor_submits_and_a_publisher_publishes(page, live_server, editorial_setup, screenshot):
    course = editorial_setup
    editor = StaffUserFactory(email="editor@example.org")
    editor.groups.add(Group.objects.get(name="Curriculum editors"))
    publisher = StaffUserFactory(email="publisher@example.org", totp_secret=PUBLISHER_SECRET)
    publisher.groups.add(Group.objects.get(name="Curriculum publishers"))
    page.set_viewport_size({"width": 1280, "height": 900})

    staff_log_in(page, live_server, editor, FACTORY_SECRET)
    page.goto(f"{live_server.url}/admin/pages/{course.pk}/edit/")
    page.fill("input[name=title]", "Echocardiography essentials")
    # Editors cannot publish: their menu offers the review workflow instead.
    expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target=toggle]").last.click()
    page.get_by_role("button", name="Submit to Moderators approval").click()
    expect(page.get_by_text("has been submitted for moderation").first).to_be_visible()
    screenshot("workflow-01-submitted")

    course.refresh_from_db()
    assert course.title == "Echocardiography basics"  # the live page is unchanged until approval
    assert course.current_workflow_state is not None

    page.context.clear_cookies()
    staff_log_in(page, live_server, publisher, PUBLISHER_SECRET)
    screenshot("workflow-02-publisher-dashboard")
    page.goto(f"{live_server.url}/admin/pages/{course.pk}/edit/")
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target=toggle]").last.click()
    page.get_by_role("button", name="Approve and Publish", exact=True).click()
    expect(page.get_by_text("has been updated").first).to_be_visible()
    screenshot("workflow-03-approved")

    course = CoursePage.objects.get(pk=course.pk)
    assert course.live and course.title == "Echocardiography essentials"
    page.goto(live_server.url + course.url)
    expect(page.get_by_role("heading", name="Echocardiography essentials")).to_be_visible()
