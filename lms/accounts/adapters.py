from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from .services import has_complete_profile, is_staff_user, profile_language


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        # Send new trainees to their profile first: enrollment needs it complete.
        url = super().get_login_redirect_url(request)
        if url != reverse("courses:dashboard"):
            return url
        if is_staff_user(request.user):
            return reverse("wagtailadmin_home")
        if not has_complete_profile(request.user):
            return reverse("accounts:profile") + "?" + urlencode({"next": url})
        return url

    def send_mail(self, template_prefix, email, context):
        # Written in the recipient's profile language when we know them (a password reset
        # asked from a shared computer); otherwise in the language of the page they used.
        user = context.get("user") or get_user_model().objects.filter(email__iexact=email).first()
        language = profile_language(user) if user is not None else ""
        with translation.override(language or translation.get_language()):
            super().send_mail(template_prefix, email, context)
