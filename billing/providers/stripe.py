"""Stripe: hosted Checkout for payment, signed webhooks for the truth.

Talks to Stripe only through the official SDK's ``StripeClient``; ``STRIPE_API_BASE``
lets the tests point it at a local HTTP stub of the API.
"""

import json
import logging
import time
from datetime import UTC, datetime

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from .base import CheckoutSession, EventKind, PaymentProvider, ProviderError, ProviderEvent, WebhookError

logger = logging.getLogger(__name__)

# Stripe's names for what we handle; every other type is acknowledged and ignored.
EVENT_KINDS = {
    "checkout.session.completed": EventKind.CHECKOUT_COMPLETED,
    "checkout.session.async_payment_succeeded": EventKind.CHECKOUT_COMPLETED,
    "checkout.session.async_payment_failed": EventKind.CHECKOUT_FAILED,
    "checkout.session.expired": EventKind.CHECKOUT_FAILED,
    "invoice.paid": EventKind.INVOICE_PAID,
    "charge.refunded": EventKind.PAYMENT_REFUNDED,
    "customer.subscription.updated": EventKind.SUBSCRIPTION_UPDATED,
    "customer.subscription.deleted": EventKind.SUBSCRIPTION_ENDED,
}


def _timestamp(value):
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def _id(value):
    """An expandable field: an id, or the expanded object with its id."""
    if isinstance(value, dict):
        return value.get("id", "")
    return value or ""


class StripeProvider(PaymentProvider):
    label = "Stripe"

    def __init__(self, name):
        super().__init__(name)
        if not settings.STRIPE_SECRET_KEY:
            raise ProviderError(_("Card payments are not configured on this site."))
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": settings.STRIPE_API_BASE},
            max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        )

    def _call(self, action, *args, **kwargs):
        try:
            return action(*args, **kwargs)
        except stripe.StripeError as error:
            logger.warning("Stripe refused a request: %s", error)
            raise ProviderError(
                _("The payment service could not complete the request. Nothing was charged; please try again.")
            ) from error

    # --- Checkout ----------------------------------------------------------------------

    def start_checkout(self, order, *, success_url, cancel_url):
        lines = list(order.lines.select_related("offer"))
        subscription = any(line.offer.is_subscription for line in lines)
        reference = str(order.reference)
        line_items = []
        for line in lines:
            price_data = {
                "currency": order.currency.lower(),
                "unit_amount": line.amount_minor,
                "product_data": {"name": line.description},
            }
            if line.offer.is_subscription:
                # The annual pass renews every year at the full price.
                price_data["recurring"] = {"interval": "year"}
            line_items.append({"quantity": 1, "price_data": price_data})
        params = {
            "mode": "subscription" if subscription else "payment",
            "client_reference_id": reference,
            "metadata": {"order": reference},
            "line_items": line_items,
            "success_url": success_url,
            "cancel_url": cancel_url,
            # The session (and the coupon seat it holds) lapses when the buyer walks away.
            "expires_at": int(time.time()) + settings.BILLING_CHECKOUT_MINUTES * 60,
        }
        if order.buyer_email:
            params["customer_email"] = order.buyer_email
        # The order reference travels on the payment and the subscription too, so a refund
        # or a renewal can be matched even when it arrives before checkout.session.completed.
        if subscription:
            params["subscription_data"] = {"metadata": {"order": reference}}
        else:
            params["payment_intent_data"] = {"metadata": {"order": reference}}
        if order.discount_minor:
            # The discount is applied on Stripe's side with a single-use Stripe coupon holding
            # exactly the amount we computed, rather than a lower price_data amount: Stripe then
            # shows the coupon on its page and receipt, our total and Stripe's agree to the
            # cent (no second rounding of a percentage), and for the annual pass the discount
            # (duration "once") applies to the first year only while renewals charge the full
            # price. Our own Coupon row stays the authority on validity and limits.
            coupon = self._call(
                self.client.v1.coupons.create,
                params={
                    "amount_off": order.discount_minor,
                    "currency": order.currency.lower(),
                    "duration": "once",
                    "max_redemptions": 1,
                    "name": order.coupon.code if order.coupon_id else _("Discount"),
                    "metadata": {"order": reference},
                },
                options={"idempotency_key": f"coupon-{reference}"},
            )
            params["discounts"] = [{"coupon": coupon.id}]
        session = self._call(
            self.client.v1.checkout.sessions.create,
            params=params,
            options={"idempotency_key": f"checkout-{reference}"},
        )
        return CheckoutSession(reference=session.id, url=session.url)

    def resume_checkout(self, order):
        if not order.provider_reference:
            return None
        try:
            session = self.client.v1.checkout.sessions.retrieve(order.provider_reference).to_dict()
        except stripe.StripeError:
            return None
        return session.get("url") if session.get("status") == "open" else None

    # --- Webhooks ----------------------------------------------------------------------

    def parse_webhook(self, request):
        body = request.body
        try:
            self.client.construct_event(body, request.headers.get("Stripe-Signature"), settings.STRIPE_WEBHOOK_SECRET)
        except (ValueError, AttributeError, TypeError, stripe.SignatureVerificationError) as error:
            # AttributeError/TypeError: a correctly signed body that is JSON but no object.
            raise WebhookError(str(error)) from error
        payload = json.loads(body)
        if not isinstance(payload, dict):
            raise WebhookError("The webhook body is not an event object.")
        try:
            return self.normalise(payload)
        except (AttributeError, TypeError, ValueError) as error:  # a signed body of an unexpected shape
            raise WebhookError(f"Malformed event: {error}") from error

    def normalise(self, payload):
        event_type = payload.get("type", "")
        obj = (payload.get("data") or {}).get("object") or {}
        kind = EVENT_KINDS.get(event_type)
        fields = {}
        if event_type == "checkout.session.completed" and obj.get("payment_status") == "unpaid":
            # Delayed payment methods: the money is not there yet; async_payment_succeeded follows.
            kind = None
        if event_type.startswith("checkout.session."):
            fields = {
                "order_reference": obj.get("client_reference_id") or (obj.get("metadata") or {}).get("order", ""),
                "checkout_reference": obj.get("id", ""),
                "charge_reference": _id(obj.get("payment_intent")),
                "subscription_reference": _id(obj.get("subscription")),
                "invoice_reference": _id(obj.get("invoice")),
                "amount_minor": obj.get("amount_total"),
                "currency": (obj.get("currency") or "").upper(),
            }
        elif event_type == "invoice.paid":
            details = (obj.get("parent") or {}).get("subscription_details") or {}
            periods = [line.get("period", {}).get("end") for line in (obj.get("lines") or {}).get("data", [])]
            payments = (obj.get("payments") or {}).get("data") or []
            payment_intent = _id((payments[0].get("payment") or {}).get("payment_intent")) if payments else ""
            fields = {
                "order_reference": (details.get("metadata") or {}).get("order", ""),
                "subscription_reference": _id(details.get("subscription") or obj.get("subscription")),
                "invoice_reference": obj.get("id", ""),
                # Without the payment intent, a refund looks it up from the invoice.
                "charge_reference": payment_intent or obj.get("id", ""),
                "billing_reason": obj.get("billing_reason") or "",
                "period_end": _timestamp(max((end for end in periods if end), default=None)),
                "amount_minor": obj.get("amount_paid"),
                "currency": (obj.get("currency") or "").upper(),
            }
        elif event_type == "charge.refunded":
            refunds = (obj.get("refunds") or {}).get("data") or []
            fields = {
                "order_reference": (obj.get("metadata") or {}).get("order", ""),
                "charge_reference": _id(obj.get("payment_intent")) or obj.get("id", ""),
                "amount_minor": obj.get("amount"),
                "amount_refunded_minor": obj.get("amount_refunded"),
                "fully_refunded": bool(obj.get("refunded")),
                "refund_reference": refunds[0].get("id", "") if refunds else "",
                "currency": (obj.get("currency") or "").upper(),
            }
        elif event_type.startswith("customer.subscription."):
            items = (obj.get("items") or {}).get("data") or []
            ends = [item.get("current_period_end") for item in items if item.get("current_period_end")]
            fields = {
                "order_reference": (obj.get("metadata") or {}).get("order", ""),
                "subscription_reference": obj.get("id", ""),
                "cancel_at_period_end": bool(obj.get("cancel_at_period_end")),
                "period_end": _timestamp(max(ends, default=None) or obj.get("current_period_end")),
            }
        return ProviderEvent(
            provider=self.name,
            event_id=payload.get("id", ""),
            event_type=event_type,
            kind=kind,
            payload=payload,
            **fields,
        )

    # --- After the payment -------------------------------------------------------------

    def refund(self, payment, amount_minor):
        target = payment.provider_charge
        if target.startswith("in_"):
            # A subscription's first invoice: refund the payment intent that paid it.
            invoice = self._call(self.client.v1.invoices.retrieve, target, params={"expand": ["payments"]}).to_dict()
            payments = (invoice.get("payments") or {}).get("data") or []
            target = _id(payments[0]["payment"].get("payment_intent")) if payments else ""
        if not target:
            raise ProviderError(_("This payment has no charge at Stripe to refund."))
        params = {"amount": amount_minor, "metadata": {"order": str(payment.order.reference)}}
        params["charge" if target.startswith("ch_") else "payment_intent"] = target
        refund = self._call(
            self.client.v1.refunds.create,
            params=params,
            options={"idempotency_key": f"refund-{payment.pk}-{amount_minor}"},
        )
        return refund.id

    def cancel_subscription(self, subscription, *, at_period_end=True):
        if at_period_end:
            self._call(
                self.client.v1.subscriptions.update,
                subscription.provider_reference,
                params={"cancel_at_period_end": True},
            )
        else:
            self._call(self.client.v1.subscriptions.cancel, subscription.provider_reference)
