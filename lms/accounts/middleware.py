from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .services import is_staff_user, speak_profile_language

# Paths a staff member without MFA may still use: setting MFA up, logging out, assets.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/media/", "/favicon")


class StaffMFARequiredMiddleware:
    """Staff must have TOTP turned on before they can use the site or the admin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and is_staff_user(user)
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request,
                _("Staff accounts must use two-factor authentication. Set up an authenticator app to continue."),
            )
            return redirect(reverse("mfa_activate_totp") + "?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)


class ProfileLanguageMiddleware:
    """A signed-in trainee sees the site in their profile's language.

    The order is: the profile's preferred language (when it is an interface language),
    then the ``django_language`` cookie, then the browser's Accept-Language. The last two
    are Django's LocaleMiddleware, which runs before this one; the language switcher
    (``lms.accounts.views.set_language``) writes both the cookie and the profile, so the
    three never disagree for long.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            speak_profile_language(request, user)
        response = self.get_response(request)
        # Two users on one URL may get two languages: caches must key on the session too.
        patch_vary_headers(response, ("Cookie",))
        return response
