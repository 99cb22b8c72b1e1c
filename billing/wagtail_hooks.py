"""The "Billing" admin menu: offers, coupons, orders, payments, entitlements, sponsors and seat
pools; the revenue report under Reports. Orders, payments and entitlements are read-only
listings: they change only through services (checkout, refunds, grants, revokes)."""

import django_filters
from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permissions import register_permission_policy

from lms.wagtail_admin import ReadOnlyPolicy, RelatedRowsIndexView

from . import admin_views
from .models import (
    Coupon,
    Entitlement,
    EntitlementSource,
    Offer,
    Order,
    OrderStatus,
    Payment,
    PaymentState,
    SeatPool,
    Sponsor,
)
from .money import Currency

for _model in (Order, Payment, Entitlement):
    register_permission_policy(_model, ReadOnlyPolicy(_model))


class OfferViewSet(ModelViewSet):
    model = Offer
    icon = "tag"
    menu_label = _("Offers")
    list_display = ["title", Column("get_kind_display", label=_("Kind")), "is_active", "access_days"]
    list_filter = ["kind", "is_active"]
    search_fields = ["title"]
    copy_view_enabled = False


class CouponViewSet(ModelViewSet):
    model = Coupon
    icon = "pick"
    menu_label = _("Coupons")
    form_fields = [
        "code",
        "kind",
        "percent_off",
        "amount_off_minor",
        "currency",
        "offer",
        "valid_from",
        "valid_until",
        "max_redemptions",
        "is_active",
    ]
    list_display = [
        "code",
        Column("get_kind_display", label=_("Kind")),
        "percent_off",
        "amount_off_minor",
        "currency",
        "times_redeemed",
        "is_active",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["code"]
    copy_view_enabled = False


class OrderFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, label=_("Status"))
    provider = django_filters.CharFilter(label=_("Payment provider"))
    currency = django_filters.ChoiceFilter(choices=Currency.choices, label=_("Currency"))
    created_at = django_filters.DateFromToRangeFilter(label=_("Created"), widget=DateRangePickerWidget)
    offer = django_filters.ModelChoiceFilter(
        queryset=Offer.objects.all(), field_name="lines__offer", label=_("Offer"), distinct=True
    )

    class Meta:
        model = Order
        fields = []


class OrderViewSet(ModelViewSet):
    model = Order
    icon = "list-ul"
    menu_label = _("Orders")
    inspect_view_enabled = True
    inspect_view_class = admin_views.OrderInspectView
    copy_view_enabled = False
    list_display = [
        TitleColumn("reference", label=_("Reference"), url_name="billing_orders:inspect"),
        "buyer_email",
        Column("total_display", label=_("Total")),
        Column("get_status_display", label=_("Status")),
        "provider",
        "receipt_number",
        DateColumn("created_at", label=_("Created")),
    ]
    filterset_class = OrderFilterSet
    search_fields = ["buyer_email", "buyer_name", "user__email", "receipt_number", "reference"]
    list_export = [
        "reference",
        "receipt_number",
        "created_at",
        "paid_at",
        "status",
        "buyer_name",
        "buyer_email",
        "buyer_country",
        "currency",
        "subtotal_minor",
        "discount_minor",
        "total_minor",
        "total_display",
        "provider",
    ]
    export_headings = {"total_display": _("Total (formatted)")}
    export_filename = "orders"
    form_fields = ["buyer_name"]  # required by ModelViewSet; editing is refused by the policy


class PaymentFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(choices=PaymentState.choices, label=_("State"))
    provider = django_filters.CharFilter(label=_("Payment provider"))
    currency = django_filters.ChoiceFilter(choices=Currency.choices, label=_("Currency"))
    created_at = django_filters.DateFromToRangeFilter(label=_("Created"), widget=DateRangePickerWidget)

    class Meta:
        model = Payment
        fields = []


class PaymentIndexView(RelatedRowsIndexView):
    select_related = ("order",)


class PaymentViewSet(ModelViewSet):
    model = Payment
    index_view_class = PaymentIndexView
    icon = "success"
    menu_label = _("Payments")
    copy_view_enabled = False
    list_display = [
        TitleColumn(
            "provider_reference",
            label=_("Provider reference"),
            get_url=lambda payment: reverse("billing_orders:inspect", args=[payment.order_id]),
        ),
        Column("order", label=_("Order")),
        "provider",
        Column("get_state_display", label=_("State")),
        "amount_minor",
        "currency",
        DateColumn("created_at", label=_("Created")),
    ]
    filterset_class = PaymentFilterSet
    search_fields = ["provider_reference", "provider_charge", "order__buyer_email"]
    form_fields = ["state"]


class EntitlementFilterSet(WagtailFilterSet):
    source = django_filters.ChoiceFilter(choices=EntitlementSource.choices, label=_("Why"))
    ended = django_filters.BooleanFilter(
        field_name="revoked_at", lookup_expr="isnull", exclude=True, label=_("Ended early")
    )

    class Meta:
        model = Entitlement
        fields = []


def _entitlement_scope(entitlement):
    return str(entitlement.course or entitlement.track or entitlement.bundle)


class EntitlementIndexView(RelatedRowsIndexView):
    select_related = ("user", "course", "track", "bundle")

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("billing.add_entitlement"):
            buttons.append(HeaderButton(_("Grant access"), url=reverse("billing_entitlement_grant"), icon_name="plus"))
        return buttons


class EntitlementViewSet(ModelViewSet):
    model = Entitlement
    icon = "key"
    menu_label = _("Entitlements")
    copy_view_enabled = False
    list_display = [
        Column("user", label=_("Trainee")),
        Column("scope", label=_("Opens"), accessor=_entitlement_scope),
        Column("get_source_display", label=_("Why")),
        DateColumn("starts_at", label=_("From")),
        DateColumn("ends_at", label=_("Until")),
        DateColumn("revoked_at", label=_("Ended early")),
        TitleColumn(
            "end_label",
            label="",
            accessor=lambda entitlement: "" if entitlement.revoked_at else _("End access"),
            get_url=lambda entitlement: (
                None if entitlement.revoked_at else reverse("billing_entitlement_revoke", args=[entitlement.pk])
            ),
        ),
    ]
    filterset_class = EntitlementFilterSet
    search_fields = ["user__email", "note"]
    form_fields = ["note"]
    index_view_class = EntitlementIndexView


class SponsorViewSet(ModelViewSet):
    model = Sponsor
    icon = "group"
    menu_label = _("Sponsors")
    form_fields = ["name", "kind", "country", "contact_email"]
    list_display = [
        TitleColumn("name", label=_("Name"), url_name="billing_sponsor_detail"),
        Column("get_kind_display", label=_("Kind")),
        "country",
        "contact_email",
    ]
    search_fields = ["name"]
    copy_view_enabled = False


class SeatPoolCreateView(CreateView):
    def save_instance(self):
        # A new pool comes with one code per seat, ready to hand out or send.
        from .services.seats import generate_codes

        pool = super().save_instance()
        generate_codes(pool)
        return pool

    def get_success_url(self):
        return reverse("billing_sponsor_detail", args=[self.object.sponsor_id])


class SeatPoolIndexView(RelatedRowsIndexView):
    select_related = ("sponsor", "offer")


class SeatPoolViewSet(ModelViewSet):
    model = SeatPool
    index_view_class = SeatPoolIndexView
    add_view_class = SeatPoolCreateView
    icon = "table"
    menu_label = _("Seat pools")
    form_fields = ["sponsor", "offer", "seat_count", "access_days", "redeemable_until", "note"]
    list_display = [
        TitleColumn(
            "sponsor",
            label=_("Sponsor"),
            get_url=lambda pool: reverse("billing_sponsor_detail", args=[pool.sponsor_id]),
        ),
        Column("offer", label=_("Unlocks")),
        "seat_count",
        "redeemable_until",
    ]
    copy_view_enabled = False


class BillingViewSetGroup(ViewSetGroup):
    menu_label = _("Billing")
    menu_icon = "doc-full-inverse"
    menu_order = 230
    items = (
        OfferViewSet("billing_offers"),
        CouponViewSet("billing_coupons"),
        OrderViewSet("billing_orders"),
        PaymentViewSet("billing_payments"),
        EntitlementViewSet("billing_entitlements"),
        SponsorViewSet("billing_sponsors"),
        SeatPoolViewSet("billing_seat_pools"),
    )


@hooks.register("register_admin_viewset")
def register_billing_viewsets():
    return BillingViewSetGroup()


@hooks.register("register_admin_urls")
def register_billing_admin_urls():
    return [
        path(
            "billing-tools/orders/<int:pk>/receipt/",
            admin_views.OrderReceiptView.as_view(),
            name="billing_order_receipt",
        ),
        path(
            "billing-tools/orders/<int:pk>/rerender-receipt/",
            admin_views.OrderRerenderReceiptView.as_view(),
            name="billing_order_rerender_receipt",
        ),
        path("billing-tools/entitlements/grant/", admin_views.GrantView.as_view(), name="billing_entitlement_grant"),
        path(
            "billing-tools/entitlements/<int:pk>/end/",
            admin_views.RevokeEntitlementView.as_view(),
            name="billing_entitlement_revoke",
        ),
        path(
            "billing-tools/sponsors/<int:pk>/", admin_views.SponsorDetailView.as_view(), name="billing_sponsor_detail"
        ),
        path(
            "billing-tools/sponsors/<int:pk>/report.csv",
            admin_views.SponsorReportView.as_view(),
            name="billing_sponsor_report",
        ),
        path(
            "billing-tools/sponsors/<int:pk>/seats/<str:action>/",
            admin_views.SeatActionView.as_view(),
            name="billing_seat_action",
        ),
        path("reports/revenue/", admin_views.RevenueReportView.as_view(), name="billing_revenue"),
        path(
            "reports/revenue/results/",
            admin_views.RevenueReportView.as_view(results_only=True),
            name="billing_revenue_results",
        ),
    ]


class RevenueMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("billing.view_order")


@hooks.register("register_reports_menu_item")
def register_revenue_report_menu_item():
    return RevenueMenuItem(_("Revenue"), reverse("billing_revenue"), name="revenue", icon_name="table", order=1500)


@hooks.register("register_permissions")
def register_billing_permissions():
    # Shown on the group edit page, so an admin can hand billing rights to a group.
    return Permission.objects.filter(content_type__app_label="billing")


@hooks.register("register_log_actions")
def register_billing_log_actions(actions):
    actions.register_action("billing.grant", _("Grant access"), _("Access granted"))
    actions.register_action("billing.revoke", _("End access"), _("Access ended"))
    actions.register_action("billing.seats", _("Seat codes"), _("Seat codes changed"))
    actions.register_action("billing.receipt_rerender", _("Re-render receipt"), _("Receipt rendered again"))


# --- Refunds (checkout work): the orders listing links to this by its URL name. -------
@hooks.register("register_admin_urls")
def register_refund_admin_urls():
    return [
        path("billing/orders/<int:pk>/refund/", admin_views.RefundOrderView.as_view(), name="billing_refund_order"),
    ]


@hooks.register("register_log_actions")
def register_refund_log_actions(actions):
    actions.register_action("billing.order.refund", _("Refund"), _("Order refunded"))


from . import report_filters  # noqa: F401  (the learning reports' "Sponsor" filter)
