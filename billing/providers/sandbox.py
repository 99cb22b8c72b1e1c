"""A local stand-in for Stripe, so the site takes (pretend) payments with no key and no network.

Its checkout page (``/billing/sandbox/checkout/<session>/``) says TEST MODE and offers
"Pay" and "Decline". Either button makes the same kind of event Stripe's webhook would
and hands it to ``billing.services.webhooks.handle_event``: orders, payments and
entitlements go through exactly the code real payments use, and each event is written
to the WebhookEvent ledger under its own id.
"""

import secrets
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from .base import CheckoutSession, EventKind, PaymentProvider, ProviderEvent, WebhookError

DEFAULT_PASS_DAYS = 365


def _token(prefix):
    return f"{prefix}_{secrets.token_hex(12)}"


class SandboxProvider(PaymentProvider):
    label = "Sandbox (test mode)"

    def start_checkout(self, order, *, success_url, cancel_url):
        reference = _token("sbx_cs")
        return CheckoutSession(reference=reference, url=self.checkout_url(reference))

    def checkout_url(self, reference):
        return reverse("billing:sandbox_checkout", args=[reference])

    def resume_checkout(self, order):
        return self.checkout_url(order.provider_reference) if order.provider_reference else None

    def parse_webhook(self, request):
        # The sandbox never calls over HTTP: its page hands events to handle_event directly.
        raise WebhookError("The sandbox provider receives no webhooks.")

    def refund(self, payment, amount_minor):
        return _token("sbx_re")

    def cancel_subscription(self, subscription, *, at_period_end=True):
        return None  # nothing renews in the sandbox: access simply ends at the period end

    # --- The TEST MODE page's two buttons ----------------------------------------------

    def paid_event(self, order):
        lines = list(order.lines.select_related("offer"))
        pass_line = next((line for line in lines if line.offer.is_subscription), None)
        fields = {}
        if pass_line is not None:
            days = pass_line.offer.access_days or DEFAULT_PASS_DAYS
            fields = {
                "subscription_reference": f"sbx_sub_{order.reference.hex}",
                "period_end": timezone.now() + timedelta(days=days),
            }
        return self._event(
            order,
            "checkout.session.completed",
            EventKind.CHECKOUT_COMPLETED,
            charge_reference=f"sbx_pi_{order.reference.hex}",
            amount_minor=order.total_minor,
            currency=order.currency,
            **fields,
        )

    def declined_event(self, order):
        return self._event(order, "checkout.session.declined", EventKind.CHECKOUT_FAILED)

    def _event(self, order, event_type, kind, **fields):
        event_id = _token("sbx_evt")
        payload = {
            "id": event_id,
            "type": event_type,
            "order": str(order.reference),
            "session": order.provider_reference,
        }
        return ProviderEvent(
            provider=self.name,
            event_id=event_id,
            event_type=event_type,
            kind=kind,
            payload=payload,
            order_reference=str(order.reference),
            checkout_reference=order.provider_reference,
            **fields,
        )
