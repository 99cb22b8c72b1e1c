"""The offers panel on an advanced course page: prices in the buyer's currency, and who sees what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.factories import BundleOfferFactory, CourseOfferFactory, EntitlementFactory, TrackPassOfferFactory
from courses.factories import CoursePageFactory
from lms.accounts.factories import TraineeFactory, UserFactory


@pytest.fixture
def offers(track, course, offer):
    other = CoursePageFactory(parent=track, title="Heart failure clinic", slug="hf", level="advanced")
    return {
        "course": offer,
        "pass": TrackPassOfferFactory(track=track, title="Cardiology annual pass", prices={"USD": 19900, "KRW": 260000}),
        "bundle": BundleOfferFactory(title="Heart bundle", courses=[course, other], prices={"USD": 7900}),
    }


def panel_html(client, course):
    html = client.get(course.url).content.decode()
    start = html.find("data-offers")
    return html[start : html.find("</section>", start)] if start != -1 else ""


@pytest.mark.django_db
def test_the_panel_lists_course_pass_and_bundle_with_buy_buttons(trainee_client, course, offers):
    html = panel_html(trainee_client, course)
    assert "$49.00" in html and "$199.00" in html and "$79.00" in html
    assert "Buy this course" in html and "Get the annual pass" in html and "Buy the bundle" in html
    assert 'name="coupon"' in html and "data-once" in html and "csrfmiddlewaretoken" in html
    assert "<script>" not in html  # static files only (CSP)


@pytest.mark.django_db
def test_a_korean_buyer_sees_won_and_a_chosen_currency_is_remembered(client, course, offers):
    korean = TraineeFactory(profile__country="KR")
    client.force_login(korean)
    html = panel_html(client, course)
    assert "₩65,000" in html and "₩260,000" in html
    assert "$79.00" in html  # the bundle has no KRW price: its first price is shown
    assert f'value="{offers["bundle"].pk}:USD"' in html

    client.post(reverse("billing:set_currency"), {"currency": "USD", "next": course.url})
    assert "$49.00" in panel_html(client, course)
    client.post(reverse("billing:set_currency"), {"currency": "XXX", "next": course.url})
    assert "$49.00" in panel_html(client, course)


@pytest.mark.django_db
def test_anonymous_visitors_see_prices_and_a_sign_up_prompt(client, course, offers):
    html = panel_html(client, course)
    assert "$49.00" in html and "Sign up to buy" in html and "Log in" in html
    assert "Buy this course" not in html


@pytest.mark.django_db
def test_an_incomplete_profile_is_announced(client, course, offers):
    client.force_login(UserFactory())
    assert "complete your profile before you pay" in panel_html(client, course)


@pytest.mark.django_db
def test_an_entitled_trainee_sees_their_access_and_no_buy_buttons(trainee_client, trainee, course, offers):
    EntitlementFactory(user=trainee, course=None, track=course.get_parent().specific, source="pass")
    html = panel_html(trainee_client, course)
    assert "Included in your annual pass" in html
    assert "Buy this course" not in html and "$49.00" not in html


def test_a_sponsored_seat_names_the_sponsor_not_a_purchase(trainee_client, trainee, course, offers):
    from billing.factories import SeatCodeFactory, SeatPoolFactory, SponsorFactory

    seat = SeatCodeFactory(
        pool=SeatPoolFactory(sponsor=SponsorFactory(name="Ministry of Health of Mongolia"), offer=offers["course"])
    )
    EntitlementFactory(user=trainee, course=course, source="sponsor_seat", seat=seat)
    html = panel_html(trainee_client, course)
    assert "Your seat is sponsored by Ministry of Health of Mongolia." in html
    assert "You bought this course." not in html


def test_a_bought_course_offers_to_enroll_without_calling_it_free(trainee_client, trainee, course, offers):
    EntitlementFactory(user=trainee, course=course, source="purchase")
    html = trainee_client.get(course.url).content.decode()
    assert ">Enroll</button>" in html
    assert "Enroll for free" not in html


@pytest.mark.django_db
def test_free_courses_have_no_offers_panel(trainee_client, track):
    basic = CoursePageFactory(parent=track, level="basic", slug="basic")
    assert panel_html(trainee_client, basic) == ""


@pytest.mark.django_db
def test_the_course_page_query_count_does_not_grow_with_offers(trainee_client, track, course, offers):
    trainee_client.get(course.url)  # warm caches (site root, content types)
    with CaptureQueriesContext(connection) as few:
        trainee_client.get(course.url)
    for number in range(6):
        extra = CoursePageFactory(parent=track, slug=f"extra-{number}", level="advanced")
        BundleOfferFactory(courses=[course, extra], prices={"USD": 9900 + number, "KRW": 100000})
        CourseOfferFactory(course=extra)
    with CaptureQueriesContext(connection) as many:
        html = trainee_client.get(course.url).content.decode()
    assert html.count("Buy the bundle") == 7
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
