from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit.decorators import ratelimit

from lms.accounts.services import is_staff_user

from . import services
from .models import Certificate


def _lookups_limited(view):
    # Codes are unguessable, but serial + surname is not: slow down anyone enumerating.
    return ratelimit(
        group="certificate-lookups", key="ip", rate=lambda group, request: settings.CERTIFICATE_LOOKUPS_RATE, block=False
    )(view)


def _too_many(request):
    return render(request, "certificates/too_many.html", status=429)


@_lookups_limited
def verify(request, code):
    if getattr(request, "limited", False):
        return _too_many(request)
    certificate = get_object_or_404(Certificate, public_code=code)
    current = services.current_version(certificate)
    return render(
        request,
        "certificates/verify.html",
        {"certificate": certificate, "current": current if current.pk != certificate.pk else None},
    )


class LookupForm(forms.Form):
    serial = forms.CharField(label=gettext_lazy("Certificate number"), max_length=20,
                             widget=forms.TextInput(attrs={"placeholder": "MKA-2026-000123", "autocapitalize": "characters"}))
    surname = forms.CharField(label=gettext_lazy("Holder's surname"), max_length=100)


@_lookups_limited
def lookup(request):
    if getattr(request, "limited", False):
        return _too_many(request)
    form = LookupForm(request.GET or None)
    not_found = False
    if form.is_valid():
        certificate = services.find_by_serial(form.cleaned_data["serial"], form.cleaned_data["surname"])
        if certificate:
            return redirect("certificates:verify", code=certificate.public_code)
        not_found = True
    return render(request, "certificates/lookup.html", {"form": form, "not_found": not_found}, status=404 if not_found else 200)


@login_required
def download(request, code):
    certificate = get_object_or_404(Certificate.objects.select_related("enrollment"), public_code=code)
    if certificate.enrollment.user_id != request.user.pk and not is_staff_user(request.user):
        raise Http404  # other people's certificates do not exist for you
    if not certificate.pdf:
        raise Http404(_("The PDF is being prepared. Try again in a minute."))
    response = FileResponse(certificate.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


class NameCorrectionForm(forms.Form):
    name_latin = forms.CharField(label=gettext_lazy("Full name in Latin letters"), max_length=150,
                                 help_text=gettext_lazy("Exactly as on your passport."))
    name_native = forms.CharField(label=gettext_lazy("Full name in your own script"), max_length=150, required=False,
                                  widget=forms.TextInput(attrs={"dir": "auto"}))
    reason = forms.CharField(label=gettext_lazy("What is wrong on the certificate?"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_name_latin(self):
        from lms.accounts.models import normalize_name, validate_latin_name

        name = normalize_name(self.cleaned_data["name_latin"])
        validate_latin_name(name)
        return name


@login_required
def request_correction(request, code):
    certificate = get_object_or_404(Certificate.objects.select_related("enrollment"), public_code=code)
    if certificate.enrollment.user_id != request.user.pk:
        raise Http404
    form = NameCorrectionForm(
        request.POST or None,
        initial={"name_latin": certificate.holder_name_latin, "name_native": certificate.holder_name_native},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.request_name_correction(request.user, certificate, **form.cleaned_data)
        except services.CertificateError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your request is sent. You will find the corrected certificate on your dashboard once it is approved."))
        return redirect("courses:dashboard")
    return render(request, "certificates/request_correction.html", {"form": form, "certificate": certificate})


@login_required
def transcript(request):
    return render(request, "certificates/transcript.html", services.transcript(request.user))


@login_required
def transcript_pdf(request):
    from django.core.files.storage import default_storage

    from .tasks import render_transcript

    data = services.transcript(request.user)
    name = services.transcript_file_name(request.user, data["certificates"])
    if not default_storage.exists(name):
        render_transcript.delay(request.user.pk)  # rendered by a worker, never in this request
        if not default_storage.exists(name):
            messages.info(request, _("Your transcript PDF is being prepared. Try the download again in a minute."))
            return redirect("certificates:transcript")
    response = FileResponse(default_storage.open(name, "rb"), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="cme-transcript.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
