from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

from .models import TraineeProfile


def interface_language(code):
    """``code`` if the interface is translated into it (en, ru, ar), else ""."""
    codes = {code for code, _name in settings.LANGUAGES}
    return code if code in codes else ""


def get_profile(user):
    """The user's trainee profile, created empty on first use.

    A new profile starts in the language the trainee is browsing in, so signing up in
    Arabic keeps the site in Arabic rather than falling back to the default English.
    """
    profile = TraineeProfile.objects.filter(user=user).first()
    if profile is None:
        language = translation.get_language() or settings.LANGUAGE_CODE
        preferred = dict(settings.PREFERRED_LANGUAGES)
        defaults = {
            "preferred_language": language if language in preferred else settings.LANGUAGE_CODE
        }
        profile, _created = TraineeProfile.objects.get_or_create(user=user, defaults=defaults)
    return profile


def profile_language(user):
    """The interface language the user's profile asks for, or "" (no profile, or e.g. Mongolian)."""
    if not getattr(user, "pk", None):
        return ""
    code = (
        TraineeProfile.objects.filter(user=user)
        .values_list("preferred_language", flat=True)
        .first()
    )
    return interface_language(code or "")


def speak_profile_language(request, user):
    """Switch this request to the user's profile language, when it names an interface language."""
    language = profile_language(user)
    if language and language != translation.get_language():
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def remember_language(user, code):
    """The switcher's choice, kept on the profile too.

    Only a profile whose language is an interface language is changed: a trainee who
    prefers e.g. Vietnamese keeps that preference (it chooses the certificate's second
    language and the teaching language filter); the cookie then carries their choice.
    """
    if not interface_language(code):
        return
    TraineeProfile.objects.filter(
        user=user, preferred_language__in=[c for c, _name in settings.LANGUAGES]
    ).exclude(preferred_language=code).update(preferred_language=code)


def user_language(user):
    """The language to write to ``user`` in (e-mails, PDFs): their profile's, else the default."""
    return profile_language(user) or settings.LANGUAGE_CODE


@contextmanager
def in_user_language(user):
    """``with in_user_language(user): send_mail(...)`` renders the e-mail in the recipient's language."""
    with translation.override(user_language(user)):
        yield


def has_complete_profile(user):
    profile = TraineeProfile.objects.filter(user=user).first()
    return bool(profile and profile.is_complete)


def is_staff_user(user):
    """Staff means anyone who can reach the Wagtail admin, not only is_staff."""
    return user.is_authenticated and (
        user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")
    )
