"""The base class of every report in the admin, and the one line that registers one.

A report is a Wagtail ``ReportView`` (filters, pagination, CSV/XLSX export) whose rows come
from database aggregation. To add one from another app (billing, alumni), write one class
and one line in that app's ``wagtail_hooks.py``::

    from reports.base import Report, register_report

    @register_report
    class RevenueReport(Report):
        slug = "revenue"                      # /admin/reports/revenue/
        page_title = _("Revenue")
        help_text = _("Paid orders by month, offer and currency; refunds subtracted.")
        columns = [Column("month", label=_("Month")), Column("total", label=_("Total"))]

        def get_rows(self):
            scope = self.scope                # the filters: dates, track, course, country...
            return Order.objects.filter(scope.in_range("paid_at"))...values(...).annotate(...)

        def get_charts(self, rows):           # optional
            return [column_chart(_("Revenue by month"), [(r["month"], r["total"]) for r in rows])]

Columns drive both the table and the export, so every table downloads as CSV or XLSX.
"""

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection, transaction
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports import ReportView

from .filters import LearningReportFilterSet

VIEW_REPORTS = "reports.view_reports"


class Report(ReportView):
    template_name = "reports/report.html"
    results_template_name = "reports/report_results.html"
    header_icon = "table"
    filterset_class = LearningReportFilterSet
    # A Django permission; billing may ask for its own (e.g. "billing.view_order").
    permission = VIEW_REPORTS
    slug = None
    help_text = ""
    menu_icon = "table"
    menu_order = 100
    paginate_by = None  # most reports are a few dozen aggregated rows

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    # --- Rows -----------------------------------------------------------------------

    @cached_property
    def scope(self):
        """The filter choices as a ReportScope (see reports/scope.py)."""
        if self.filters is None:
            from .scope import ReportScope

            return ReportScope.everything()
        return self.filters.scope()

    def get_rows(self):
        """The report's rows: a queryset, or a list of objects or dicts."""
        raise NotImplementedError

    def get_filtered_queryset(self):
        return self.get_rows()

    def get_charts(self, rows):
        """Charts (reports.charts.Chart) drawn above the table; none by default."""
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["help_text"] = self.help_text
        return context

    # PostgreSQL, for this request only: aggregates over hundreds of thousands of rows sort and
    # hash in memory instead of on disk, and skip JIT compilation (it costs ~100 ms per query
    # and saves nothing on one-off aggregates). Every row is computed inside get().
    postgres_settings = {"work_mem": "64MB", "jit": "off"}

    def get(self, request, *args, **kwargs):
        with transaction.atomic():
            if connection.vendor == "postgresql" and self.postgres_settings:
                with connection.cursor() as cursor:
                    calls = ", ".join(["set_config(%s, %s, true)"] * len(self.postgres_settings))
                    cursor.execute(
                        f"SELECT {calls}",
                        [v for item in self.postgres_settings.items() for v in item],
                    )
            self.object_list = self.get_filtered_queryset()
            context = self.get_context_data()
            context["object_list"] = self.decorate_paginated_queryset(context["object_list"])
            if not self.is_export:
                context["table"] = self.get_table(context["object_list"])
                context["charts"] = self.get_charts(context["object_list"])
        return self.render_to_response(context)

    # --- Export: the columns are the export's columns ---------------------------------

    @property
    def list_export(self):
        return [column.accessor for column in self.columns]

    @property
    def export_headings(self):
        return {column.accessor: str(column.label) for column in self.columns}

    def get_filename(self):
        return f"mka-{self.slug}"

    # --- Registration -------------------------------------------------------------------

    @classmethod
    def url_name(cls):
        return f"reports_{cls.slug.replace('-', '_')}"

    @classmethod
    def get_urlpatterns(cls):
        name = cls.url_name()
        options = {"index_url_name": name, "index_results_url_name": f"{name}_results"}
        return [
            path(f"reports/{cls.slug}/", cls.as_view(**options), name=name),
            path(
                f"reports/{cls.slug}/results/",
                cls.as_view(results_only=True, **options),
                name=f"{name}_results",
            ),
        ]

    @classmethod
    def get_menu_item(cls):
        return ReportMenuItem(
            cls.page_title,
            reverse(cls.url_name()),
            name=f"mka-report-{cls.slug}",
            icon_name=cls.menu_icon,
            order=cls.menu_order,
            permission=cls.permission,
        )


class ReportMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


def register_report(report_class):
    """Add the report's pages to the admin and its entry to the Reports menu."""
    if not report_class.slug or slugify(report_class.slug) != report_class.slug:
        raise ImproperlyConfigured(f"{report_class.__name__} needs a slug such as 'revenue'.")
    hooks.register("register_admin_urls", report_class.get_urlpatterns)
    hooks.register("register_reports_menu_item", report_class.get_menu_item)
    return report_class
