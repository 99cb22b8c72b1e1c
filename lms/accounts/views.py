import json

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from lms.http import safe_next_url

from . import personal_data as personal_data_service
from .forms import DeleteAccountForm, TraineeProfileForm
from .services import get_profile, interface_language, remember_language


@login_required
def profile(request):
    profile = get_profile(request.user)
    form = TraineeProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect(safe_next_url(request, "accounts:profile"))
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "profile": profile, "next": safe_next_url(request, "")},
    )


@login_required
def personal_data(request):
    return render(request, "accounts/personal_data.html")


@never_cache
@login_required
def download_personal_data(request):
    data = personal_data_service.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"mka-eclass-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        # The password check is a login form too: guessing is limited like logging in again.
        limited = ratelimit.consume_or_429(request, action="reauthenticate", user=request.user)
        if limited:
            return limited
        if form.is_valid():
            try:
                personal_data_service.delete_account(request.user)
            except personal_data_service.PersonalDataError as error:
                messages.error(request, str(error))
                return redirect("accounts:profile")
            logout(request)
            messages.success(request, _("Your account is deleted. Thank you for learning with us."))
            return redirect("/")
    return render(request, "accounts/delete_account.html", {"form": form})
@require_POST
def set_language(request):
    """The header's language switcher: Django's view sets the cookie; the profile remembers it too."""
    response = django_set_language(request)
    code = interface_language(request.POST.get("language", ""))
    if code and request.user.is_authenticated:
        remember_language(request.user, code)
    return response
