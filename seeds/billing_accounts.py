"""Demo data for the account side of billing: a sponsor with a seat pool for an advanced course
(one code redeemed, one sent by e-mail, the rest free) and paid demo orders with receipt PDFs.

Idempotent: the sponsor is found by name, its pool by offer, demo orders by their provider
reference; codes are only created for seats without one and receipts only rendered once.
"""

from datetime import timedelta

from django.utils import timezone

from billing.factories import CourseOfferFactory, create_order
from billing.models import (
    Entitlement,
    EntitlementSource,
    Offer,
    OfferKind,
    Order,
    OrderStatus,
    Payment,
    SeatCode,
    SeatPool,
    Sponsor,
)
from billing.services import receipts, seats
from billing.services.entitlements import grant
from courses.models import CoursePage, Level
from lms.accounts.models import User
from seeds import datafiles


def _course_offer(course, prices):
    offer = Offer.objects.filter(kind=OfferKind.COURSE, course=course).first()
    return offer or CourseOfferFactory(course=course, title=course.title, prices=prices)


def seed_billing_accounts(log=lambda message: None):
    data = datafiles.load("billing_accounts")
    courses = list(CoursePage.objects.live().filter(level=Level.ADVANCED).order_by("path")[:2])
    if not courses:
        return
    offers = [_course_offer(course, data["prices"]) for course in courses]
    _seed_sponsor(data["sponsor"], offers[0], log)
    for spec in data["orders"]:
        _seed_order(spec, offers[spec["course"] % len(offers)], log)


def _seed_sponsor(spec, offer, log):
    sponsor, _created = Sponsor.objects.get_or_create(
        name=spec["name"],
        defaults={"kind": spec["kind"], "country": spec["country"], "contact_email": spec["contact_email"]},
    )
    pool = SeatPool.objects.filter(sponsor=sponsor, offer=offer).first()
    if pool is None:
        pool = SeatPool.objects.create(
            sponsor=sponsor,
            offer=offer,
            seat_count=spec["seats"],
            access_days=spec["access_days"],
            redeemable_until=timezone.now() + timedelta(days=365),
            note="Demo fellowship programme",
        )
        log(f"Seat pool for {offer} created")
    seats.generate_codes(pool)
    trainee = User.objects.filter(email=spec["redeem_for"]).first()
    if trainee and not SeatCode.objects.filter(pool=pool, redeemed_by=trainee).exists():
        code = pool.codes.filter(redeemed_by__isnull=True, revoked_at__isnull=True, invited_email="").first()
        if code:
            SeatCode.objects.filter(pk=code.pk).update(invited_email=trainee.email)
            seats.redeem(trainee, code.code)
    if not pool.codes.filter(invited_email=spec["invite"]).exists():
        # Marked as invited without sending: the demo prints its e-mail nowhere.
        code = pool.codes.filter(redeemed_by__isnull=True, revoked_at__isnull=True, invited_email="").first()
        if code:
            SeatCode.objects.filter(pk=code.pk).update(invited_email=spec["invite"])


def _seed_order(spec, offer, log):
    buyer = User.objects.filter(email=spec["buyer"]).first()
    if buyer is None:
        return
    order = Order.objects.filter(provider="sandbox", provider_reference=spec["reference"]).first()
    if order is None:
        order = create_order(
            buyer, offer, currency=spec["currency"], status=OrderStatus.PAID, provider_reference=spec["reference"]
        )
        paid_at = timezone.now() - timedelta(days=spec["days_ago"])
        Order.objects.filter(pk=order.pk).update(paid_at=paid_at)
        Payment.objects.filter(order=order).update(provider_reference=f"{spec['reference']}-pay")
        grant(buyer, offer, source=EntitlementSource.PURCHASE, starts_at=paid_at, order=order)
        log(f"Demo order {spec['reference']} created")
    elif not Entitlement.objects.filter(order=order).exists():
        grant(buyer, offer, source=EntitlementSource.PURCHASE, starts_at=order.paid_at, order=order)
    receipts.assign_receipt_number(order.pk)
    order.refresh_from_db()
    if not order.receipt_pdf or not order.receipt_pdf.storage.exists(order.receipt_pdf.name):
        receipts.render_receipt(order.pk)
    # The demo sends no receipt e-mails (the console would fill with the PDF).
    Order.objects.filter(pk=order.pk, receipt_emailed_at__isnull=True).update(receipt_emailed_at=timezone.now())


def unused_demo_code():
    """One free code of the demo sponsor, for ``demo_logins``."""
    data = datafiles.load("billing_accounts")
    return (
        SeatCode.objects.filter(
            pool__sponsor__name=data["sponsor"]["name"],
            redeemed_by__isnull=True,
            revoked_at__isnull=True,
            invited_email="",
        )
        .select_related("pool__offer")
        .order_by("created_at", "pk")
        .first()
    )
