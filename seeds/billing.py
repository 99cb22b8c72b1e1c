"""Demo offers (a USD and a KRW price for every advanced course, two track passes, two
bundles) and a demo coupon, from seeds/data/billing.json. Idempotent: offers are found by
what they sell (course, track, bundle title) and prices updated in place."""

from billing.factories import BundleOfferFactory, CouponFactory, CourseOfferFactory, TrackPassOfferFactory
from billing.models import Coupon, Offer, OfferKind, OfferPrice
from courses.models import CoursePage, Level, TrackPage
from seeds import datafiles


def _set_prices(offer, prices):
    changed = 0
    for currency, amount in prices.items():
        _price, created = OfferPrice.objects.update_or_create(
            offer=offer, currency=currency, defaults={"amount_minor": amount}
        )
        changed += created
    return changed


def seed_billing(log=lambda message: None):
    """Create or update the demo offers and coupons; returns how many rows were created."""
    data = datafiles.load("billing")
    created = 0
    courses = {course.slug: course for course in CoursePage.objects.filter(level=Level.ADVANCED)}
    for slug, course in sorted(courses.items()):
        prices = data["course_price_overrides"].get(slug, data["course_prices"])
        offer = Offer.objects.filter(kind=OfferKind.COURSE, course=course).first()
        if offer is None:
            CourseOfferFactory(course=course, title=course.title, prices=prices)
            created += 1
        else:
            created += _set_prices(offer, prices)
    for spec in data["track_passes"]:
        track = TrackPage.objects.filter(slug=spec["track"]).first()
        if track is None:
            continue
        offer = Offer.objects.filter(kind=OfferKind.TRACK_PASS, track=track).first()
        if offer is None:
            TrackPassOfferFactory(track=track, title=spec["title"], prices=spec["prices"])
            created += 1
        else:
            created += _set_prices(offer, spec["prices"])
    for spec in data["bundles"]:
        members = [courses[slug] for slug in spec["courses"] if slug in courses]
        offer = Offer.objects.filter(kind=OfferKind.BUNDLE, title=spec["title"]).first()
        if offer is None:
            BundleOfferFactory(title=spec["title"], courses=members, prices=spec["prices"])
            created += 1
        else:
            created += _set_prices(offer, spec["prices"])
    for spec in data["coupons"]:
        if not Coupon.objects.filter(code=spec["code"]).exists():
            CouponFactory(**spec)
            created += 1
    log(f"Billing: {created} offers, prices or coupons created.")
    return created
