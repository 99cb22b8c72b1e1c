"""Provider events, processed at most once each, in whatever order they arrive.

``handle_event`` writes the event to the WebhookEvent ledger first, in the same
transaction as its effects: the unique (provider, event_id) constraint turns a replay
into a no-op, and two simultaneous deliveries of one event wait on each other at that
row, the second then seeing a duplicate. The handlers lock the rows they change and
converge: an order ends up paid once, with one payment attempt and one set of
entitlements, however the events are shuffled or repeated.
"""

import logging
import uuid

from django.db import IntegrityError, transaction

from ..models import Order, OrderStatus, Payment, Subscription, WebhookEvent
from ..providers import EventKind
from . import checkout, refunds, subscriptions

logger = logging.getLogger(__name__)

PROCESSED, DUPLICATE, IGNORED = "processed", "duplicate", "ignored"


def _order_for(event):
    """The order an event is about: by our reference in its metadata, else by the provider's ids."""
    orders = Order.objects.filter(provider=event.provider)
    try:
        reference = uuid.UUID(event.order_reference) if event.order_reference else None
    except ValueError:
        reference = None
    if reference is not None:
        order = orders.filter(reference=reference).first()
        if order is not None:
            return order
    if event.checkout_reference:
        order = orders.filter(provider_reference=event.checkout_reference).first()
        if order is not None:
            return order
    if event.subscription_reference:
        subscription = Subscription.objects.filter(
            provider=event.provider, provider_reference=event.subscription_reference
        ).first()
        if subscription is not None:
            return subscription.order
    return None


def _subscription_for(event):
    subscription = Subscription.objects.filter(
        provider=event.provider, provider_reference=event.subscription_reference
    ).first()
    if subscription is None:
        order = _order_for(event)
        if order is not None:
            with transaction.atomic():
                subscription = checkout.subscription_for(order, event.subscription_reference)
    return subscription


def _unmatched(event):
    logger.warning("%s event %s (%s) matches no order; acknowledged.", event.provider, event.event_id, event.event_type)


def _fulfil(order, event):
    checkout.fulfil_order(
        order,
        charge_reference=event.charge_reference,
        subscription_reference=event.subscription_reference,
        period_end=event.period_end,
    )


def on_checkout_completed(event):
    order = _order_for(event)
    if order is None:
        return _unmatched(event)
    _fulfil(order, event)


def on_checkout_failed(event):
    order = _order_for(event)
    if order is None:
        return _unmatched(event)
    checkout.fail_order(order)


def on_invoice_paid(event):
    order = _order_for(event)
    if order is None:
        return _unmatched(event)
    order_is_open = order.status not in (OrderStatus.PAID, OrderStatus.REFUNDED)
    if event.billing_reason == "subscription_create" or order_is_open:
        # The first year's invoice is the checkout's own payment, whichever event comes first.
        _fulfil(order, event)
        return
    subscription = _subscription_for(event)
    if subscription is None:
        return _unmatched(event)
    subscriptions.record_renewal(
        subscription,
        invoice_reference=event.invoice_reference,
        charge_reference=event.charge_reference,
        amount_minor=event.amount_minor,
        currency=event.currency,
        period_end=event.period_end,
    )


def on_payment_refunded(event):
    payment = None
    if event.charge_reference:
        payment = Payment.objects.filter(provider=event.provider, provider_charge=event.charge_reference).first()
    if payment is None:
        order = _order_for(event)
        if order is not None:
            # Refunded before checkout.session.completed told us the payment intent.
            with transaction.atomic():
                payment = checkout.payment_attempt(Order.objects.select_for_update().get(pk=order.pk))
                if event.charge_reference and not payment.provider_charge:
                    payment.provider_charge = event.charge_reference
                    payment.save(update_fields=["provider_charge"])
    if payment is None:
        return _unmatched(event)
    refunds.record_refund(
        payment,
        amount_refunded_minor=event.amount_refunded_minor,
        refund_reference=event.refund_reference,
        fully_refunded=event.fully_refunded,
    )


def on_subscription_updated(event):
    subscription = _subscription_for(event)
    if subscription is None:
        return _unmatched(event)
    subscriptions.update_from_provider(
        subscription, cancel_at_period_end=event.cancel_at_period_end, period_end=event.period_end
    )


def on_subscription_ended(event):
    subscription = _subscription_for(event)
    if subscription is None:
        return _unmatched(event)
    subscriptions.end_subscription(subscription)


HANDLERS = {
    EventKind.CHECKOUT_COMPLETED: on_checkout_completed,
    EventKind.CHECKOUT_FAILED: on_checkout_failed,
    EventKind.INVOICE_PAID: on_invoice_paid,
    EventKind.PAYMENT_REFUNDED: on_payment_refunded,
    EventKind.SUBSCRIPTION_UPDATED: on_subscription_updated,
    EventKind.SUBSCRIPTION_ENDED: on_subscription_ended,
}


def handle_event(event):
    """Apply a verified ``ProviderEvent`` once; returns "processed", "duplicate" or "ignored"."""
    handler = HANDLERS.get(event.kind)
    if handler is None:
        return IGNORED
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(
                    provider=event.provider,
                    event_id=event.event_id,
                    event_type=event.event_type,
                    payload=event.payload,
                )
        except IntegrityError:
            return DUPLICATE
        handler(event)
    return PROCESSED
