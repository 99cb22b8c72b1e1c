"""A trainee's own data: download all of it, or delete the account.

Each app contributes what it holds through two lists in settings, the way DASHBOARD_PANELS
works: ``PERSONAL_DATA_EXPORTERS`` (callables ``user -> {section: data}``) and
``ACCOUNT_DELETION_HANDLERS`` (callables ``user -> None``). The handlers run in one
transaction before the user row itself is anonymised, so a failure leaves everything as it was.

The user row is anonymised rather than deleted: records kept for others (certificates a
ministry verifies, orders the accountants need) point at it, and their foreign keys stay valid.
"""

from functools import cache

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from wagtail.users.models import UserProfile

from .models import TraineeProfile

DELETED_EMAIL_DOMAIN = "invalid"  # RFC 2606: never deliverable


class PersonalDataError(Exception):
    pass


@cache
def _load(paths):
    return [import_string(path) for path in paths]


def iso(value):
    """A date or time for the JSON export (None stays None)."""
    return value.isoformat() if value else None


def export_personal_data(user):
    """Everything we hold about the user, as JSON-ready data."""
    data = {"exported_at": timezone.now().isoformat(), "site": settings.SITE_URL}
    for exporter in _load(tuple(settings.PERSONAL_DATA_EXPORTERS)):
        data.update(exporter(user))
    return data


def is_deleted(user):
    return user.email.endswith("@" + DELETED_EMAIL_DOMAIN) and not user.is_active


def delete_account(user):
    """Remove the user's personal data; keep, anonymised, what others must still rely on."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if is_deleted(user):
            raise PersonalDataError(_("This account has already been deleted."))
        for handler in _load(tuple(settings.ACCOUNT_DELETION_HANDLERS)):
            handler(user)
        user.email = f"deleted-{user.pk}@{DELETED_EMAIL_DOMAIN}"
        user.first_name = user.last_name = ""
        user.set_unusable_password()  # also ends every session: their auth hash no longer matches
        user.is_active = user.is_staff = user.is_superuser = False
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
    return user


# --- This app's own exporter and handler --------------------------------------------------


def export_account(user):
    profile = TraineeProfile.objects.filter(user=user).first()
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
            # Which second factors are on; never their secrets.
            "two_factor_methods": sorted(
                Authenticator.objects.filter(user=user).values_list("type", flat=True)
            ),
        },
        "profile": None
        if profile is None
        else {
            "name_latin": profile.name_latin,
            "name_native": profile.name_native,
            "country": str(profile.country.code or ""),
            "specialty": profile.specialty,
            "institution": profile.institution,
            "licence_number": profile.licence_number,
            "preferred_language": profile.preferred_language,
            "updated_at": iso(profile.updated_at),
        },
    }


def delete_account_data(user):
    TraineeProfile.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    UserProfile.objects.filter(user=user).delete()  # Wagtail's avatar and admin preferences
