"""Reports for billing admins: revenue by month, offer and currency; a sponsor's seat report.

Both are computed by the database (GROUP BY / COUNT / SUM) in a fixed number of queries,
whatever the number of orders or trainees.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, DateField, F, Func, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from courses.models import CoursePage, Enrollment, LessonPage

from ..models import Offer, Order, OrderLine, OrderStatus, Refund, SeatCode
from ..money import format_money, to_decimal
from .seats import courses_opened_by

# --- Revenue -------------------------------------------------------------------------


@dataclass
class RevenueRow:
    month: object  # a date, the first of the month
    currency: str
    offer_id: int
    offer_title: str
    orders: int
    gross_minor: int
    refunded_minor: int

    @property
    def net_minor(self):
        return self.gross_minor - self.refunded_minor

    # Display and export helpers (the report's columns and CSV read these).
    @property
    def month_label(self):
        return self.month.strftime("%Y-%m")

    @property
    def gross(self):
        return format_money(self.gross_minor, self.currency)

    @property
    def refunded(self):
        return format_money(self.refunded_minor, self.currency)

    @property
    def net(self):
        return format_money(self.net_minor, self.currency)

    @property
    def gross_amount(self):
        return to_decimal(self.gross_minor, self.currency)

    @property
    def refunded_amount(self):
        return to_decimal(self.refunded_minor, self.currency)

    @property
    def net_amount(self):
        return to_decimal(self.net_minor, self.currency)


def _first_line_offer(order_ref):
    # Checkout sells one offer per order; its line names it.
    return Subquery(OrderLine.objects.filter(order=order_ref).order_by("pk").values("offer_id")[:1])


def revenue(date_from=None, date_to=None, currency=None, offer=None):
    """Rows of (month, currency, offer): paid orders in the month of payment, refunds in the month of
    the refund, net = paid - refunded. Currencies are never added together."""
    orders = Order.objects.filter(status__in=[OrderStatus.PAID, OrderStatus.REFUNDED], paid_at__isnull=False)
    refunds = Refund.objects.all()
    if date_from:
        orders = orders.filter(paid_at__date__gte=date_from)
        refunds = refunds.filter(created_at__date__gte=date_from)
    if date_to:
        orders = orders.filter(paid_at__date__lte=date_to)
        refunds = refunds.filter(created_at__date__lte=date_to)
    if currency:
        orders = orders.filter(currency=currency)
        refunds = refunds.filter(payment__currency=currency)
    orders = orders.annotate(
        offer_id=_first_line_offer(OuterRef("pk")), month=TruncMonth("paid_at", output_field=DateField())
    )
    refunds = refunds.annotate(
        offer_id=_first_line_offer(OuterRef("payment__order")),
        month=TruncMonth("created_at", output_field=DateField()),
        currency=F("payment__currency"),
    )
    if offer:
        orders = orders.filter(offer_id=getattr(offer, "pk", offer))
        refunds = refunds.filter(offer_id=getattr(offer, "pk", offer))

    totals = defaultdict(lambda: {"orders": 0, "gross": 0, "refunded": 0})
    for row in (
        orders.values("month", "currency", "offer_id").annotate(n=Count("pk"), gross=Sum("total_minor")).order_by()
    ):
        entry = totals[(row["month"], row["currency"], row["offer_id"])]
        entry["orders"], entry["gross"] = row["n"], row["gross"] or 0
    for row in refunds.values("month", "currency", "offer_id").annotate(refunded=Sum("amount_minor")).order_by():
        totals[(row["month"], row["currency"], row["offer_id"])]["refunded"] = row["refunded"] or 0

    titles = dict(Offer.objects.filter(pk__in={key[2] for key in totals}).values_list("pk", "title"))
    rows = [
        RevenueRow(
            month=month,
            currency=cur,
            offer_id=offer_id,
            offer_title=titles.get(offer_id, "—"),
            orders=entry["orders"],
            gross_minor=entry["gross"],
            refunded_minor=entry["refunded"],
        )
        for (month, cur, offer_id), entry in totals.items()
    ]
    rows.sort(key=lambda row: (row.month, row.currency, row.offer_title), reverse=False)
    return rows


def totals_by_currency(rows):
    """{currency: (gross, refunded, net)} in minor units, for the report's summary line."""
    totals = defaultdict(lambda: [0, 0])
    for row in rows:
        totals[row.currency][0] += row.gross_minor
        totals[row.currency][1] += row.refunded_minor
    return {
        currency: {
            "gross": format_money(gross, currency),
            "refunded": format_money(refunded, currency),
            "net": format_money(gross - refunded, currency),
            "net_minor": gross - refunded,
        }
        for currency, (gross, refunded) in sorted(totals.items())
    }


# --- Sponsor report ------------------------------------------------------------------


SPONSOR_REPORT_HEADER = [
    "sponsor",
    "seat pool",
    "code",
    "invited e-mail",
    "trainee",
    "trainee e-mail",
    "country",
    "redeemed on",
    "course",
    "enrolled on",
    "required lessons done",
    "required lessons",
    "completed on",
]


def _required_lessons_by_course(course_ids):
    """{course id: live required lessons}, one query (lessons are children in the page tree)."""
    count = (
        LessonPage.objects.live()
        .filter(path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1, is_required=True)
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return dict(
        CoursePage.objects.filter(pk__in=course_ids)
        .annotate(required=Subquery(count, output_field=IntegerField()))
        .values_list("pk", "required")
    )


def sponsor_report(sponsor):
    """One row per redeemed seat and course it opened: who, progress (required lessons done /
    required) and completion. Seats not yet used are not listed."""
    seats = list(
        SeatCode.objects.filter(pool__sponsor=sponsor, redeemed_by__isnull=False)
        .select_related("pool__offer", "redeemed_by__profile")
        .order_by("pool__created_at", "redeemed_at", "pk")
    )
    courses_by_offer = {}
    for seat in seats:
        if seat.pool.offer_id not in courses_by_offer:
            courses_by_offer[seat.pool.offer_id] = courses_opened_by(seat.pool.offer)
    course_ids = {course.pk for courses in courses_by_offer.values() for course in courses}
    required = _required_lessons_by_course(course_ids)
    enrollments = {
        (row["user_id"], row["course_id"]): row
        for row in Enrollment.objects.filter(user__in={seat.redeemed_by_id for seat in seats}, course__in=course_ids)
        .annotate(
            lessons_done=Count(
                "lesson_progress",
                filter=Q(
                    lesson_progress__completed_at__isnull=False,
                    lesson_progress__lesson__is_required=True,
                    lesson_progress__lesson__live=True,
                ),
            )
        )
        .values("user_id", "course_id", "enrolled_at", "completed_at", "lessons_done")
    }
    rows = []
    for seat in seats:
        trainee = seat.redeemed_by
        profile = getattr(trainee, "profile", None)
        for course in courses_by_offer[seat.pool.offer_id]:
            enrollment = enrollments.get((trainee.pk, course.pk))
            rows.append(
                [
                    str(sponsor),
                    str(seat.pool.offer),
                    seat.code,
                    seat.invited_email,
                    trainee.display_name,
                    trainee.email,
                    str(profile.country) if profile and profile.country else "",
                    _date(seat.redeemed_at),
                    course.title,
                    _date(enrollment["enrolled_at"]) if enrollment else "",
                    enrollment["lessons_done"] if enrollment else 0,
                    required.get(course.pk) or 0,
                    _date(enrollment["completed_at"]) if enrollment else "",
                ]
            )
    return rows


def _date(value):
    return timezone.localdate(value).isoformat() if value else ""
