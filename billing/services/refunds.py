"""Refunds: money back through the provider, and access ends with it.

Progress and certificates are never touched: only the order's entitlements end.
"""

import logging

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import BillingError
from ..models import Order, OrderStatus, Payment, PaymentState, Refund, Subscription, SubscriptionStatus
from ..providers import get_provider
from . import entitlements

logger = logging.getLogger(__name__)


def _refunded_so_far(payment):
    return payment.refunds.aggregate(total=Sum("amount_minor"))["total"] or 0


def _subscriptions_of(order):
    """The pass the order started, or (for a renewal order) the pass it renewed, if still running."""
    # No join (the renewed pass is the order's own column): PostgreSQL locks no outer join.
    return Subscription.objects.filter(Q(order=order) | Q(pk=order.renews_id)).exclude(status=SubscriptionStatus.ENDED)


def _end_order(order, reason):
    """Mark the order refunded and end what it granted (and its subscription, here)."""
    now = timezone.now()
    order.status = OrderStatus.REFUNDED
    order.refunded_at = order.refunded_at or now
    order.save(update_fields=["status", "refunded_at"])
    entitlements.end(order.entitlements.all(), reason=reason or _("Refunded"), at=now)
    if order.receipt_number:
        # The downloadable receipt says "Refunded" from now on (the same number; no e-mail).
        from ..tasks import render_receipt

        transaction.on_commit(lambda: render_receipt.delay(order.pk))
    for subscription in _subscriptions_of(order).select_for_update():
        subscription.status = SubscriptionStatus.ENDED
        subscription.ended_at = now
        subscription.save(update_fields=["status", "ended_at"])
        entitlements.end(subscription.entitlements.all(), reason=reason or _("Refunded"), at=now)


def refund_order(order, *, actor, reason):
    """Refund a paid order in full through its provider (admin action).

    For a track pass with renewals, the latest year's payment is refunded and the
    subscription at the provider ends at once. Refunding twice says so and changes nothing.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status == OrderStatus.REFUNDED:
            raise BillingError(_("This order has already been refunded."))
        if order.status != OrderStatus.PAID:
            raise BillingError(
                _("Only a paid order can be refunded; this one is “%(status)s”.")
                % {"status": order.get_status_display()}
            )
        payment = (
            Payment.objects.select_for_update()
            .filter(order=order, state=PaymentState.SUCCEEDED)
            .order_by("-created_at")
            .first()
        )
        if payment is None:
            raise BillingError(_("This order has no successful payment to refund."))
        amount = payment.amount_minor - _refunded_so_far(payment)
        if amount > 0:
            refund_reference = get_provider(payment.provider).refund(payment, amount)
        else:
            refund_reference = f"free_re_{order.reference.hex}"  # nothing was charged
        Refund.objects.create(
            payment=payment,
            provider_reference=refund_reference,
            amount_minor=max(amount, 0),
            reason=reason[:300],
            requested_by=actor,
        )
        payment.state = PaymentState.REFUNDED
        payment.save(update_fields=["state", "updated_at"])
        for subscription in _subscriptions_of(order):
            get_provider(subscription.provider).cancel_subscription(subscription, at_period_end=False)
        _end_order(order, reason)
    return order


def record_refund(payment, *, amount_refunded_minor, refund_reference="", fully_refunded):
    """The provider reports money returned on ``payment`` (our own refund or one from its dashboard).

    ``amount_refunded_minor`` is the payment's total refunded so far, so a replay or an
    event for a refund we already recorded adds nothing.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("order").get(pk=payment.pk)
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        missing = (amount_refunded_minor or 0) - _refunded_so_far(payment)
        if missing > 0:
            reference = refund_reference or f"{payment.provider_charge}:{amount_refunded_minor}"
            Refund.objects.get_or_create(
                payment=payment,
                provider_reference=reference,
                defaults={"amount_minor": missing, "reason": _("Refunded at the payment provider")},
            )
        if fully_refunded:
            if payment.state != PaymentState.REFUNDED:
                payment.state = PaymentState.REFUNDED
                payment.save(update_fields=["state", "updated_at"])
            if order.status != OrderStatus.REFUNDED:
                _end_order(order, _("Refunded at the payment provider"))
    return payment
