"""The alumni reports (alumni per cohort year, country and chapter; attendance per event) on a
small hand-built data set whose right answers are written here.

| alumnus | country | cohort | admitted for | chapter  | admitted (KST)     |
|---------|---------|--------|--------------|----------|--------------------|
| aziz    | UZ      | 2022   | completion   | Tashkent | 2022-03-01         |
| botir   | UZ      | 2022   | offline      | Tashkent | 2022-11-10         |
| dias    | KZ      | 2023   | completion   | Almaty   | 2023-02-01         |
| faisal  | SA      | 2023   | completion   | —        | 2023-06-01         |
| gulnora | UZ      | 2024   | offline      | Tashkent | 2024-01-01 00:30   |
| hana    | (blank) | 2024   | completion   | —        | 2024-05-01         |

gulnora was admitted at 00:30 on 1 January in Seoul, still 2023 in UTC: she counts from 2024-01-01.

| event            | kind           | starts (KST)     | capacity  | registrations                                                              |
|------------------|----------------|------------------|-----------|----------------------------------------------------------------------------|
| Echo seminar     | online seminar | 2024-03-10 19:00 | 3         | aziz, botir attended; dias registered; faisal waiting; gulnora cancelled  |
| Tashkent meeting | offline        | 2024-05-01 10:00 | unlimited | aziz attended; botir cancelled (Tashkent chapter only)                     |
| Congress         | conference     | 2025-09-01 09:00 | 100       | none (everyone may register)                                               |
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Locale

from alumni.factories import ChapterFactory, EventPageFactory, RegistrationFactory
from alumni.models import AdmissionSource, AlumniMembership, RegistrationStatus
from lms.accounts.factories import TraineeFactory

from .conftest import kst
from .helpers import export

ALUMNI = "reports_alumni"
EVENTS = "reports_event_attendance"


@pytest.fixture
def alumni(db):
    tashkent = ChapterFactory(country="UZ", name="Tashkent chapter", slug="tashkent")
    almaty = ChapterFactory(country="KZ", name="Almaty chapter", slug="almaty")
    people = {}
    for name, country, cohort, source, chapter, admitted in [
        ("aziz", "UZ", 2022, AdmissionSource.COMPLETION, tashkent, kst(2022, 3, 1)),
        ("botir", "UZ", 2022, AdmissionSource.OFFLINE_PROGRAMME, tashkent, kst(2022, 11, 10)),
        ("dias", "KZ", 2023, AdmissionSource.COMPLETION, almaty, kst(2023, 2, 1)),
        ("faisal", "SA", 2023, AdmissionSource.COMPLETION, None, kst(2023, 6, 1)),
        ("gulnora", "UZ", 2024, AdmissionSource.OFFLINE_PROGRAMME, tashkent, kst(2024, 1, 1, 0, 30)),
        ("hana", "", 2024, AdmissionSource.COMPLETION, None, kst(2024, 5, 1)),
    ]:
        user = TraineeFactory(email=f"{name}@example.org", profile__country=country)
        membership = AlumniMembership.objects.create(user=user, cohort_year=cohort, source=source, chapter=chapter)
        AlumniMembership.objects.filter(pk=membership.pk).update(admitted_at=admitted)  # auto_now_add
        people[name] = user
    people["tashkent"], people["almaty"] = tashkent, almaty
    return people


@pytest.fixture
def events(alumni):
    echo = EventPageFactory(title="Echo seminar", kind="online-seminar", starts_at=kst(2024, 3, 10, 19), capacity=3)
    meeting = EventPageFactory(
        title="Tashkent meeting",
        kind="offline",
        starts_at=kst(2024, 5, 1, 10),
        capacity=None,
        audience="chapter",
        chapter=alumni["tashkent"],
    )
    congress = EventPageFactory(
        title="Congress", kind="conference", starts_at=kst(2025, 9, 1, 9), capacity=100, audience="everyone"
    )
    registered, waiting, cancelled = (
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.CANCELLED,
    )
    for event, name, status, attended in [
        (echo, "aziz", registered, True),
        (echo, "botir", registered, True),
        (echo, "dias", registered, False),
        (echo, "faisal", waiting, False),
        (echo, "gulnora", cancelled, False),
        (meeting, "aziz", registered, True),
        (meeting, "botir", cancelled, False),
    ]:
        RegistrationFactory(
            event=event,
            user=alumni[name],
            status=status,
            attended_at=event.starts_at if attended else None,
        )
    return echo, meeting, congress


# --- Alumni per cohort year, country and chapter ---------------------------------------------

ALUMNI_HEADER = ["Alumni", "Completed an online course", "Offline programme"]


def test_alumni_per_cohort_year(admin_client, alumni):
    assert export(admin_client, ALUMNI) == [
        ["Cohort year", *ALUMNI_HEADER],
        ["2022", "2", "1", "1"],
        ["2023", "2", "2", "0"],
        ["2024", "2", "1", "1"],
    ]


def test_alumni_per_country(admin_client, alumni):
    assert export(admin_client, ALUMNI, group_by="country") == [
        ["Country", *ALUMNI_HEADER],
        ["Uzbekistan", "3", "1", "2"],
        ["Kazakhstan", "1", "1", "0"],
        ["Saudi Arabia", "1", "1", "0"],
        ["Not given", "1", "1", "0"],
    ]


def test_alumni_per_chapter(admin_client, alumni):
    assert export(admin_client, ALUMNI, group_by="chapter") == [
        ["Chapter", *ALUMNI_HEADER],
        ["Tashkent chapter", "3", "1", "2"],
        ["No chapter", "2", "2", "0"],
        ["Almaty chapter", "1", "1", "0"],
    ]


def test_alumni_filters(admin_client, alumni):
    # gulnora's 00:30 on 1 January (Seoul) is inside 2024; the last day is included.
    assert export(admin_client, ALUMNI, date_from="2024-01-01")[1:] == [["2024", "2", "1", "1"]]
    assert export(admin_client, ALUMNI, date_to="2023-12-31")[1:] == [
        ["2022", "2", "1", "1"],
        ["2023", "2", "2", "0"],
    ]
    assert export(admin_client, ALUMNI, date_from="2022-11-10", date_to="2022-11-10")[1:] == [["2022", "1", "0", "1"]]
    assert export(admin_client, ALUMNI, country="UZ")[1:] == [["2022", "2", "1", "1"], ["2024", "1", "0", "1"]]
    assert export(admin_client, ALUMNI, chapter=alumni["almaty"].pk, group_by="country")[1:] == [
        ["Kazakhstan", "1", "1", "0"]
    ]


def test_alumni_page_shows_charts_and_definitions(admin_client, alumni):
    html = admin_client.get(reverse(ALUMNI)).content.decode()
    assert "graduates of the offline programme admitted by staff" in html
    assert html.count("<svg") >= 3
    assert "2022: 2; 2023: 2; 2024: 2" in html
    html = admin_client.get(reverse(ALUMNI), {"group_by": "chapter"}).content.decode()
    assert "Tashkent chapter: 3; No chapter: 2; Almaty chapter: 1" in html


def test_alumni_bad_filters_are_refused_with_a_message(admin_client, alumni):
    response = admin_client.get(reverse(ALUMNI), {"date_from": "2024-01-01", "date_to": "2023-01-01"})
    assert response.status_code == 200
    assert "The start date is after the end date." in response.content.decode()
    response = admin_client.get(reverse(ALUMNI), {"group_by": "planet"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    # Everything is counted (by cohort year) while the form says what is wrong.
    assert export(admin_client, ALUMNI, group_by="planet")[0][0] == "Cohort year"


# --- Attendance per event --------------------------------------------------------------------

EVENT_HEADER = [
    "Event",
    "Kind",
    "Starts",
    "Capacity",
    "Registered",
    "Waiting list",
    "Cancelled",
    "Attended",
    "Attendance rate (%)",
]


def test_event_attendance(admin_client, events):
    assert export(admin_client, EVENTS) == [
        EVENT_HEADER,
        ["Congress", "Conference", "2025-09-01 09:00", "100", "0", "0", "0", "0", "0"],
        ["Tashkent meeting", "Offline meeting", "2024-05-01 10:00", "Unlimited", "1", "0", "1", "1", "100"],
        ["Echo seminar", "Online seminar", "2024-03-10 19:00", "3", "3", "1", "1", "2", "67"],
    ]


def test_event_attendance_totals_and_chart(admin_client, events):
    html = admin_client.get(reverse(EVENTS)).content.decode()
    assert "Total over 3 events: 4 registered, 1 waiting, 2 cancelled, 3 attended (75 % of registered)." in html
    assert "Registered: 4; Waiting list: 1; Cancelled: 2; Attended: 3" in html
    html = admin_client.get(reverse(EVENTS), {"kind": "online-seminar"}).content.decode()
    assert "Total over 1 event: 3 registered, 1 waiting, 1 cancelled, 2 attended (67 % of registered)." in html


def test_a_translated_event_is_one_row_counting_every_language(admin_client, alumni, events):
    echo = events[0]
    russian = echo.copy_for_translation(Locale.objects.get(language_code="ru"), copy_parents=True)
    russian.title = "Эхо-семинар"
    russian.save_revision().publish()
    RegistrationFactory(event=russian, user=alumni["hana"], status=RegistrationStatus.REGISTERED)
    rows = export(admin_client, EVENTS)
    assert [row[0] for row in rows[1:]] == ["Congress", "Tashkent meeting", "Echo seminar"]
    assert rows[3][4:] == ["4", "1", "1", "2", "50"]
    html = admin_client.get(reverse(EVENTS)).content.decode()
    assert "Total over 3 events: 5 registered" in html


def test_event_attendance_filters(admin_client, alumni, events):
    def titles(**params):
        return [row[0] for row in export(admin_client, EVENTS, **params)[1:]]

    assert titles(kind="offline") == ["Tashkent meeting"]
    assert titles(chapter=alumni["tashkent"].pk) == ["Tashkent meeting"]
    assert titles(audience="everyone") == ["Congress"]
    assert titles(audience="alumni") == ["Echo seminar"]
    assert titles(date_from="2024-03-10", date_to="2024-05-01") == ["Tashkent meeting", "Echo seminar"]
    assert titles(date_from="2024-03-11", date_to="2024-12-31") == ["Tashkent meeting"]


def test_reports_download_as_xlsx(admin_client, events):
    for url_name in (ALUMNI, EVENTS):
        response = admin_client.get(reverse(url_name), {"export": "xlsx"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# --- Who may see them, and what they cost -----------------------------------------------------


@pytest.mark.parametrize("url_name", [ALUMNI, EVENTS])
def test_curriculum_editor_cannot_open_alumni_reports(editor_client, events, url_name):
    response = editor_client.get(reverse(url_name))
    assert response.status_code in (302, 403)
    assert b"Echo seminar" not in response.content
    assert editor_client.get(reverse(url_name), {"export": "csv"}).status_code in (302, 403)
    assert reverse(url_name) not in editor_client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize("url_name", [ALUMNI, EVENTS])
def test_report_readers_open_alumni_reports_from_the_menu(report_reader_client, events, url_name):
    assert report_reader_client.get(reverse(url_name)).status_code == 200
    assert reverse(url_name) in report_reader_client.get(reverse("wagtailadmin_home")).content.decode()


def _grow(alumni, events, people=30):
    congress = events[2]
    more_events = [
        EventPageFactory(title=f"Extra event {n}", starts_at=kst(2024, 6, 1 + n), capacity=10) for n in range(5)
    ]
    for n in range(people):
        user = TraineeFactory(email=f"more{n}@example.org", profile__country=["VN", "MN", "KZ"][n % 3])
        AlumniMembership.objects.create(
            user=user, cohort_year=2020 + n % 6, source=AdmissionSource.COMPLETION, chapter=alumni["almaty"]
        )
        for event in (congress, *more_events):
            RegistrationFactory(event=event, user=user, attended_at=event.starts_at if n % 2 else None)


@pytest.mark.parametrize("url_name", [ALUMNI, EVENTS])
@pytest.mark.parametrize("params", [{}, {"export": "csv"}, {"group_by": "chapter"}])
def test_query_count_does_not_grow_with_the_data(admin_client, alumni, events, url_name, params):
    admin_client.get(reverse(url_name), params)  # warm caches (site, locale, menus)
    with CaptureQueriesContext(connection) as small:
        response = admin_client.get(reverse(url_name), params)
        if "export" in params:
            b"".join(response.streaming_content)
    _grow(alumni, events)
    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(reverse(url_name), params)
        content = b"".join(response.streaming_content) if "export" in params else response.content
    assert response.status_code == 200
    assert b"more0" not in content  # aggregated, never listed
    assert len(large.captured_queries) <= len(small.captured_queries)
