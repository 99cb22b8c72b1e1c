import csv
import io
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.factories import BundleOfferFactory, create_order
from billing.models import Order, OrderStatus, Payment, Refund
from billing.services import reports
from courses.factories import CoursePageFactory

REPORT = reverse("billing_revenue")


def _at(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def sales(trainee, other_trainee, course_offer, track):
    """January: two USD orders (course, bundle) and one KRW order; February: one USD order, the
    January bundle refunded, and a pending and a failed order that count for nothing."""
    bundle = BundleOfferFactory(
        title="Heart bundle", courses=[CoursePageFactory(parent=track, level="advanced")], prices={"USD": 9900}
    )

    def paid(user, offer, when, currency="USD"):
        order = create_order(user, offer, currency=currency, status=OrderStatus.PAID)
        Order.objects.filter(pk=order.pk).update(paid_at=when)
        return order

    paid(trainee, course_offer, _at(2026, 1, 10, 9))
    refunded = paid(other_trainee, bundle, _at(2026, 1, 20, 9))
    paid(other_trainee, course_offer, _at(2026, 1, 15, 9), currency="KRW")
    paid(other_trainee, course_offer, _at(2026, 2, 3, 9))
    refund = Refund.objects.create(
        payment=Payment.objects.get(order=refunded), provider_reference="re_1", amount_minor=9900
    )
    Refund.objects.filter(pk=refund.pk).update(created_at=_at(2026, 2, 5, 9))
    Order.objects.filter(pk=refunded.pk).update(status=OrderStatus.REFUNDED)
    create_order(trainee, bundle, status=OrderStatus.PENDING)
    create_order(trainee, bundle, status=OrderStatus.FAILED)
    return {"course": course_offer, "bundle": bundle}


def _summary(rows):
    return [
        (
            f"{row.month:%Y-%m}",
            row.currency,
            row.offer_title,
            row.orders,
            row.gross_minor,
            row.refunded_minor,
            row.net_minor,
        )
        for row in rows
    ]


def test_revenue_by_month_offer_and_currency(sales, django_assert_num_queries):
    with django_assert_num_queries(3):  # orders, refunds, offer titles: whatever the number of orders
        rows = reports.revenue()
    assert _summary(rows) == [
        ("2026-01", "KRW", "Structural heart interventions", 1, 65000, 0, 65000),
        ("2026-01", "USD", "Heart bundle", 1, 9900, 0, 9900),
        ("2026-01", "USD", "Structural heart interventions", 1, 4900, 0, 4900),
        ("2026-02", "USD", "Heart bundle", 0, 0, 9900, -9900),
        ("2026-02", "USD", "Structural heart interventions", 1, 4900, 0, 4900),
    ]
    totals = reports.totals_by_currency(rows)
    assert totals["USD"]["net_minor"] == 9800 and totals["KRW"]["net_minor"] == 65000
    assert totals["USD"]["net"] == "$98.00" and totals["KRW"]["net"] == "₩65,000"


def test_revenue_filters(sales):
    assert _summary(reports.revenue(currency="KRW")) == [
        ("2026-01", "KRW", "Structural heart interventions", 1, 65000, 0, 65000)
    ]
    february = reports.revenue(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28), currency="USD")
    assert [(row.offer_title, row.net_minor) for row in february] == [
        ("Heart bundle", -9900),
        ("Structural heart interventions", 4900),
    ]
    assert [row.net_minor for row in reports.revenue(offer=sales["bundle"])] == [9900, -9900]


def test_the_revenue_report_page_and_its_csv(client, superuser, sales):
    client.force_login(superuser)
    page = client.get(REPORT, {"currency": "USD"}).content.decode()
    assert "Revenue" in page and "$98.00" in page and "-$99.00" in page and "₩65,000" not in page
    response = client.get(REPORT, {"export": "csv", "paid_from": "2026-01-01", "paid_to": "2026-01-31"})
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert table == [
        ["Month", "Currency", "Offer", "Paid orders", "Paid", "Refunded", "Net"],
        ["2026-01", "KRW", "Structural heart interventions", "1", "65000", "0", "65000"],
        ["2026-01", "USD", "Heart bundle", "1", "99.00", "0.00", "99.00"],
        ["2026-01", "USD", "Structural heart interventions", "1", "49.00", "0.00", "49.00"],
    ]


def test_the_revenue_report_is_refused_to_a_curriculum_editor(client, curriculum_editor):
    client.force_login(curriculum_editor)
    assert client.get(REPORT).status_code in (302, 403)
    admin_home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert REPORT not in admin_home
