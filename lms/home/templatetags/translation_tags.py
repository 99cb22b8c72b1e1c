"""The notice shown when a page is not (yet) translated into the reader's language."""

from django import template
from django.conf import settings
from django.utils import translation
from wagtail.models import Page

register = template.Library()


@register.inclusion_tag("includes/translation_notice.html")
def translation_notice(page):
    """Falls back to English with a notice: an alias repeats another locale's text, and a page
    with no translation at all is served from the English tree."""
    if not isinstance(page, Page) or not settings.WAGTAIL_I18N_ENABLED:
        return {"show": False}
    active = translation.get_language()
    source = page.alias_of if page.alias_of_id else page
    content_language = source.locale.language_code
    if content_language == active:
        return {"show": False}
    return {
        "show": True,
        "wanted": _language_name(active),
        "shown_in": _language_name(content_language),
        "content_language": content_language,
    }


def _language_name(code):
    """The language's name in the reader's language: "Английский" in Russian, "الإنجليزيّة" in Arabic."""
    try:
        return translation.get_language_info(code)["name_translated"]
    except KeyError:
        return code
