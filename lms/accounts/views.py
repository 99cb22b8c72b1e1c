from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .forms import TraineeProfileForm
from .services import get_profile


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
def profile(request):
    profile = get_profile(request.user)
    form = TraineeProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect(_safe_next(request, "accounts:profile"))
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "profile": profile, "next": _safe_next(request, "")},
    )
