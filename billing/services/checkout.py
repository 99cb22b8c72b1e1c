"""Checkout: from "Buy" to a paid order with its entitlements.

``start_checkout`` records the order, its line and a payment attempt, and asks the active
provider for a hosted payment page. Nothing is granted then: only ``fulfil_order``,
called from a verified provider event (``billing.services.webhooks``), marks an order
paid and grants access; the buyer's return to our site proves nothing.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.accounts.services import has_complete_profile

from ..exceptions import BillingError
from ..models import (
    Currency,
    Entitlement,
    EntitlementSource,
    Offer,
    OfferKind,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentState,
    Subscription,
    SubscriptionStatus,
)
from ..providers import active_provider, get_provider
from ..signals import order_paid
from . import coupons, entitlements

logger = logging.getLogger(__name__)

# Orders paid in full by a coupon never reach a provider; their payment row says so.
FREE_PROVIDER = "free"

SOURCE_OF_KIND = {
    OfferKind.COURSE: EntitlementSource.PURCHASE,
    OfferKind.TRACK_PASS: EntitlementSource.PASS,
    OfferKind.BUNDLE: EntitlementSource.BUNDLE,
}

# Where a buyer's country makes another currency the sensible default.
COUNTRY_CURRENCIES = {"KR": Currency.KRW}


class ProfileRequired(BillingError):
    pass


@dataclass(frozen=True)
class CheckoutStart:
    order: Order
    redirect_url: str


# --- Prices and currencies -------------------------------------------------------------


def default_currency(user):
    """The currency a buyer sees first: from their profile country where sensible, else the site's."""
    country = ""
    if user.is_authenticated:
        profile = getattr(user, "profile", None)
        country = str(profile.country) if profile is not None and profile.country else ""
    return COUNTRY_CURRENCIES.get(country, settings.BILLING_DEFAULT_CURRENCY)


def price_for(offer, currency):
    """The offer's price in ``currency``, else its first price (an offer always has one)."""
    return offer.price_in(currency) or next(iter(offer.prices.all()), None)


# --- Starting a checkout ---------------------------------------------------------------


def has_access_to(user, offer, at=None):
    """Does ``user`` already hold what ``offer`` sells (so buying it again makes no sense)?"""
    active = Entitlement.objects.active(at).filter(user=user)
    if active.filter(**entitlements.scope_of(offer)).exists():
        return True
    if offer.kind == OfferKind.COURSE:
        return entitlements.covering(user, offer.course, at).exists()
    return False


def open_order_for(user, offer):
    """The buyer's pending order for this offer whose checkout may still be open."""
    since = timezone.now() - timedelta(minutes=settings.BILLING_CHECKOUT_MINUTES)
    return (
        Order.objects.select_for_update()
        .filter(user=user, status=OrderStatus.PENDING, lines__offer=offer, created_at__gte=since)
        .order_by("-created_at")
        .first()
    )


def start_checkout(user, offer, *, currency, coupon_code="", site_url):
    """Record an order for ``offer`` and return where the buyer pays.

    A second "Buy" for the same offer (double click, back button, second tab) while the
    first checkout is open returns that same order and payment page rather than a second
    order. A different currency or coupon cancels the open order and starts afresh.
    """
    if not offer.is_active:
        raise BillingError(_("“%(offer)s” is no longer on sale.") % {"offer": offer.title})
    price = offer.price_in(currency)
    if price is None:
        raise BillingError(
            _("“%(offer)s” has no price in %(currency)s.") % {"offer": offer.title, "currency": currency}
        )
    if not has_complete_profile(user):
        raise ProfileRequired(
            _("Please complete your profile before you pay: your receipt carries your name and country.")
        )
    code = coupons.normalise_code(coupon_code)

    with transaction.atomic():
        # One buyer's checkouts run one at a time, so a double submit finds the first order.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if has_access_to(user, offer):
            raise BillingError(_("You already have access to “%(offer)s”.") % {"offer": offer.title})
        coupon = coupons.find_coupon(code) if code else None

        existing = open_order_for(user, offer)
        if existing is not None:
            if existing.currency == currency and existing.coupon_id == (coupon.pk if coupon else None):
                url = get_provider(existing.provider).resume_checkout(existing)
                if url:
                    return CheckoutStart(existing, url)
            _close(existing, OrderStatus.CANCELED)

        if coupon is not None:
            coupon = coupons.reserve(coupon, offer, currency)
        discount = coupons.discount_for(coupon, price.amount_minor)
        profile = getattr(user, "profile", None)
        order = Order.objects.create(
            user=user,
            currency=currency,
            subtotal_minor=price.amount_minor,
            discount_minor=discount,
            total_minor=price.amount_minor - discount,
            coupon=coupon,
            provider=FREE_PROVIDER,
            buyer_name=getattr(profile, "name_latin", "") or user.get_full_name(),
            buyer_email=user.email,
            buyer_country=str(getattr(profile, "country", "") or ""),
        )
        OrderLine.objects.create(order=order, offer=offer, description=offer.title, amount_minor=price.amount_minor)
        return_url = reverse("billing:checkout_return", args=[order.reference])

        if order.total_minor == 0:
            # Paid in full by the coupon: no card, no provider, the same fulfilment.
            Payment.objects.create(
                order=order,
                provider=FREE_PROVIDER,
                provider_reference=f"free_{order.reference.hex}",
                amount_minor=0,
                currency=currency,
            )
            fulfil_order(order)
            return CheckoutStart(order, return_url)

        provider = active_provider()
        absolute_return = site_url.rstrip("/") + return_url
        session = provider.start_checkout(
            order, success_url=absolute_return, cancel_url=absolute_return + "?cancelled=1"
        )
        order.provider = provider.name
        order.provider_reference = session.reference
        order.save(update_fields=["provider", "provider_reference"])
        Payment.objects.create(
            order=order,
            provider=provider.name,
            provider_reference=session.reference,
            state=PaymentState.PENDING,
            amount_minor=order.total_minor,
            currency=currency,
        )
    return CheckoutStart(order, session.url)


# --- The provider's answer -------------------------------------------------------------


def _lock_order(order):
    return Order.objects.select_for_update().get(pk=order.pk)


def payment_attempt(order):
    """The order's checkout payment attempt, locked (created if an order somehow has none)."""
    payments = Payment.objects.select_for_update().filter(order=order)
    payment = payments.filter(provider_reference=order.provider_reference).first() if order.provider_reference else None
    payment = payment or payments.order_by("created_at").first()
    if payment is None:
        payment = Payment.objects.create(
            order=order,
            provider=order.provider,
            provider_reference=order.provider_reference or f"{order.provider}_{order.reference.hex}",
            amount_minor=order.total_minor,
            currency=order.currency,
        )
    return payment


def subscription_for(order, reference, *, period_end=None):
    """The order's subscription at the provider, locked; created the first time an event names it."""
    subscription = (
        Subscription.objects.select_for_update().filter(provider=order.provider, provider_reference=reference).first()
    )
    if subscription is None:
        line = order.lines.select_related("offer").filter(offer__kind=OfferKind.TRACK_PASS).first()
        if line is None:
            return None
        subscription = Subscription.objects.create(
            user=order.user,
            offer=line.offer,
            order=order,
            provider=order.provider,
            provider_reference=reference,
            current_period_end=period_end,
        )
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    return subscription


def extend_to(subscription, period_end):
    """Move the paid period's end forward (never back: a late replay of an old invoice changes nothing)."""
    if period_end is None:
        return
    if subscription.current_period_end is None or period_end > subscription.current_period_end:
        subscription.current_period_end = period_end
        subscription.save(update_fields=["current_period_end"])
    # The provider's period end is the truth; a provisional end set at checkout (offer's
    # access days, before any invoice told us the period) gives way to it.
    subscription.entitlements.filter(revoked_at__isnull=True).exclude(ends_at=subscription.current_period_end).update(
        ends_at=subscription.current_period_end
    )


def fulfil_order(order, *, charge_reference="", subscription_reference="", period_end=None):
    """The provider confirmed payment: mark the order paid and grant its entitlements, once.

    Safe to call again and in any order with the other events: a paid order stays as it is
    (missing references are filled in), and a refunded order is not granted anything.
    """
    with transaction.atomic():
        order = _lock_order(order)
        payment = payment_attempt(order)
        if charge_reference and not payment.provider_charge:
            payment.provider_charge = charge_reference
        if payment.state not in (PaymentState.SUCCEEDED, PaymentState.REFUNDED):
            payment.state = PaymentState.SUCCEEDED
        payment.save()
        subscription = (
            subscription_for(order, subscription_reference, period_end=period_end) if subscription_reference else None
        )
        if order.status in (OrderStatus.PAID, OrderStatus.REFUNDED):
            if subscription is not None:
                extend_to(subscription, period_end)
            return order

        if order.status != OrderStatus.PENDING:
            # A checkout we had given up on (declined, replaced) was paid after all: the money
            # is taken, so the buyer gets what they paid for.
            logger.info("Order %s was %s and is now paid.", order.reference, order.status)
        order.status = OrderStatus.PAID
        order.paid_at = timezone.now()
        order.save(update_fields=["status", "paid_at"])
        if order.coupon_id:
            coupons.redeem(order.coupon)
        for line in order.lines.select_related("offer"):
            offer = line.offer
            links = {"order": order}
            if offer.is_subscription and subscription is not None:
                links["subscription"] = subscription
            entitlement = entitlements.grant(order.user, offer, source=SOURCE_OF_KIND[offer.kind], **links)
            if "subscription" in links and period_end is not None:
                entitlement.ends_at = period_end
                entitlement.save(update_fields=["ends_at"])
        if subscription is not None:
            extend_to(subscription, period_end)
            if subscription.status == SubscriptionStatus.ENDED:
                # The end of the subscription was reported before its start.
                entitlements.end(order.entitlements.all(), reason=_("Subscription ended"))
        order_id = order.pk
        transaction.on_commit(lambda: order_paid.send(sender=Order, order_id=order_id))
    return order


def _close(order, status):
    """Leave pending for ``status`` (failed, cancelled); its coupon reservation goes with it."""
    order.status = status
    order.save(update_fields=["status"])
    payment_state = PaymentState.FAILED if status == OrderStatus.FAILED else PaymentState.CANCELED
    Payment.objects.filter(order=order, state__in=[PaymentState.CREATED, PaymentState.PENDING]).update(
        state=payment_state, updated_at=timezone.now()
    )


def fail_order(order):
    """The checkout ended without payment. Only a pending order changes."""
    with transaction.atomic():
        order = _lock_order(order)
        if order.status == OrderStatus.PENDING:
            _close(order, OrderStatus.FAILED)
    return order


def offers_for_course(course):
    """Offers on sale that open ``course``: its own, its track's pass, bundles holding it."""
    scope = Q(kind=OfferKind.COURSE, course__translation_key=course.translation_key) | Q(
        kind=OfferKind.BUNDLE, courses__translation_key=course.translation_key
    )
    track = course.track
    if track is not None:
        scope |= Q(kind=OfferKind.TRACK_PASS, track__translation_key=track.translation_key)
    return Offer.objects.available().filter(scope).distinct().prefetch_related("prices")
