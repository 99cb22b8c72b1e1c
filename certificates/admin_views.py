"""Wagtail admin views: revoke a certificate, decide name corrections (both audited)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from . import services
from .models import Certificate, CorrectionStatus, NameCorrectionRequest, RenderJob

MANAGE_PERMISSION = "certificates.change_certificate"


class ManageCertificatesMixin(WagtailAdminTemplateMixin):
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(MANAGE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept for the audit trail, never shown publicly)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RevokeView(ManageCertificatesMixin, FormView):
    page_title = gettext_lazy("Revoke certificate")
    template_name = "certificates/admin/revoke.html"
    form_class = RevokeForm

    def dispatch(self, request, *args, **kwargs):
        self.certificate = get_object_or_404(Certificate, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"{self.certificate.serial} – {self.certificate.holder_name_latin}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.certificate, **kwargs)

    def form_valid(self, form):
        try:
            services.revoke(self.certificate, form.cleaned_data["reason"], revoked_by=self.request.user)
        except services.CertificateError as error:
            messages.error(self.request, str(error))
            return self.form_invalid(form)
        log(instance=self.certificate, action="certificates.revoke", user=self.request.user,
            data={"reason": form.cleaned_data["reason"]})
        messages.success(self.request, gettext_lazy("Certificate revoked. Its verification page now says so."))
        return redirect("certificate_admin:inspect", self.certificate.pk)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve: issue a corrected certificate")), ("reject", gettext_lazy("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CorrectionDecisionView(ManageCertificatesMixin, FormView):
    page_title = gettext_lazy("Name correction")
    template_name = "certificates/admin/correction.html"
    form_class = DecisionForm

    def dispatch(self, request, *args, **kwargs):
        self.correction = get_object_or_404(NameCorrectionRequest.objects.select_related("certificate"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(correction=self.correction, **kwargs)

    def form_valid(self, form):
        approve = form.cleaned_data["decision"] == "approve"
        try:
            new = services.decide_name_correction(self.correction, approve, self.request.user, form.cleaned_data["note"])
        except services.CertificateError as error:
            messages.error(self.request, str(error))
            return self.form_invalid(form)
        log(instance=self.correction.certificate, action="certificates.name_correction", user=self.request.user,
            data={"approved": approve, "new_serial": new.serial if new else None})
        messages.success(self.request, gettext_lazy("Decision saved."))
        return redirect("name_corrections:index")


def pending_corrections():
    return NameCorrectionRequest.objects.filter(status=CorrectionStatus.PENDING)


class RerenderView(ManageCertificatesMixin, TemplateView):
    """Start a bulk re-render and follow its progress (the page refreshes itself while it runs)."""

    page_title = gettext_lazy("Re-render certificate PDFs")
    template_name = "certificates/admin/rerender.html"

    def post(self, request, *args, **kwargs):
        job = services.start_rerender(requested_by=request.user)
        log(instance=job, action="certificates.rerender", user=request.user, data={"total": job.total})
        messages.success(request, gettext_lazy("Re-rendering started. Codes and certificate texts do not change."))
        return redirect("certificate_rerender")

    def get_context_data(self, **kwargs):
        jobs = list(RenderJob.objects.select_related("requested_by")[:10])
        running = any(job.finished_at is None for job in jobs)
        return super().get_context_data(jobs=jobs, running=running, **kwargs)
