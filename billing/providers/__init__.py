"""Payment providers behind one interface (``base.PaymentProvider``).

``settings.BILLING_PROVIDERS`` maps a provider's name to its class (dotted path) and
``settings.BILLING_PROVIDER`` names the one new checkouts use. Orders, payments and
subscriptions remember their provider's name, so a refund or a cancellation goes back to
the provider that took the money even after the active one changed.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import CheckoutSession, EventKind, PaymentProvider, ProviderError, ProviderEvent, WebhookError

__all__ = [
    "CheckoutSession",
    "EventKind",
    "PaymentProvider",
    "ProviderError",
    "ProviderEvent",
    "WebhookError",
    "active_provider",
    "get_provider",
]


def get_provider(name):
    """The provider called ``name``; raises ``LookupError`` for a name settings do not list."""
    try:
        path = settings.BILLING_PROVIDERS[name]
    except KeyError:
        raise LookupError(name) from None
    return import_string(path)(name)


def active_provider():
    return get_provider(settings.BILLING_PROVIDER)
