from django import template

from ..money import format_money

register = template.Library()


@register.simple_tag
def money(amount_minor, currency):
    """{% money 4900 "USD" %} -> $49.00, written the way the active language writes it."""
    return format_money(amount_minor, currency)
