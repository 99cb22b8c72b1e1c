"""The small interface every payment provider implements, and the normalised event it hands
to ``billing.services.webhooks.handle_event``.

The services never see a provider's own vocabulary: a provider turns its webhook (or, for
the sandbox, its own test page) into a ``ProviderEvent`` with one of the ``EventKind``
values, and the services decide what that means for orders, payments and entitlements.
"""

import enum
from dataclasses import dataclass, field
from datetime import datetime


class ProviderError(Exception):
    """The provider refused or could not be reached; the message is for the person who asked."""


class WebhookError(Exception):
    """A webhook we must not trust (bad signature, unreadable body)."""


class EventKind(enum.StrEnum):
    # The buyer paid at checkout (one-off payment, or the first period of a subscription).
    CHECKOUT_COMPLETED = "checkout.completed"
    # The checkout ended without payment (declined, expired, asynchronous payment failed).
    CHECKOUT_FAILED = "checkout.failed"
    # An invoice of a subscription was paid: the first period or a renewal.
    INVOICE_PAID = "invoice.paid"
    # Money went back to the buyer (from our admin or from the provider's dashboard).
    PAYMENT_REFUNDED = "payment.refunded"
    # The subscription changed (cancel at period end switched on or off, period moved).
    SUBSCRIPTION_UPDATED = "subscription.updated"
    # The subscription is over: no more renewals, access ends.
    SUBSCRIPTION_ENDED = "subscription.ended"


@dataclass(frozen=True)
class ProviderEvent:
    """What happened at the provider, in our words. Fields a kind does not need stay empty."""

    provider: str
    event_id: str
    event_type: str  # the provider's own name for it, kept in the ledger
    kind: EventKind | None  # None: a type we do not handle (acknowledged, ignored)
    payload: dict = field(default_factory=dict, repr=False)
    order_reference: str = ""  # our Order.reference, carried in the provider's metadata
    checkout_reference: str = ""  # checkout session id
    charge_reference: str = ""  # payment intent (or charge) a refund must name
    invoice_reference: str = ""
    subscription_reference: str = ""
    billing_reason: str = ""  # for invoices: "subscription_create" (first) or a renewal
    period_end: datetime | None = None
    cancel_at_period_end: bool = False
    amount_minor: int | None = None
    amount_refunded_minor: int | None = None
    fully_refunded: bool = False
    refund_reference: str = ""
    currency: str = ""


@dataclass(frozen=True)
class CheckoutSession:
    reference: str  # kept on the order and its payment attempt
    url: str  # where the buyer's browser goes to pay


class PaymentProvider:
    """Subclasses implement these; ``name`` is the key in ``settings.BILLING_PROVIDERS``."""

    # Shown to staff and trainees ("Stripe", "Sandbox (test mode)").
    label = ""

    def __init__(self, name):
        self.name = name

    def start_checkout(self, order, *, success_url, cancel_url):
        """Open a hosted checkout for ``order`` and return a ``CheckoutSession``."""
        raise NotImplementedError

    def resume_checkout(self, order):
        """The URL of ``order``'s checkout if the buyer can still pay there, else None."""
        raise NotImplementedError

    def parse_webhook(self, request):
        """Verify and read a webhook request: a ``ProviderEvent``, or raise ``WebhookError``."""
        raise NotImplementedError

    def refund(self, payment, amount_minor):
        """Give ``amount_minor`` of ``payment`` back; returns the provider's refund id."""
        raise NotImplementedError

    def cancel_subscription(self, subscription, *, at_period_end=True):
        """Stop renewals (at period end) or end the subscription now."""
        raise NotImplementedError
