from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils.http import urlencode

from .services import has_complete_profile, is_staff_user


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
