from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from billing import tasks
from billing.factories import EntitlementFactory, SeatCodeFactory, SeatPoolFactory, create_order
from billing.models import EntitlementSource, OrderStatus
from billing.services import seats
from billing.services.entitlements import grant

ORDERS = reverse("billing_account:orders")


def test_order_history_lists_orders_receipts_and_access(client, trainee, other_trainee, course_offer, advanced_course):
    paid = create_order(trainee, course_offer, status=OrderStatus.PAID)
    tasks.issue_receipt.delay(paid.pk)
    paid.refresh_from_db()
    create_order(trainee, course_offer, currency="KRW", status=OrderStatus.FAILED)
    create_order(other_trainee, course_offer, currency="KRW", status=OrderStatus.PAID)
    grant(trainee, course_offer, source=EntitlementSource.PURCHASE, order=paid, days=30)

    client.force_login(trainee)
    page = client.get(ORDERS).content.decode()
    assert "$49.00" in page and "Paid" in page
    assert "₩65,000" in page and "Payment failed" in page
    assert page.count('class="progress-item order-item"') == 2  # two own orders, none of the other trainee's
    assert reverse("billing_account:receipt", args=[paid.reference]) in page and paid.receipt_number in page
    assert advanced_course.url in page
    until = timezone.localtime(timezone.now() + timedelta(days=30)).strftime("%-d %B %Y")  # the site's time zone
    assert f"until {until}" in page


def test_ended_access_is_not_listed(client, trainee, advanced_course):
    EntitlementFactory(user=trainee, course=advanced_course, revoked_at=timezone.now())
    client.force_login(trainee)
    page = client.get(ORDERS).content.decode()
    assert advanced_course.url not in page.split('id="access"')[1].split("</section>")[0]


def test_the_dashboard_shows_sponsored_access_and_links_to_orders(client, trainee, course_offer):
    seat = SeatCodeFactory(pool=SeatPoolFactory(offer=course_offer, sponsor__name="Ministry of Health of Uzbekistan"))
    seats.redeem(trainee, seat.code)
    client.force_login(trainee)
    page = client.get(reverse("courses:dashboard")).content.decode()
    assert "Structural heart interventions" in page and "Ministry of Health of Uzbekistan" in page
    assert ORDERS in page


def test_the_course_page_offers_the_seat_code_box_until_the_course_is_open(
    client, trainee, advanced_course, course_offer
):
    pool = SeatPoolFactory(offer=course_offer)
    client.force_login(trainee)
    assert "Sent by a sponsor?" in client.get(advanced_course.url).content.decode()
    seats.redeem(trainee, SeatCodeFactory(pool=pool).code)
    assert "Sent by a sponsor?" not in client.get(advanced_course.url).content.decode()


def test_visitors_are_asked_to_log_in_to_use_a_code(client, advanced_course, course_offer):
    assert "Sent by a sponsor?" not in client.get(advanced_course.url).content.decode()  # no sponsor funds it
    SeatPoolFactory(offer=course_offer)
    page = client.get(advanced_course.url).content.decode()
    assert "log in to use it" in page


def test_the_orders_page_needs_a_login(client):
    assert client.get(ORDERS).status_code == 302


def test_bundle_access_lists_its_courses_at_a_fixed_query_cost(client, trainee, track):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from billing.factories import BundleOfferFactory
    from courses.factories import CoursePageFactory

    def bundle(name):
        courses = [
            CoursePageFactory(parent=track, title=f"{name} {n}", slug=f"{name.lower()}-{n}", level="advanced")
            for n in (1, 2)
        ]
        grant(trainee, BundleOfferFactory(title=f"{name} bundle", courses=courses), source=EntitlementSource.PURCHASE)

    def orders_page():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(ORDERS).content.decode()
        return page, len(queries)

    client.force_login(trainee)
    bundle("Imaging")
    orders_page()  # the first request fills Wagtail's cached site root paths
    page, one_bundle = orders_page()
    assert "Imaging bundle" in page and "Imaging 1" in page and "Imaging 2" in page
    bundle("Rhythm")
    bundle("Valves")
    page, three_bundles = orders_page()
    assert "Rhythm 2" in page and "Valves 1" in page
    assert three_bundles == one_bundle
