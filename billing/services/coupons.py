"""Coupons: who may use which code, what it takes off, and how the redemption limit holds.

The limit counts paid orders (``Coupon.times_redeemed``, raised when an order is paid) plus
the pending orders that hold the code right now. Starting a checkout therefore *reserves*
a redemption: with a limit of 1, a second buyer is turned away while the first is on the
payment page. The reservation is released when that order fails, is cancelled or its
checkout lapses (``BILLING_CHECKOUT_MINUTES``, the same lifetime the Stripe session gets).
Both the check and the count happen on the locked coupon row, so two buyers racing for
the last redemption cannot both get it.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import BillingError
from ..models import Coupon, DiscountKind, OrderStatus


class CouponError(BillingError):
    pass


def normalise_code(code):
    return (code or "").strip().upper()


def find_coupon(code, *, lock=False):
    """The coupon with this code (any case), or CouponError."""
    queryset = Coupon.objects.select_for_update() if lock else Coupon.objects
    # A NUL byte cannot be in any code, and PostgreSQL refuses it even in a lookup.
    coupon = None if "\x00" in (code or "") else queryset.filter(code=normalise_code(code)).first()
    if coupon is None or not coupon.is_active:
        raise CouponError(
            _("The coupon code “%(code)s” is not valid.") % {"code": normalise_code(code).replace("\x00", "")}
        )
    return coupon


def check_applies(coupon, offer, currency, *, at=None):
    """Raise CouponError with the reason a buyer would want when the coupon cannot be used here."""
    at = at or timezone.now()
    if coupon.valid_from and at < coupon.valid_from:
        raise CouponError(
            _("The coupon “%(code)s” can be used from %(date)s.")
            % {"code": coupon.code, "date": timezone.localtime(coupon.valid_from).date().isoformat()}
        )
    if coupon.valid_until and at > coupon.valid_until:
        raise CouponError(_("The coupon “%(code)s” has expired.") % {"code": coupon.code})
    if coupon.offer_id and coupon.offer_id != offer.pk:
        raise CouponError(
            _("The coupon “%(code)s” is for “%(offer)s” only.") % {"code": coupon.code, "offer": coupon.offer.title}
        )
    if coupon.kind == DiscountKind.FIXED and coupon.currency != currency:
        raise CouponError(
            _("The coupon “%(code)s” applies to payments in %(currency)s.")
            % {"code": coupon.code, "currency": coupon.currency}
        )


def holding_orders(coupon, *, at=None):
    """Pending orders whose checkout is still open: each holds one redemption."""
    at = at or timezone.now()
    since = at - timedelta(minutes=settings.BILLING_CHECKOUT_MINUTES)
    return coupon.orders.filter(status=OrderStatus.PENDING, created_at__gte=since)


def reserve(coupon, offer, currency):
    """Check that ``coupon`` may be used for one more order; call inside the checkout's transaction.

    The caller creates the pending order in the same transaction, which is what holds the
    reservation; the lock on the coupon row makes the check-then-create atomic.
    """
    coupon = Coupon.objects.select_for_update().get(pk=coupon.pk)
    check_applies(coupon, offer, currency)
    if coupon.max_redemptions is not None:
        taken = coupon.times_redeemed + holding_orders(coupon).count()
        if taken >= coupon.max_redemptions:
            raise CouponError(
                _("The coupon “%(code)s” has been used as many times as it allows.") % {"code": coupon.code}
            )
    return coupon


def discount_for(coupon, subtotal_minor):
    """The amount off, in minor units, never more than the subtotal."""
    if coupon is None:
        return 0
    if coupon.kind == DiscountKind.PERCENT:
        off = (Decimal(subtotal_minor) * coupon.percent_off / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return min(int(off), subtotal_minor)
    return min(coupon.amount_off_minor, subtotal_minor)


def redeem(coupon):
    """Count one redemption (the order is paid). Runs inside the caller's transaction."""
    coupon = Coupon.objects.select_for_update().get(pk=coupon.pk)
    coupon.times_redeemed += 1
    coupon.save(update_fields=["times_redeemed"])
    return coupon
