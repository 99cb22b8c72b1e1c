"""Wagtail admin views: admit an offline graduate (audited), send a newsletter issue."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from . import newsletter, services
from .exceptions import AlumniError
from .forms import AdmitGraduateForm
from .models import DeliveryStatus, NewsletterDispatch, NewsletterPage


class AdmitGraduateView(WagtailAdminTemplateMixin, FormView):
    page_title = gettext_lazy("Admit a graduate of the offline programme")
    header_icon = "user"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("alumni_members:index"), "label": _("Alumni")},
            {"url": "", "label": self.page_title},
        ]

    template_name = "alumni/admin/admit.html"
    form_class = AdmitGraduateForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("alumni.add_alumnimembership"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            membership = services.admit_manually(
                form.user,
                cohort_year=form.cleaned_data["cohort_year"],
                admitted_by=self.request.user,
                note=form.cleaned_data["note"],
            )
        except AlumniError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(user)s is now an alumnus (cohort %(year)s).")
            % {"user": membership.user.display_name, "year": membership.cohort_year},
        )
        return redirect("alumni_members:index")


class NewsletterIssueMixin(WagtailAdminTemplateMixin):
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        self.issue = get_object_or_404(NewsletterPage, pk=kwargs["pk"])
        # Who may publish the issue may send it.
        if not self.issue.permissions_for_user(request.user).can_publish():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.issue.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailadmin_pages:edit", args=[self.issue.pk]), "label": self.issue.title},
            {"url": "", "label": self.page_title},
        ]


class SendNewsletterView(NewsletterIssueMixin, TemplateView):
    """The send page: segment size, test send, and the confirmed send (once per issue)."""

    page_title = gettext_lazy("Send newsletter")
    template_name = "alumni/admin/send.html"

    def get_context_data(self, **kwargs):
        dispatch = NewsletterDispatch.objects.filter(issue=self.issue).select_related("started_by").first()
        return super().get_context_data(
            issue=self.issue,
            dispatch=dispatch,
            recipient_count=newsletter.recipients(self.issue).count(),
            counts=newsletter.delivery_counts(self.issue),
            statuses=DeliveryStatus,
            chapters=list(self.issue.segment_chapters.all()),
            # The segment and content that go out are the published ones.
            unpublished_changes=self.issue.live and self.issue.has_unpublished_changes,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "test":
            try:
                newsletter.send_test(self.issue, request.user)
            except AlumniError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("A test copy is on its way to %(email)s.") % {"email": request.user.email})
            return redirect("alumni_newsletter_send", pk=self.issue.pk)
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the confirmation box to send the issue."))
            return redirect("alumni_newsletter_send", pk=self.issue.pk)
        try:
            newsletter.start_sending(self.issue, request.user)
        except AlumniError as error:
            messages.error(request, str(error))
        else:
            log(instance=self.issue, action="alumni.newsletter_send", user=request.user)
            messages.success(request, _("Sending started. The counts below grow as the batches go out."))
        return redirect("alumni_newsletter_send", pk=self.issue.pk)


class EmailPreviewView(NewsletterIssueMixin, View):
    """The e-mail's HTML exactly as the signed-in editor would receive it (latest draft)."""

    def get(self, request, *args, **kwargs):
        issue = self.issue.get_latest_revision_as_object()
        return HttpResponse(newsletter.build_email(issue, request.user, test=True).alternatives[0][0])
