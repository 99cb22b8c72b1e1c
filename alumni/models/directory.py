from django.conf import settings
from django.conf.global_settings import LANGUAGES as ALL_LANGUAGES
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .members import AlumniMembership

# Languages an alumnus may say they speak: Django's full list (its catalogs translate the names).
SPOKEN_LANGUAGES = sorted(ALL_LANGUAGES, key=lambda item: str(item[1]))
_LANGUAGE_NAMES = dict(ALL_LANGUAGES)
# Offered first on the directory form: the languages most of the network speaks.
NETWORK_LANGUAGES = ["en", "ko", "ru", "ar", "zh-hans", "vi", "mn", "uz", "kk", "ky", "tg", "id", "km", "tr", "fr", "es"]


def language_name(code):
    """The language's name in the reader's interface language ("Russian", "Русский", "الروسية")."""
    return gettext(_LANGUAGE_NAMES.get(code, code))


def photo_path(entry, filename):
    # Outside the public media folders: photos are served by an alumni-only view.
    return f"alumni/photos/{entry.membership_id}/{filename}"


class DirectoryEntry(models.Model):
    """An alumnus's card in the directory: opt-in, and each item shown only when they say so.

    Country, specialty and institution come from the trainee profile (one source of truth);
    city, languages, bio and photo are kept here.
    """

    membership = models.OneToOneField(
        AlumniMembership, verbose_name=_("alumnus"), on_delete=models.CASCADE, related_name="directory_entry"
    )
    listed = models.BooleanField(
        _("show me in the alumni directory"),
        default=False,
        help_text=_("Only alumni can see the directory. You can hide yourself again at any time."),
    )
    accepts_messages = models.BooleanField(
        _("let alumni send me messages"),
        default=True,
        help_text=_("Messages reach you by e-mail; your address is never shown to the sender."),
    )
    show_institution = models.BooleanField(_("show my hospital or institution"), default=False)
    show_specialty = models.BooleanField(_("show my specialty"), default=False)
    show_country = models.BooleanField(_("show my country"), default=False)
    show_city = models.BooleanField(_("show my city"), default=False)
    show_languages = models.BooleanField(_("show the languages I speak"), default=False)
    show_bio = models.BooleanField(_("show my short bio"), default=False)
    show_photo = models.BooleanField(_("show my photo"), default=False)
    city = models.CharField(_("city"), max_length=100, blank=True)
    bio = models.TextField(_("short bio"), max_length=600, blank=True)
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")

    def __str__(self):
        return str(self.membership.user)


class DirectoryLanguage(models.Model):
    """One language an alumnus speaks (a row each, so the directory can filter by it)."""

    entry = models.ForeignKey(DirectoryEntry, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=10, choices=SPOKEN_LANGUAGES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "language"], name="directory_language_once")]
        ordering = ["language"]

    def __str__(self):
        return language_name(self.language)


class ContactMessage(models.Model):
    """A message sent through the directory: kept (without its text) to spot abuse."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shared_email = models.BooleanField(default=False)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
