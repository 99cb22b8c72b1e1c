"""Each report's numbers on the hand-built history of conftest.py (the table there)."""

import django_filters
import pytest
from django.urls import reverse
from wagtail import hooks

from .helpers import COUNTRIES, FUNNEL, YEARLY, export

# --- Trainees, countries and completions per year ------------------------------------


def test_yearly_figures(admin_client, history):
    assert export(admin_client, YEARLY) == [
        ["Year", "Trainees", "Countries", "Completions"],
        ["2020", "2", "2", "1"],
        # amir (again), chen, dana, eman; dana's blank country is not a country; bolat's
        # completion at 00:30 on 1 January in Seoul belongs to 2021.
        ["2021", "4", "2", "2"],
        ["2022", "0", "0", "1"],
    ]


def test_yearly_figures_page_shows_table_chart_and_definitions(admin_client, history):
    response = admin_client.get(reverse(YEARLY))
    html = response.content.decode()
    assert response.status_code == 200
    assert "distinct people with an enrollment created that year" in html
    # Three small charts drawn as inline SVG, with their numbers in the description.
    assert html.count("<svg") >= 3
    assert "2020: 2; 2021: 4; 2022: 0" in html
    assert "<script" not in html.split('id="listing-results"')[1].split("</main>")[0]


def test_yearly_figures_date_range_counts_each_event_on_its_own_date(admin_client, history):
    rows = export(admin_client, YEARLY, date_from="2021-01-01", date_to="2021-12-31")
    assert rows[1:] == [["2021", "4", "2", "2"]]
    # The last day is included.
    rows = export(admin_client, YEARLY, date_from="2020-06-01", date_to="2020-06-01")
    assert rows[1:] == [["2020", "0", "0", "1"]]


def test_yearly_figures_by_country_track_and_course(admin_client, history):
    assert export(admin_client, YEARLY, country="UZ")[1:] == [
        ["2020", "1", "1", "1"],
        ["2021", "2", "1", "1"],
    ]
    assert export(admin_client, YEARLY, track=history.dermatology.pk)[1:] == [
        ["2021", "2", "2", "0"],
        ["2022", "0", "0", "1"],
    ]
    assert export(admin_client, YEARLY, course=history.heart.pk)[1:] == [["2021", "1", "1", "1"]]


def test_start_after_end_is_refused_with_a_message(admin_client, history):
    response = admin_client.get(
        reverse(YEARLY), {"date_from": "2022-01-01", "date_to": "2021-01-01"}
    )
    assert response.status_code == 200
    assert "The start date is after the end date." in response.content.decode()


def test_empty_report_says_so(admin_client, history):
    response = admin_client.get(reverse(YEARLY), {"date_from": "2030-01-01"})
    assert response.status_code == 200
    assert "There are no results." in response.content.decode()


# --- Per country ----------------------------------------------------------------------


def test_country_figures(admin_client, history):
    assert export(admin_client, COUNTRIES) == [
        ["Country", "Code", "Trainees", "Enrollments", "Completions"],
        ["Uzbekistan", "UZ", "2", "3", "2"],
        ["Kazakhstan", "KZ", "1", "1", "1"],
        ["Saudi Arabia", "SA", "1", "1", "1"],
        ["Not given", "", "1", "1", "0"],
    ]


def test_country_figures_in_a_date_range(admin_client, history):
    assert export(admin_client, COUNTRIES, date_from="2021-01-01", date_to="2021-12-31")[1:] == [
        ["Uzbekistan", "UZ", "2", "2", "1"],
        ["Saudi Arabia", "SA", "1", "1", "0"],
        ["Not given", "", "1", "1", "0"],
        ["Kazakhstan", "KZ", "0", "0", "1"],
    ]


def test_country_chart_lists_countries(admin_client, history):
    html = admin_client.get(reverse(COUNTRIES)).content.decode()
    assert "Uzbekistan: 2; Kazakhstan: 1; Saudi Arabia: 1; Not given: 1" in html


# --- Funnel per course ----------------------------------------------------------------


def test_course_funnel(admin_client, history):
    assert export(admin_client, FUNNEL) == [
        [
            "Course",
            "Track",
            "Enrolled",
            "Lessons started",
            "All lessons done",
            "Exam passed",
            "Certificate",
            "Certified (%)",
        ],
        # bolat passed on his second attempt (counted once); his certificate is revoked.
        ["Echo", "Cardiology", "3", "3", "2", "2", "1", "33"],
        ["Heart failure", "Cardiology", "1", "1", "1", "0", "1", "100"],
        ["Lasers", "Dermatology", "2", "1", "1", "0", "1", "50"],
    ]


def test_course_funnel_chart_adds_up_the_filtered_courses(admin_client, history):
    html = admin_client.get(reverse(FUNNEL)).content.decode()
    assert (
        "Enrolled: 6 (100 %); Lessons started: 5 (83 %); All lessons done: 4 (67 %); "
        "Exam passed: 2 (33 %); Certificate: 3 (50 %)" in html
    )
    html = admin_client.get(reverse(FUNNEL), {"track": history.dermatology.pk}).content.decode()
    assert "Enrolled: 2 (100 %); Lessons started: 1 (50 %)" in html


def test_course_funnel_filters(admin_client, history):
    rows = export(admin_client, FUNNEL, track=history.cardiology.pk, date_from="2021-01-01")
    assert [row[:7] for row in rows[1:]] == [
        ["Echo", "Cardiology", "1", "1", "0", "0", "0"],
        ["Heart failure", "Cardiology", "1", "1", "1", "0", "1"],
    ]
    rows = export(admin_client, FUNNEL, country="KZ")
    assert [row[:7] for row in rows[1:]] == [
        ["Echo", "Cardiology", "1", "1", "1", "1", "0"],
        ["Heart failure", "Cardiology", "0", "0", "0", "0", "0"],
        ["Lasers", "Dermatology", "0", "0", "0", "0", "0"],
    ]


def test_course_funnel_page_is_paginated(admin_client, history, settings):
    from reports.views import CourseFunnelReport

    CourseFunnelReport.paginate_by, previous = 2, CourseFunnelReport.paginate_by
    try:
        html = admin_client.get(reverse(FUNNEL), {"p": 2}).content.decode()
    finally:
        CourseFunnelReport.paginate_by = previous
    results = html[html.index('id="listing-results"') :]
    table = results[results.index("<table") : results.index("</table>")]
    assert "Lasers" in table and "Heart failure" not in table
    assert "Page 2 of 2" in html


# --- Another app adds a filter (billing: sponsor) ------------------------------------------


def test_another_app_adds_a_filter_to_every_learning_report(admin_client, history):
    def institution_filter():
        return "institution", django_filters.CharFilter(
            label="Institution", field_name="user__profile__institution"
        )

    from lms.accounts.models import TraineeProfile

    TraineeProfile.objects.filter(user__email="eman@example.org").update(
        institution="King Fahd Hospital"
    )
    with hooks.register_temporarily("register_report_enrollment_filter", institution_filter):
        page = admin_client.get(reverse(COUNTRIES)).content.decode()
        rows = export(admin_client, COUNTRIES, institution="King Fahd Hospital")
    assert 'name="institution"' in page
    assert rows[1:] == [["Saudi Arabia", "SA", "1", "1", "1"]]


@pytest.mark.parametrize("url_name", [YEARLY, COUNTRIES, FUNNEL])
def test_every_report_downloads_as_xlsx(admin_client, history, url_name):
    response = admin_client.get(reverse(url_name), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
