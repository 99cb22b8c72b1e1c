"""Boxes billing adds to course pages (``settings.COURSE_PAGE_PANELS``) and to "My learning"
(``settings.DASHBOARD_PANELS``)."""

from .models import Currency, OfferKind
from .money import format_money


def offers_panel(request, course, context):
    """What the trainee can buy to open this course (course price, track pass, bundles).

    A fixed number of queries whatever the number of offers: offers with their prices and
    bundle courses are fetched in three queries, the buyer's entitlement in one more.
    """
    from .services.checkout import offers_for_course, price_for
    from .services.entitlements import covering
    from .views import chosen_currency

    if course.is_free:
        return None
    user = request.user
    entitlement = None
    if user.is_authenticated and context.get("can_access"):
        entitlement = covering(user, course).select_related("course", "track", "bundle", "seat__pool__sponsor").order_by("ends_at").last()
        if entitlement is None:
            return None  # staff: access without buying, nothing to sell them
    offers = list(offers_for_course(course).prefetch_related("courses"))
    if not offers and entitlement is None:
        return None
    currency = chosen_currency(request)
    rows = []
    currencies = set()
    for offer in offers:
        price = price_for(offer, currency)
        if price is None:
            continue
        currencies.update(p.currency for p in offer.prices.all())
        rows.append(
            {
                "offer": offer,
                "price": price,
                "price_display": format_money(price.amount_minor, price.currency),
                "is_pass": offer.kind == OfferKind.TRACK_PASS,
                "is_bundle": offer.kind == OfferKind.BUNDLE,
                "course_count": len(offer.courses.all()) if offer.kind == OfferKind.BUNDLE else 0,
            }
        )
    order = {OfferKind.COURSE: 0, OfferKind.TRACK_PASS: 1, OfferKind.BUNDLE: 2}
    rows.sort(key=lambda row: (order[row["offer"].kind], row["offer"].title))
    return {
        "template": "billing/offers_panel.html",
        "offers": rows,
        "entitlement": entitlement,
        "currency": currency,
        "currencies": [(code, label) for code, label in Currency.choices if code in currencies],
        "next": request.get_full_path(),
    }


def seat_code_panel(request, course, context):
    """Redeem a sponsored seat code for this course: shown while the trainee has no access to it and
    some sponsor funds seats for it (elsewhere the course page says it is not open)."""
    if course.is_free or context.get("can_access") or context.get("enrollment"):
        return None
    from .services.seats import course_has_sponsored_seats

    if not course_has_sponsored_seats(course):
        return None
    from .views_account import RedeemForm

    return {
        "template": "billing/seat_code_panel.html",
        "form": RedeemForm(initial={"next": course.url}) if request.user.is_authenticated else None,
        "course": course,
    }


def passes_panel(user):
    """The trainee's annual passes on "My learning", with the way to stop renewal."""
    from .services.subscriptions import subscriptions_of

    return {"template": "billing/dashboard_passes.html", "subscriptions": list(subscriptions_of(user))}
