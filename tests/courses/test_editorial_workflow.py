"""Editors draft and submit courses; publishers approve them in the Wagtail admin."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.factories import TrackPageFactory, get_catalog_page
from courses.models import CoursePage
from lms.accounts.factories import StaffUserFactory

EDITORS = "Curriculum editors"
PUBLISHERS = "Curriculum publishers"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def track(db):
    return TrackPageFactory(title="Cardiology", slug="cardiology")


@pytest.fixture
def editor(db):
    # Not is_staff: the group alone opens the Wagtail admin; TOTP lets the MFA middleware pass.
    user = StaffUserFactory(email="writer@mka.example", is_staff=False)
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


@pytest.fixture
def publisher(db):
    user = StaffUserFactory(email="chief@mka.example", is_staff=False)
    user.groups.add(Group.objects.get(name=PUBLISHERS))
    return user


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=("courses", "coursepage", parent.pk))


def course_form(action, **overrides):
    data = {
        "title": "Echocardiography basics",
        "slug": "echo-basics",
        "summary": "The standard transthoracic views, step by step.",
        "level": "basic",
        "language": "en",
        "cme_credit_hours": "2.0",
        "estimated_hours": "3.0",
        "description": rich_text("<p>For cardiology residents.</p>"),
        "learning_outcomes": streamfield([("outcome", "Acquire the parasternal long axis view")]),
        "course_lecturers": inline_formset([]),
        "comments": inline_formset([]),
        "onsite_hospital": "",
        "onsite_programme": rich_text(""),
        "seo_title": "",
        "search_description": "",
    }
    data.update(overrides)
    form = nested_form_data(data)
    if action:  # no action button: "Save draft"
        form[f"action-{action}"] = "action"
    return form


def submit_course(client, track, **overrides):
    return client.post(add_url(track), course_form("submit", **overrides))


def catalog_html(client):
    return client.get(get_catalog_page().url).content.decode()


# --- The groups, as the migration set them up ---------------------------------------


@pytest.mark.django_db
def test_editors_may_add_and_change_pages_but_not_publish():
    root = Page.get_first_root_node()
    editors = Group.objects.get(name=EDITORS)
    publishers = Group.objects.get(name=PUBLISHERS)

    editor_codenames = set(
        GroupPagePermission.objects.filter(group=editors, page=root).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page"} <= editor_codenames
    assert "publish_page" not in editor_codenames
    assert not GroupPagePermission.objects.filter(
        group=editors, permission__codename="publish_page"
    ).exists()

    publisher_codenames = set(
        GroupPagePermission.objects.filter(group=publishers, page=root).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= publisher_codenames

    for group in (editors, publishers):
        assert group.permissions.filter(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ).exists()


@pytest.mark.django_db
def test_publishers_approve_the_root_pages_workflow():
    root = Page.get_first_root_node()
    workflow = root.get_workflow()
    assert workflow is not None and workflow.active

    approval_tasks = [task.specific for task in workflow.tasks.all()]
    approver_groups = {
        group.name
        for task in approval_tasks
        if isinstance(task, GroupApprovalTask)
        for group in task.groups.all()
    }
    assert PUBLISHERS in approver_groups
    assert EDITORS not in approver_groups


@pytest.mark.django_db
def test_a_course_under_the_catalog_uses_the_same_workflow(track):
    assert track.get_workflow() == Page.get_first_root_node().get_workflow()


# --- Editor: draft and submit -------------------------------------------------------


@pytest.mark.django_db
def test_the_editor_can_open_the_admin_and_the_add_form(client, editor, track):
    client.force_login(editor)

    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    response = client.get(add_url(track))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html  # no publish button for an editor


@pytest.mark.django_db
def test_an_editor_submits_a_course_for_moderation(client, editor, publisher, track):
    client.force_login(editor)

    response = submit_course(client, track)

    assert response.status_code == 302, response.context and response.context["form"].errors
    course = CoursePage.objects.get(slug="echo-basics", alias_of__isnull=True)
    assert course.get_parent().specific == track
    assert not course.live
    assert course.has_unpublished_changes
    assert course.owner == editor
    assert course.workflow_in_progress
    state = course.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == editor
    task = state.current_task_state.task.specific
    assert isinstance(task, GroupApprovalTask)
    assert task.groups.filter(name=PUBLISHERS).exists()
    # The submitted content is kept in the revision under review.
    draft = course.get_latest_revision_as_object()
    assert draft.summary == "The standard transthoracic views, step by step."
    assert [block.value for block in draft.learning_outcomes] == [
        "Acquire the parasternal long axis view"
    ]

    # Visitors see nothing yet.
    client.logout()
    assert client.get("/courses/cardiology/echo-basics/").status_code == 404
    assert "Echocardiography basics" not in catalog_html(client)


@pytest.mark.django_db
def test_an_editor_cannot_publish_a_new_course(client, editor, track):
    client.force_login(editor)

    response = client.post(add_url(track), course_form("publish"))

    assert response.status_code in (200, 302, 403)
    course = CoursePage.objects.filter(slug="echo-basics", alias_of__isnull=True).first()
    assert course is None or not course.live
    assert not CoursePage.objects.live().exists()


@pytest.mark.django_db
def test_an_editor_cannot_publish_a_saved_draft(client, editor, track):
    client.force_login(editor)
    response = client.post(add_url(track), course_form(None))
    assert response.status_code == 302
    course = CoursePage.objects.get(slug="echo-basics", alias_of__isnull=True)
    assert not course.live
    assert not course.workflow_in_progress  # a plain draft, not yet submitted

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(course.pk,)),
        course_form("publish", title="Echocardiography basics (edited)"),
    )

    assert response.status_code in (200, 302, 403)
    course.refresh_from_db()
    assert not course.live
    assert course.live_revision is None
    assert not CoursePage.objects.live().exists()


@pytest.mark.django_db
def test_a_submitted_course_is_locked_for_the_editor_until_reviewed(client, editor, track):
    client.force_login(editor)
    submit_course(client, track)
    course = CoursePage.objects.get(slug="echo-basics", alias_of__isnull=True)

    client.post(
        reverse("wagtailadmin_pages:edit", args=(course.pk,)),
        course_form("publish", title="Echocardiography basics (edited)"),
    )

    course.refresh_from_db()
    assert not course.live
    assert course.live_revision is None
    assert course.workflow_in_progress


@pytest.mark.django_db
def test_an_editor_cannot_approve_the_task(client, editor, track):
    client.force_login(editor)
    submit_course(client, track)
    course = CoursePage.objects.get(slug="echo-basics", alias_of__isnull=True)
    task_state = course.current_workflow_task_state

    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(course.pk, "approve", task_state.pk)),
        {"comment": "looks fine to me"},
    )

    course.refresh_from_db()
    assert not course.live
    assert course.current_workflow_task_state.status == "in_progress"


# --- Publisher: approve -------------------------------------------------------------


@pytest.mark.django_db
def test_a_publisher_approves_and_the_course_goes_live_in_the_catalog(
    client, editor, publisher, track
):
    client.force_login(editor)
    submit_course(client, track)
    course = CoursePage.objects.get(slug="echo-basics", alias_of__isnull=True)
    task_state = course.current_workflow_task_state
    client.logout()

    client.force_login(publisher)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    # The dashboard lists what awaits the publisher's review.
    assert "Echocardiography basics" in client.get(reverse("wagtailadmin_home")).content.decode()

    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(course.pk, "approve", task_state.pk)),
        {"comment": "Approved for the spring intake."},
    )

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.live
    assert not course.has_unpublished_changes
    assert not course.workflow_in_progress
    task_state.refresh_from_db()
    assert task_state.status == "approved"
    assert task_state.finished_by == publisher
    assert task_state.comment == "Approved for the spring intake."
    assert WorkflowState.objects.for_instance(course).get().status == WorkflowState.STATUS_APPROVED
    assert course.live_revision.user == editor

    client.logout()
    assert CoursePage.objects.live().filter(pk=course.pk).exists()
    assert "Echocardiography basics" in catalog_html(client)
    assert client.get(course.url).status_code == 200


@pytest.mark.django_db
def test_a_publisher_can_reject_and_the_course_stays_offline(client, editor, publisher, track):
    client.force_login(editor)
    submit_course(client, track)
    course = CoursePage.objects.get(slug="echo-basics", alias_of__isnull=True)
    task_state = course.current_workflow_task_state

    client.force_login(publisher)
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(course.pk, "reject", task_state.pk)),
        {"comment": "Add the learning outcomes for the apical views."},
    )

    assert response.status_code == 302
    course.refresh_from_db()
    assert not course.live
    task_state.refresh_from_db()
    assert task_state.status == "rejected"
    assert (
        WorkflowState.objects.for_instance(course).get().status
        == WorkflowState.STATUS_NEEDS_CHANGES
    )
