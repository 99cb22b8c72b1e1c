from django import template

register = template.Library()


@register.filter
def plain(rich_text):
    """Rich text as plain text for the text part of an e-mail."""
    from ..newsletter import text_of

    return text_of(rich_text)
