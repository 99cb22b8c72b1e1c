"""Russian and Arabic page trees for the demo.

Every page gets an alias in each non-default locale (as the admin does with
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE): an alias shows the English text, with a
notice, until it is translated. The pages listed in seeds/data/translations.json are
turned into real translations: the home page and catalog in both languages, the
echocardiography course (with its track and lessons) in Russian and the rare-diseases
course in Arabic.

Idempotent: aliases are made only where a page has no translation yet, and a
translation is re-published only when its fields differ from the data file.
"""

from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.fields import StreamField
from wagtail.models import Locale, Page

from courses.factories import get_home_page
from seeds import datafiles


def seed_translations(log=lambda message: None):
    """Sync the locale trees and apply the translated texts; returns how many pages changed."""
    data = datafiles.load("translations")
    home = get_home_page()
    changed = 0
    for code, pages in data.items():
        if code.startswith("_"):
            continue
        locale, _created = Locale.objects.get_or_create(language_code=code)
        changed += _sync_aliases(home, locale)
        for path, fields in pages.items():
            original = _page_at(home, path)
            if original is None:
                log(f"translations.json: no page at {path!r}, skipped")
                continue
            if _translate(original, locale, fields):
                changed += 1
                log(f"Translated {path or 'home'} into {code}")
    return changed


def _sync_aliases(home, locale):
    created = 0
    # Parents come first in path order, so each alias finds its translated parent.
    for page in (
        Page.objects.descendant_of(home, inclusive=True).filter(locale=home.locale).order_by("path")
    ):
        if not page.has_translation(locale):
            page.specific.copy_for_translation(locale, copy_parents=True, alias=True)
            created += 1
    return created


def _page_at(home, path):
    page = home
    for slug in [part for part in path.split("/") if part]:
        page = page.get_children().filter(slug=slug).first()
        if page is None:
            return None
    return page.specific


def _translate(original, locale, fields):
    page = original.get_translation(locale)
    if page.alias_of_id:
        ConvertAliasPageAction(page, log_action=None).execute(skip_permission_checks=True)
        page = type(original).objects.get(pk=page.pk)
    different = False
    for name, value in fields.items():
        field = page._meta.get_field(name)
        if isinstance(field, StreamField):
            current = [block.value for block in getattr(page, name)]
            if current != value:
                setattr(page, name, [("outcome", item) for item in value])
                different = True
        elif getattr(page, name) != value:
            setattr(page, name, value)
            different = True
    if different:
        page.save_revision().publish()
    return different
