"""Billing's "Sponsor" filter on the learning reports, on the hand-built history of conftest.py.

Seat codes: the Uzbek ministry's were redeemed by amir (two codes: counted once) and chen, and
one was sent to bolat, who never redeemed it; the Saudi foundation's by eman.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.factories import CourseOfferFactory, SeatCodeFactory, SeatPoolFactory, SponsorFactory
from lms.accounts.models import User

from .helpers import COUNTRIES, FUNNEL, YEARLY, export


@pytest.fixture
def sponsors(history):
    ministry = SponsorFactory(name="Uzbek ministry", country="UZ")
    foundation = SponsorFactory(name="Saudi foundation", country="SA")
    offer = CourseOfferFactory(course=history.echo)
    pool = SeatPoolFactory(sponsor=ministry, offer=offer)
    for email in ("amir", "amir", "chen"):
        user = User.objects.get(email=f"{email}@example.org")
        SeatCodeFactory(pool=pool, redeemed_by=user, redeemed_at=timezone.now())
    SeatCodeFactory(pool=pool, invited_email="bolat@example.org")
    SeatCodeFactory(
        pool=SeatPoolFactory(sponsor=foundation, offer=offer),
        redeemed_by=User.objects.get(email="eman@example.org"),
        redeemed_at=timezone.now(),
    )
    return ministry, foundation


def test_every_learning_report_offers_the_sponsor_filter(admin_client, sponsors):
    for url_name in (YEARLY, COUNTRIES, FUNNEL):
        html = admin_client.get(reverse(url_name)).content.decode()
        assert 'name="sponsor"' in html
        assert "Uzbek ministry" in html and "Saudi foundation" in html


def test_yearly_figures_of_one_sponsor(admin_client, sponsors):
    ministry, foundation = sponsors
    # amir (Echo 2020, completed 2020; Lasers 2021) and chen (Heart failure 2021, completed 2021).
    assert export(admin_client, YEARLY, sponsor=ministry.pk)[1:] == [
        ["2020", "1", "1", "1"],
        ["2021", "2", "1", "1"],
    ]
    # eman: Lasers 2021, completed January 2022.
    assert export(admin_client, YEARLY, sponsor=foundation.pk)[1:] == [
        ["2021", "1", "1", "0"],
        ["2022", "0", "0", "1"],
    ]


def test_country_figures_of_one_sponsor(admin_client, sponsors):
    ministry, _foundation = sponsors
    # bolat (KZ) was only invited: he is not the ministry's.
    assert export(admin_client, COUNTRIES, sponsor=ministry.pk)[1:] == [["Uzbekistan", "UZ", "2", "3", "2"]]


def test_funnel_of_one_sponsor_combined_with_other_filters(admin_client, sponsors):
    ministry, _foundation = sponsors
    assert export(admin_client, FUNNEL, sponsor=ministry.pk)[1:] == [
        ["Echo", "Cardiology", "1", "1", "1", "1", "1", "100"],
        ["Heart failure", "Cardiology", "1", "1", "1", "0", "1", "100"],
        ["Lasers", "Dermatology", "1", "0", "0", "0", "0", "0"],
    ]
    rows = export(admin_client, FUNNEL, sponsor=ministry.pk, date_from="2021-01-01")
    assert [row[:3] for row in rows[1:]] == [
        ["Echo", "Cardiology", "0"],
        ["Heart failure", "Cardiology", "1"],
        ["Lasers", "Dermatology", "1"],
    ]


def test_unknown_sponsor_is_refused_and_everything_is_counted(admin_client, sponsors):
    response = admin_client.get(reverse(YEARLY), {"sponsor": "999999"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert export(admin_client, YEARLY, sponsor="999999")[1] == ["2020", "2", "2", "1"]


@pytest.mark.parametrize("url_name", [YEARLY, COUNTRIES, FUNNEL])
def test_sponsor_filter_costs_the_same_queries_with_more_codes(admin_client, sponsors, url_name):
    ministry, _foundation = sponsors
    params = {"sponsor": ministry.pk}
    admin_client.get(reverse(url_name), params)  # warm caches
    with CaptureQueriesContext(connection) as small:
        admin_client.get(reverse(url_name), params)
    pool = SeatPoolFactory(sponsor=ministry, offer=ministry.pools.first().offer, seat_count=40)
    from lms.accounts.factories import TraineeFactory

    for n in range(30):
        SeatCodeFactory(pool=pool, redeemed_by=TraineeFactory(email=f"seat{n}@example.org"), redeemed_at=timezone.now())
        SponsorFactory(name=f"Other sponsor {n}")
    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(reverse(url_name), params)
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
