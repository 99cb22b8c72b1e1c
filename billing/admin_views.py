
"""Wagtail admin views for billing: order inspection, staff grants and revokes, sponsors and their
seat codes, the sponsor CSV and the revenue report. Each checks a billing model permission."""

import csv

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.log_actions import log

from lms.http import safe_next_url

from .exceptions import BillingError
from .models import Entitlement, EntitlementSource, Offer, Order, OrderStatus, SeatCode, SeatPool, Sponsor
from .money import Currency
from .providers import ProviderError
from .services import reports, seats
from .services.entitlements import end, grant
from .services.refunds import refund_order


class BillingPermissionMixin:
    permission_required = "billing.view_order"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class BreadcrumbsMixin:
    """Home › the listing this page belongs to › this page (instead of a bare "Home")."""

    parent_url_name = None
    parent_label = ""

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.parent_url_name), "label": self.parent_label},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]


def refund_url(order):
    return reverse("billing_refund_order", args=[order.pk])


# --- Orders --------------------------------------------------------------------------


class OrderInspectView(InspectView):
    template_name = "billing/admin/order_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(Order.objects.select_related("user", "coupon"), pk=self.pk)

    def get_context_data(self, **kwargs):
        order = self.object
        payments = list(order.payments.prefetch_related("refunds__requested_by"))
        return super().get_context_data(
            order=order,
            lines=list(order.lines.select_related("offer")),
            payments=payments,
            refunds=[refund for payment in payments for refund in payment.refunds.all()],
            entitlements=list(order.entitlements.select_related("course", "track", "bundle")),
            refund_url=refund_url(order) if order.status == "paid" else "",
            can_rerender=self.request.user.has_perm("billing.change_order") and bool(order.receipt_number),
            **kwargs,
        )


class OrderReceiptView(BillingPermissionMixin, View):
    """Staff download a receipt (the buyer's own page 404s for anyone else)."""

    def get(self, request, pk):
        order = get_object_or_404(Order, pk=pk)
        if not order.receipt_pdf:
            raise Http404
        response = FileResponse(order.receipt_pdf.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{order.receipt_number}.pdf"'
        return response


class OrderRerenderReceiptView(BillingPermissionMixin, View):
    permission_required = "billing.change_order"

    def post(self, request, pk):
        from .tasks import render_receipt

        order = get_object_or_404(Order, pk=pk, receipt_number__isnull=False)
        render_receipt.delay(order.pk)
        log(instance=order, action="billing.receipt_rerender", user=request.user)
        messages.success(request, gettext_lazy("The receipt is rendered again from the order's snapshot."))
        return redirect("billing_orders:inspect", order.pk)


# --- Entitlements --------------------------------------------------------------------


class GrantForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Trainee's e-mail"))
    offer = forms.ModelChoiceField(
        label=gettext_lazy("Open what"),
        queryset=Offer.objects.all(),
        help_text=gettext_lazy("The course, track or bundle this offer opens."),
    )
    days = forms.IntegerField(
        label=gettext_lazy("For how many days"),
        min_value=1,
        required=False,
        help_text=gettext_lazy("Empty: the offer's own period."),
    )
    note = forms.CharField(label=gettext_lazy("Why (kept with the grant)"), max_length=300)

    def clean_email(self):
        user = get_user_model().objects.filter(email__iexact=self.cleaned_data["email"].strip()).first()
        if user is None:
            raise forms.ValidationError(gettext_lazy("No account uses this e-mail address."))
        self.user = user
        return user.email


class GrantView(BillingPermissionMixin, BreadcrumbsMixin, WagtailAdminTemplateMixin, FormView):
    parent_url_name = "billing_entitlements:index"
    parent_label = gettext_lazy("Entitlements")
    permission_required = "billing.add_entitlement"
    page_title = gettext_lazy("Grant access")
    header_icon = "key"
    template_name = "billing/admin/form.html"
    form_class = GrantForm

    def form_valid(self, form):
        entitlement = grant(
            form.user,
            form.cleaned_data["offer"],
            source=EntitlementSource.STAFF_GRANT,
            days=form.cleaned_data["days"],
            granted_by=self.request.user,
            note=form.cleaned_data["note"],
        )
        log(instance=entitlement, action="billing.grant", user=self.request.user, data={"note": entitlement.note})
        messages.success(self.request, gettext_lazy("Access granted."))
        return redirect("billing_entitlements:index")


class RevokeEntitlementForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class RevokeEntitlementView(BillingPermissionMixin, BreadcrumbsMixin, WagtailAdminTemplateMixin, FormView):
    parent_url_name = "billing_entitlements:index"
    parent_label = gettext_lazy("Entitlements")
    permission_required = "billing.change_entitlement"
    page_title = gettext_lazy("End access")
    header_icon = "key"
    template_name = "billing/admin/form.html"
    form_class = RevokeEntitlementForm

    def dispatch(self, request, *args, **kwargs):
        self.entitlement = get_object_or_404(Entitlement.objects.select_related("user"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.entitlement)

    def form_valid(self, form):
        ended = end(Entitlement.objects.filter(pk=self.entitlement.pk), reason=form.cleaned_data["reason"])
        if ended:
            log(instance=self.entitlement, action="billing.revoke", user=self.request.user, data=form.cleaned_data)
            messages.success(self.request, gettext_lazy("Access ended. Progress and certificates stay."))
        else:
            messages.warning(self.request, gettext_lazy("This access had already ended."))
        return redirect("billing_entitlements:index")


# --- Sponsors and seats --------------------------------------------------------------


class InviteForm(forms.Form):
    pool = forms.ModelChoiceField(label=gettext_lazy("Seat pool"), queryset=SeatPool.objects.none())
    email = forms.EmailField(label=gettext_lazy("Trainee's e-mail"))

    def __init__(self, *args, sponsor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].queryset = SeatPool.objects.filter(sponsor=sponsor).select_related("offer")


class SponsorDetailView(BillingPermissionMixin, BreadcrumbsMixin, WagtailAdminTemplateMixin, TemplateView):
    """A sponsor's pools with every code, its state and the actions an admin can take on it."""

    permission_required = "billing.view_sponsor"
    parent_url_name = "billing_sponsors:index"
    parent_label = gettext_lazy("Sponsors")
    template_name = "billing/admin/sponsor_detail.html"
    header_icon = "group"

    def dispatch(self, request, *args, **kwargs):
        self.sponsor = get_object_or_404(Sponsor, pk=kwargs["pk"])
        self.page_title = str(self.sponsor)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        pools = list(
            SeatPool.objects.filter(sponsor=self.sponsor)
            .select_related("offer")
            .prefetch_related("codes__redeemed_by")
            .order_by("-created_at")
        )
        for pool in pools:
            pool.code_list = list(pool.codes.all())
            pool.used = sum(1 for code in pool.code_list if code.redeemed_at)
            pool.missing = max(pool.seat_count - sum(1 for code in pool.code_list if not code.revoked_at), 0)
        return super().get_context_data(
            sponsor=self.sponsor,
            pools=pools,
            invite_form=kwargs.pop("invite_form", None) or InviteForm(sponsor=self.sponsor),
            can_change=self.request.user.has_perm("billing.change_seatcode"),
            **kwargs,
        )


def _posted_id(request, name):
    """A row id from the form, or None (so the lookup is a 404) when it is not a number."""
    try:
        return forms.IntegerField(min_value=1).clean(request.POST.get(name))
    except forms.ValidationError:
        return None


class SeatActionView(BillingPermissionMixin, View):
    """POST-only actions on a sponsor's seats: generate codes, invite, reassign, revoke."""

    permission_required = "billing.change_seatcode"

    def post(self, request, pk, action):
        sponsor = get_object_or_404(Sponsor, pk=pk)
        back = redirect("billing_sponsor_detail", sponsor.pk)
        try:
            if action == "generate":
                pool = get_object_or_404(SeatPool, pk=_posted_id(request, "pool"), sponsor=sponsor)
                created = seats.generate_codes(pool)
                messages.success(request, gettext_lazy("%(n)d codes created.") % {"n": len(created)})
            elif action == "invite":
                form = InviteForm(request.POST, sponsor=sponsor)
                if not form.is_valid():
                    messages.error(request, gettext_lazy("Choose a pool and give a valid e-mail address."))
                    return back
                seat = seats.invite(form.cleaned_data["pool"], form.cleaned_data["email"])
                messages.success(
                    request,
                    gettext_lazy("Code %(code)s sent to %(email)s.") % {"code": seat.code, "email": seat.invited_email},
                )
            elif action in ("reassign", "revoke"):
                seat = get_object_or_404(SeatCode, pk=_posted_id(request, "seat"), pool__sponsor=sponsor)
                if action == "reassign":
                    email = forms.EmailField(required=False).clean(request.POST.get("email", ""))
                    seats.reassign(seat, email)
                    messages.success(
                        request,
                        gettext_lazy("Code %(code)s now belongs to %(email)s.")
                        % {"code": seat.code, "email": email or "—"},
                    )
                else:
                    replacement = seats.revoke_and_replace(seat)
                    messages.success(
                        request,
                        gettext_lazy("Code %(old)s revoked; %(new)s replaces it.")
                        % {"old": seat.code, "new": replacement.code},
                    )
            else:
                raise Http404
        except (BillingError, forms.ValidationError) as error:
            messages.error(request, error.messages[0] if isinstance(error, forms.ValidationError) else str(error))
            return back
        log(instance=sponsor, action="billing.seats", user=request.user, data={"action": action})
        return back


class SponsorReportView(BillingPermissionMixin, View):
    permission_required = "billing.view_sponsor"

    def get(self, request, pk):
        sponsor = get_object_or_404(Sponsor, pk=pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="sponsor-{sponsor.pk}-report.csv"'
        writer = csv.writer(response)
        writer.writerow(reports.SPONSOR_REPORT_HEADER)
        writer.writerows(reports.sponsor_report(sponsor))
        return response


# --- Revenue -------------------------------------------------------------------------


class RevenueFilterSet(WagtailFilterSet):
    paid = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("Date"), field_name="paid_at", widget=DateRangePickerWidget
    )
    currency = django_filters.ChoiceFilter(label=gettext_lazy("Currency"), choices=Currency.choices)
    offer = django_filters.ModelChoiceFilter(label=gettext_lazy("Offer"), queryset=Offer.objects.all())

    class Meta:
        model = Order
        fields = []


class RevenueReportView(BillingPermissionMixin, ReportView):
    """Paid orders minus refunds, by month, offer and currency (never adding currencies together)."""

    page_title = gettext_lazy("Revenue")
    header_icon = "table"
    index_url_name = "billing_revenue"
    index_results_url_name = "billing_revenue_results"
    results_template_name = "billing/admin/revenue_results.html"
    filterset_class = RevenueFilterSet
    paginate_by = 100
    export_filename = "revenue"
    columns = [
        Column("month_label", label=gettext_lazy("Month")),
        Column("currency", label=gettext_lazy("Currency")),
        Column("offer_title", label=gettext_lazy("Offer")),
        Column("orders", label=gettext_lazy("Paid orders")),
        Column("gross", label=gettext_lazy("Paid")),
        Column("refunded", label=gettext_lazy("Refunded")),
        Column("net", label=gettext_lazy("Net")),
    ]
    list_export = ["month_label", "currency", "offer_title", "orders", "gross_amount", "refunded_amount", "net_amount"]
    export_headings = {
        "month_label": gettext_lazy("Month"),
        "currency": gettext_lazy("Currency"),
        "offer_title": gettext_lazy("Offer"),
        "orders": gettext_lazy("Paid orders"),
        "gross_amount": gettext_lazy("Paid"),
        "refunded_amount": gettext_lazy("Refunded"),
        "net_amount": gettext_lazy("Net"),
    }

    def get_queryset(self):
        values = {}
        if self.filters and self.filters.is_valid():
            values = self.filters.form.cleaned_data
        paid = values.get("paid")
        self.rows = reports.revenue(
            date_from=paid.start.date() if paid and paid.start else None,
            date_to=paid.stop.date() if paid and paid.stop else None,
            currency=values.get("currency") or None,
            offer=values.get("offer"),
        )
        return self.rows

    def filter_queryset(self, queryset):
        return queryset  # the filters were applied in the database by reports.revenue

    def get_heading(self, queryset, field):
        return str(self.export_headings.get(field, field))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = reports.totals_by_currency(self.rows)
        return context


# --- Refunds (checkout work) ---------------------------------------------------------

REFUND_PERMISSION = "billing.change_order"


class RefundForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=300,
        help_text=gettext_lazy("Kept with the refund for the audit trail."),
    )


class RefundOrderView(WagtailAdminTemplateMixin, FormView):
    page_title = gettext_lazy("Refund order")
    header_icon = "undo"
    template_name = "billing/admin/refund_order.html"
    form_class = RefundForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(REFUND_PERMISSION):
            raise PermissionDenied
        self.order = get_object_or_404(
            Order.objects.select_related("user", "coupon").prefetch_related("lines", "payments__refunds"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.order.reference)

    def _back_url(self):
        return safe_next_url(self.request)

    def form_valid(self, form):
        try:
            refund_order(self.order, actor=self.request.user, reason=form.cleaned_data["reason"])
        except (BillingError, ProviderError) as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        log(
            instance=self.order,
            action="billing.order.refund",
            user=self.request.user,
            data={"reason": form.cleaned_data["reason"], "total": self.order.total_display},
        )
        messages.success(
            self.request,
            _("Order %(order)s refunded (%(total)s); its access has ended.")
            % {"order": str(self.order.reference)[:8], "total": self.order.total_display},
        )
        return redirect(self._back_url() or self.request.path)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            order=self.order,
            can_refund=self.order.status == OrderStatus.PAID,
            payments=list(self.order.payments.all()),
            back_url=self._back_url(),
        )
        return context
