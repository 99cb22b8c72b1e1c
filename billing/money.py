"""Money is an integer count of the currency's minor unit (cents, won) with its ISO code.

Never floats. Babel knows each currency's minor-unit exponent and how each locale writes
an amount, so neither is hard-coded here.
"""

from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    USD = "USD", _("US dollar")
    KRW = "KRW", _("Korean won")
    EUR = "EUR", _("Euro")


def to_decimal(amount_minor, currency):
    """12345 USD -> Decimal('123.45'); 50000 KRW -> Decimal('50000')."""
    return Decimal(amount_minor).scaleb(-get_currency_precision(currency))


def format_money(amount_minor, currency, locale=None):
    """The amount as a reader of ``locale`` (default: the active language) writes it."""
    locale = (locale or translation.get_language() or "en").replace("-", "_")
    try:
        return format_currency(to_decimal(amount_minor, currency), currency, locale=locale)
    except ValueError:  # a language code babel does not know
        return format_currency(to_decimal(amount_minor, currency), currency, locale="en")
