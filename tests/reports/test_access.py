"""Reports show learner data: only superusers and people granted the permission see them."""

import pytest
from django.urls import reverse

from .helpers import COUNTRIES, FUNNEL, YEARLY

REPORTS = [YEARLY, COUNTRIES, FUNNEL]


@pytest.mark.parametrize("url_name", REPORTS)
def test_curriculum_editor_cannot_open_reports(editor_client, history, url_name):
    response = editor_client.get(reverse(url_name))
    assert response.status_code in (302, 403)
    assert b"Trainees" not in response.content
    response = editor_client.get(reverse(url_name), {"export": "csv"})
    assert response.status_code in (302, 403)


def test_curriculum_editor_does_not_see_the_menu_entries(editor_client, history):
    html = editor_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse(YEARLY) not in html


@pytest.mark.parametrize("url_name", REPORTS)
def test_report_readers_group_opens_every_report(report_reader_client, history, url_name):
    assert report_reader_client.get(reverse(url_name)).status_code == 200


def test_reports_are_in_the_reports_menu(report_reader_client, history):
    html = report_reader_client.get(reverse("wagtailadmin_home")).content.decode()
    for url_name in REPORTS:
        assert reverse(url_name) in html


def test_anonymous_visitor_is_sent_to_login(client, history):
    response = client.get(reverse(YEARLY))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_trainee_cannot_open_reports(client, history):
    from lms.accounts.factories import TraineeFactory

    client.force_login(TraineeFactory(email="curious@example.org"))
    response = client.get(reverse(FUNNEL))
    assert response.status_code in (302, 403)
