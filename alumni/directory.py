"""The alumni directory: opt-in cards, each item shown only when its owner ticks it.

Every page and the JSON search build what others see through ``card()``: a hidden item is
never read into the page, so it cannot leak through a template or an API.
"""

import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from lms.accounts.models import Specialty

from .exceptions import AlumniError
from .models import ContactMessage, DirectoryEntry, DirectoryLanguage, language_name

PHOTO_MAX_BYTES = 3 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_SIZE = 480  # pixels, the longer side once stored


def entry_of(membership):
    """The alumnus's directory entry, created hidden on first use."""
    entry, _created = DirectoryEntry.objects.get_or_create(membership=membership)
    return entry


def _with_people(queryset):
    return queryset.select_related("membership__user__profile", "membership__chapter").prefetch_related(
        Prefetch("languages", queryset=DirectoryLanguage.objects.order_by("language"))
    )


def listed_entries():
    """Entries of alumni who opted in (active accounts only)."""
    return _with_people(DirectoryEntry.objects.filter(listed=True, membership__user__is_active=True)).order_by(
        "membership__user__profile__name_latin", "pk"
    )


def search(*, country="", specialty="", language="", query=""):
    """Listed entries matching the filters. A filter only matches what its owner shows:
    filtering by a hidden country would otherwise reveal it."""
    entries = listed_entries()
    if country:
        entries = entries.filter(show_country=True, membership__user__profile__country=country)
    if specialty:
        entries = entries.filter(show_specialty=True, membership__user__profile__specialty=specialty)
    if language:
        entries = entries.filter(show_languages=True, languages__language=language)
    if query:
        from django.db.models import Q

        entries = entries.filter(
            Q(membership__user__profile__name_latin__icontains=query)
            | Q(membership__user__profile__name_native__icontains=query)
        )
    return entries.distinct()


def visible_entry(pk, viewer):
    """The entry another alumnus may open: listed ones; your own always (to preview it)."""
    entry = _with_people(DirectoryEntry.objects.filter(pk=pk, membership__user__is_active=True)).first()
    if entry is None or not (entry.listed or entry.membership.user_id == viewer.pk):
        return None
    return entry


def can_contact(entry, sender):
    return entry.listed and entry.accepts_messages and entry.membership.user_id != sender.pk


def card(entry):
    """What others see of an entry: the name and cohort, and only the ticked items."""
    user = entry.membership.user
    profile = getattr(user, "profile", None)
    data = {
        "id": entry.pk,
        "name": user.display_name,
        "name_native": profile.name_native if profile else "",
        "cohort_year": entry.membership.cohort_year,
        "url": reverse("alumni:entry", args=[entry.pk]),
        "contact_url": reverse("alumni:contact", args=[entry.pk]) if entry.accepts_messages else "",
    }
    if entry.show_institution and profile and profile.institution:
        data["institution"] = profile.institution
    if entry.show_specialty and profile and profile.specialty:
        data["specialty"] = str(Specialty(profile.specialty).label)
    if entry.show_country and profile and profile.country:
        data["country"] = str(profile.country.name)
        data["country_code"] = profile.country.code
        if entry.membership.chapter:
            data["chapter"] = entry.membership.chapter.name
            data["chapter_url"] = reverse("alumni:chapter", args=[entry.membership.chapter.slug])
    if entry.show_city and entry.city:
        data["city"] = entry.city
    if entry.show_languages:
        languages = [str(language) for language in entry.languages.all()]
        if languages:
            data["languages"] = languages
    if entry.show_bio and entry.bio:
        data["bio"] = entry.bio
    if entry.show_photo and entry.photo:
        data["photo_url"] = reverse("alumni:photo", args=[entry.pk]) + f"?v={int(entry.updated_at.timestamp())}"
    return data


def normalise_photo(uploaded):
    """A stored photo: JPEG, at most PHOTO_SIZE px, turned upright, without EXIF (no GPS leaks).

    Raises AlumniError with a message for the uploader when the file is not a usable image.
    """
    if uploaded.size > PHOTO_MAX_BYTES:
        raise AlumniError(_("The photo is too large: upload a file under 3 MB."))
    try:
        with Image.open(uploaded) as image:
            if image.format not in PHOTO_FORMATS:
                raise AlumniError(_("Upload a photo in JPEG, PNG or WebP format."))
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode in ("RGBA", "LA", "P"):
                # Transparent parts become white, not black.
                image = image.convert("RGBA")
                background = Image.new("RGB", image.size, "white")
                background.paste(image, mask=image.getchannel("A"))
                image = background
            image = image.convert("RGB")
    except AlumniError:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of errors for files that are not images
        raise AlumniError(_("This file is not a photo we can read: upload a JPEG, PNG or WebP image.")) from None
    image.thumbnail((PHOTO_SIZE, PHOTO_SIZE))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


@transaction.atomic
def update_entry(entry, *, fields, languages, photo=None, remove_photo=False):
    """Save the alumnus's choices; takes effect at once (directory pages are never cached).

    ``photo`` is the result of ``normalise_photo`` (the form runs it, to report a bad file)."""
    entry = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
    for name, value in fields.items():
        setattr(entry, name, value)
    if photo is not None:  # already checked and re-encoded by normalise_photo (the form does it)
        content = photo
        if entry.photo:
            entry.photo.delete(save=False)
        entry.photo.save(content.name, content, save=False)
    elif remove_photo and entry.photo:
        entry.photo.delete(save=False)
        entry.photo = ""
    entry.save()
    wanted = set(languages)
    entry.languages.exclude(language__in=wanted).delete()
    existing = set(entry.languages.values_list("language", flat=True))
    DirectoryLanguage.objects.bulk_create(
        [DirectoryLanguage(entry=entry, language=code) for code in sorted(wanted - existing)]
    )
    return entry


@transaction.atomic
def hide(entry):
    DirectoryEntry.objects.filter(pk=entry.pk).update(listed=False)


def send_message(sender, entry, *, text, share_email=False):
    """E-mail ``text`` to the entry's owner. The sender never learns the recipient's address;
    the recipient learns the sender's only when ``share_email`` is ticked."""
    if not can_contact(entry, sender):
        raise AlumniError(_("This alumnus does not receive messages."))
    recipient = entry.membership.user
    sender_entry = DirectoryEntry.objects.filter(membership__user=sender, listed=True).first()
    site = settings.SITE_URL.rstrip("/")
    profile = getattr(recipient, "profile", None)
    with translation.override(profile.preferred_language if profile else None):
        from django.template.loader import render_to_string

        body = render_to_string(
            "alumni/email/contact_message.txt",
            {
                "sender_name": sender.display_name,
                "sender_email": sender.email if share_email else "",
                "sender_entry_url": site + reverse("alumni:entry", args=[sender_entry.pk]) if sender_entry else "",
                "recipient_name": recipient.display_name,
                "text": text,
                "settings_url": site + reverse("alumni:my_entry"),
            },
        )
        subject = _("[MKA Alumni] A message from %(name)s") % {"name": sender.display_name}
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[recipient.email],
        reply_to=[sender.email] if share_email else None,
    )
    message.send()
    ContactMessage.objects.create(sender=sender, recipient=recipient, shared_email=share_email)


def filter_choices():
    """Countries and languages that the listed alumni show (for the filter menus)."""
    from django_countries import countries

    entries = DirectoryEntry.objects.filter(listed=True, membership__user__is_active=True)
    country_codes = set(
        entries.filter(show_country=True)
        .exclude(membership__user__profile__country="")
        .values_list("membership__user__profile__country", flat=True)
    )
    language_codes = set(
        DirectoryLanguage.objects.filter(entry__in=entries.filter(show_languages=True)).values_list(
            "language", flat=True
        )
    )
    return {
        "countries": sorted(((code, countries.name(code)) for code in country_codes), key=lambda item: str(item[1])),
        "languages": sorted(((code, language_name(code)) for code in language_codes), key=lambda item: item[1]),
    }
