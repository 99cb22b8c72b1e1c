from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from lms.wagtail_admin import ReadOnlyPolicy

from .admin_views import CorrectionDecisionView, RerenderView, RevokeView
from .models import Certificate, NameCorrectionRequest


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "doc-full"
    menu_label = _("Certificates")
    menu_order = 220
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        TitleColumn("serial", label=_("Serial"), url_name="certificate_admin:inspect"),
        "holder_name_latin",
        "course_title",
        Column("get_status_display", label=_("Status")),
        "completed_on",
        TitleColumn(
            "revoke_label",
            label="",
            get_url=lambda certificate: reverse("certificate_revoke", args=[certificate.pk]) if certificate.is_valid else None,
        ),
    ]
    list_filter = ["status", "issued_at"]
    search_fields = ["serial", "holder_name_latin", "holder_name_native", "course_title", "public_code"]
    form_fields = ["revoked_reason"]  # required by ModelViewSet; editing is refused by the policy


class NameCorrectionViewSet(ModelViewSet):
    model = NameCorrectionRequest
    icon = "edit"
    menu_label = _("Name corrections")
    menu_order = 221
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = [
        TitleColumn("certificate", label=_("Certificate"), url_name="certificate_correction"),
        "name_latin",
        Column("get_status_display", label=_("Status")),
        "requested_at",
    ]
    list_filter = ["status"]
    form_fields = ["decision_note"]


register_permission_policy(Certificate, ReadOnlyPolicy(Certificate))
register_permission_policy(NameCorrectionRequest, ReadOnlyPolicy(NameCorrectionRequest))
certificate_viewset = CertificateViewSet("certificate_admin")
correction_viewset = NameCorrectionViewSet("name_corrections")


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [certificate_viewset, correction_viewset]


@hooks.register("register_admin_urls")
def register_certificate_admin_urls():
    return [
        path("certificate-tools/<int:pk>/revoke/", RevokeView.as_view(), name="certificate_revoke"),
        path("certificate-tools/corrections/<int:pk>/", CorrectionDecisionView.as_view(), name="certificate_correction"),
        path("certificate-tools/rerender/", RerenderView.as_view(), name="certificate_rerender"),
    ]


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    actions.register_action("certificates.revoke", _("Revoke certificate"), _("Certificate revoked"))
    actions.register_action("certificates.name_correction", _("Name correction"), _("Name correction decided"))
    actions.register_action("certificates.rerender", _("Re-render PDFs"), _("Certificate PDFs re-rendered"))


@hooks.register("register_admin_menu_item")
def register_rerender_menu_item():
    from wagtail.admin.menu import AdminOnlyMenuItem

    return AdminOnlyMenuItem(_("Re-render PDFs"), reverse("certificate_rerender"), icon_name="resubmit", order=222)


# --- Certificate design (a snippet with a live preview) -------------------------------

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView as SnippetCreateView
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import SnippetViewSet

from .designs import make_sole_active
from .models import CertificateDesign


class _SoleActiveDesignMixin:
    def save_instance(self):
        # form_valid runs this in a transaction: the others are deactivated in the same one.
        instance = super().save_instance()
        make_sole_active(instance)
        return instance


class CertificateDesignCreateView(_SoleActiveDesignMixin, SnippetCreateView):
    pass


class CertificateDesignEditView(_SoleActiveDesignMixin, SnippetEditView):
    pass


class CertificateDesignViewSet(SnippetViewSet):
    model = CertificateDesign
    icon = "doc-full"
    menu_label = _("Certificate design")
    menu_name = "certificate_design"
    menu_order = 222
    add_to_admin_menu = True
    add_view_class = CertificateDesignCreateView
    edit_view_class = CertificateDesignEditView
    list_display = ["name", "is_active", "heading", "updated_at"]


register_snippet(CertificateDesignViewSet)
