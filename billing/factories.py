"""Factories for billing, shared by the tests and the demo seed.

course = CoursePageFactory(level="advanced")
offer = CourseOfferFactory(course=course, prices={"USD": 4900, "KRW": 65000})
pass_ = TrackPassOfferFactory(track=course.track)
bundle = BundleOfferFactory(courses=[course, other], prices={"USD": 9900})
order = create_order(trainee, offer, status=OrderStatus.PAID)  # with its line and payment
"""

import factory
from django.utils import timezone

from courses.factories import CoursePageFactory, TrackPageFactory
from lms.accounts.factories import TraineeFactory

from .models import (
    Coupon,
    DiscountKind,
    Entitlement,
    EntitlementSource,
    Offer,
    OfferKind,
    OfferPrice,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentState,
    SeatCode,
    SeatPool,
    Sponsor,
    SponsorKind,
)


class OfferFactory(factory.django.DjangoModelFactory):
    """Pass ``prices={"USD": 4900, "KRW": 65000}``; the default is one USD price."""

    class Meta:
        model = Offer
        skip_postgeneration_save = True

    kind = OfferKind.COURSE
    title = factory.Sequence(lambda n: f"Offer {n}")

    @factory.post_generation
    def prices(offer, create, extracted, **kwargs):
        if not create:
            return
        for currency, amount in (extracted or {"USD": 4900}).items():
            OfferPrice.objects.create(offer=offer, currency=currency, amount_minor=amount)


class CourseOfferFactory(OfferFactory):
    kind = OfferKind.COURSE
    course = factory.SubFactory(CoursePageFactory, level="advanced")
    title = factory.LazyAttribute(lambda o: o.course.title)


class TrackPassOfferFactory(OfferFactory):
    kind = OfferKind.TRACK_PASS
    track = factory.SubFactory(TrackPageFactory)
    title = factory.LazyAttribute(lambda o: f"{o.track.title}: annual pass")
    access_days = 365


class BundleOfferFactory(OfferFactory):
    kind = OfferKind.BUNDLE
    title = factory.Sequence(lambda n: f"Bundle {n}")

    @factory.post_generation
    def courses(offer, create, extracted, **kwargs):
        if create and extracted:
            offer.courses.set(extracted)
            offer.save()


class CouponFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coupon

    code = factory.Sequence(lambda n: f"SAVE{n:03d}")
    kind = DiscountKind.PERCENT
    percent_off = 20


def _order_line(order, offer):
    return OrderLine.objects.create(
        order=order, offer=offer, description=offer.title, amount_minor=order.subtotal_minor
    )


def create_order(user, offer, *, currency="USD", status=OrderStatus.PENDING, provider="sandbox", **fields):
    """An order with its line (and, when paid, its succeeded payment) — the shape checkout leaves."""
    subtotal = offer.price_in(currency).amount_minor
    order = Order.objects.create(
        user=user,
        currency=currency,
        subtotal_minor=subtotal,
        total_minor=subtotal - fields.pop("discount_minor", 0),
        provider=provider,
        status=status,
        buyer_email=user.email,
        paid_at=timezone.now() if status == OrderStatus.PAID else None,
        **fields,
    )
    _order_line(order, offer)
    if status == OrderStatus.PAID:
        Payment.objects.create(
            order=order,
            provider=provider,
            provider_reference=f"{provider}_pay_{order.pk}",
            state=PaymentState.SUCCEEDED,
            amount_minor=order.total_minor,
            currency=currency,
        )
    return order


class EntitlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entitlement

    user = factory.SubFactory(TraineeFactory)
    course = factory.SubFactory(CoursePageFactory, level="advanced")
    source = EntitlementSource.STAFF_GRANT


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor

    name = factory.Sequence(lambda n: f"Ministry of Health {n}")
    kind = SponsorKind.MINISTRY
    country = "UZ"


class SeatPoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeatPool

    sponsor = factory.SubFactory(SponsorFactory)
    offer = factory.SubFactory(CourseOfferFactory)
    seat_count = 5


class SeatCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeatCode

    pool = factory.SubFactory(SeatPoolFactory)
