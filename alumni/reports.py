"""Alumni reports in the admin's Reports menu: alumni per cohort year, country or chapter, and
attendance per event. Every figure is a database aggregate (``values().annotate(Count(...))``):
a page costs the same few queries for ten alumni or a hundred thousand.

Registered in ``alumni/wagtail_hooks.py`` with ``reports.base.register_report``.
"""

import datetime
from dataclasses import dataclass

import django_filters
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import AdminDateInput
from wagtail.coreutils import get_supported_content_language_variant

from reports.base import Report
from reports.charts import COLOURS, bar_chart, column_chart
from reports.queries import percent
from reports.scope import day_start

from .models import (
    AdmissionSource,
    AlumniMembership,
    Audience,
    Chapter,
    EventKind,
    EventPage,
    Registration,
    RegistrationStatus,
)

COUNTRY = "user__profile__country"


class DateRangeFilterSet(WagtailFilterSet):
    """From / to (both days included, in the site's time zone) on ``date_field``."""

    date_field = None
    date_from = django_filters.DateFilter(label=_("From"), widget=AdminDateInput, method="filter_from")
    date_to = django_filters.DateFilter(label=_("To (included)"), widget=AdminDateInput, method="filter_to")

    def filter_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__gte": day_start(value)})

    def filter_to(self, queryset, name, value):
        return queryset.filter(**{f"{self.date_field}__lt": day_start(value + datetime.timedelta(days=1))})

    def is_valid(self):
        if not super().is_valid():
            return False
        data = self.form.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.form.add_error("date_to", ValidationError(_("The start date is after the end date.")))
            return False
        return True

    def rows(self, queryset):
        """The queryset narrowed by the valid choices; an invalid form counts everything (and says why)."""
        return self.filter_queryset(queryset) if self.is_valid() else queryset


# --- Alumni per cohort year, country or chapter ---------------------------------------


class AlumniGrouping:
    COHORT = "cohort"
    COUNTRY = "country"
    CHAPTER = "chapter"
    CHOICES = [
        (COHORT, _("Cohort year")),
        (COUNTRY, _("Country")),
        (CHAPTER, _("Chapter")),
    ]


def _keep(queryset, name, value):
    return queryset


class AlumniReportFilterSet(DateRangeFilterSet):
    date_field = "admitted_at"
    group_by = django_filters.ChoiceFilter(
        label=_("One row per"), choices=AlumniGrouping.CHOICES, empty_label=None, method=_keep
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=lambda: list(countries), field_name=COUNTRY)
    chapter = django_filters.ModelChoiceFilter(label=_("Chapter"), queryset=Chapter.objects.all(), field_name="chapter")

    class Meta:
        model = AlumniMembership
        fields = []


@dataclass
class AlumniFigures:
    key: object
    label: str
    alumni: int = 0
    from_completion: int = 0
    offline: int = 0


def _alumni_counts():
    return {
        "alumni": Count("id"),
        "from_completion": Count("id", filter=Q(source=AdmissionSource.COMPLETION)),
        "offline": Count("id", filter=Q(source=AdmissionSource.OFFLINE_PROGRAMME)),
    }


def alumni_figures(memberships, group_by=AlumniGrouping.COHORT):
    """[AlumniFigures] for these memberships, one per cohort year (oldest first), country or chapter
    (most alumni first): one grouped query."""
    if group_by == AlumniGrouping.COUNTRY:
        rows = memberships.values(key=F(COUNTRY)).annotate(**_alumni_counts()).order_by()
        figures = [
            AlumniFigures(
                row["key"] or "",
                (countries.name(row["key"]) or row["key"]) if row["key"] else str(_("Not given")),
                row["alumni"],
                row["from_completion"],
                row["offline"],
            )
            for row in rows
        ]
        return sorted(figures, key=lambda f: (-f.alumni, not f.key, f.label))
    if group_by == AlumniGrouping.CHAPTER:
        rows = memberships.values(key=F("chapter_id"), name=F("chapter__name")).annotate(**_alumni_counts()).order_by()
        figures = [
            AlumniFigures(
                row["key"], row["name"] or str(_("No chapter")), row["alumni"], row["from_completion"], row["offline"]
            )
            for row in rows
        ]
        return sorted(figures, key=lambda f: (-f.alumni, f.key is None, f.label))
    rows = memberships.values(key=F("cohort_year")).annotate(**_alumni_counts()).order_by("key")
    return [
        AlumniFigures(row["key"], str(row["key"]), row["alumni"], row["from_completion"], row["offline"])
        for row in rows
    ]


class AlumniReport(Report):
    slug = "alumni"
    page_title = _("Alumni per cohort year, country and chapter")
    menu_icon = "group"
    menu_order = 110
    filterset_class = AlumniReportFilterSet
    help_text = [
        _(
            "Alumni: people with alumni status, by the cohort year they were admitted into. "
            "Completed an online course: admitted automatically on their first completed course. "
            "Offline programme: graduates of the offline programme admitted by staff."
        ),
        _("The date range applies to the day of admission; the country is the one in the alumnus's profile today."),
        _("Choose “One row per” to count by cohort year, country or chapter."),
    ]
    group_labels = dict(AlumniGrouping.CHOICES)

    @property
    def group_by(self):
        if self.filters is not None and self.filters.is_valid():
            return self.filters.form.cleaned_data.get("group_by") or AlumniGrouping.COHORT
        return AlumniGrouping.COHORT

    @property
    def columns(self):
        return [
            Column("label", label=self.group_labels[self.group_by]),
            Column("alumni", label=_("Alumni")),
            Column("from_completion", label=_("Completed an online course")),
            Column("offline", label=_("Offline programme")),
        ]

    def get_rows(self):
        memberships = AlumniMembership.objects.all()
        if self.filters is not None:
            memberships = self.filters.rows(memberships)
        return alumni_figures(memberships, self.group_by)

    def get_filename(self):
        return f"mka-{self.slug}-{self.group_by}"

    def get_charts(self, rows):
        if self.group_by == AlumniGrouping.COHORT:
            return [
                column_chart(_("New alumni per cohort year"), [(row.label, row.alumni) for row in rows], COLOURS[0]),
                column_chart(
                    _("Completed an online course"), [(row.label, row.from_completion) for row in rows], COLOURS[1]
                ),
                column_chart(_("Offline programme"), [(row.label, row.offline) for row in rows], COLOURS[2]),
            ]
        if not rows:
            return []
        title = _("Alumni by country") if self.group_by == AlumniGrouping.COUNTRY else _("Alumni by chapter")
        return [bar_chart(title, [(row.label, row.alumni) for row in rows[:15]])]


# --- Attendance per event --------------------------------------------------------------


class EventReportFilterSet(DateRangeFilterSet):
    date_field = "starts_at"
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EventKind.choices)
    audience = django_filters.ChoiceFilter(label=_("Who may register"), choices=Audience.choices)
    chapter = django_filters.ModelChoiceFilter(label=_("Chapter"), queryset=Chapter.objects.all(), field_name="chapter")

    class Meta:
        model = EventPage
        fields = []


def _registration_counts():
    return {
        "registered": Count("id", filter=Q(status=RegistrationStatus.REGISTERED)),
        "waitlisted": Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)),
        "cancelled": Count("id", filter=Q(status=RegistrationStatus.CANCELLED)),
        "attended": Count("id", filter=Q(attended_at__isnull=False)),
    }


def source_events():
    """One page per event: the one in the default language, or the only one there is.

    A translated event is a page per language, each with its own registrations; the report
    counts them together on the default-language page."""
    default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    has_default = EventPage.objects.filter(translation_key=OuterRef("translation_key"), locale__language_code=default)
    return EventPage.objects.filter(Q(locale__language_code=default) | ~Exists(has_default))


def _count_registrations(**conditions):
    counts = (
        Registration.objects.filter(event__translation_key=OuterRef("translation_key"), **conditions)
        .order_by()
        .values("event__translation_key")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


def event_attendance(events):
    """The events, latest first, each annotated with the registration counts of all its
    translations: one query (per page of events)."""
    return (
        events.annotate(
            registered=_count_registrations(status=RegistrationStatus.REGISTERED),
            waitlisted=_count_registrations(status=RegistrationStatus.WAITLISTED),
            cancelled=_count_registrations(status=RegistrationStatus.CANCELLED),
            attended=_count_registrations(attended_at__isnull=False),
        )
        .order_by("-starts_at", "pk")
        .only("pk", "title", "kind", "starts_at", "capacity", "translation_key")
    )


def attendance_totals(events):
    """{registered, waitlisted, cancelled, attended, events} over every event in the filter: two queries."""
    totals = Registration.objects.filter(event__translation_key__in=events.values("translation_key")).aggregate(
        **_registration_counts()
    )
    totals["events"] = events.count()
    totals["rate"] = percent(totals["attended"], totals["registered"])
    return totals


class EventAttendanceReport(Report):
    slug = "event-attendance"
    page_title = _("Event attendance")
    menu_icon = "date"
    menu_order = 111
    paginate_by = 50
    filterset_class = EventReportFilterSet
    results_template_name = "alumni/reports/event_attendance_results.html"
    help_text = [
        _(
            "One row per event, its translations counted together. Registered: people holding a seat now. Waiting list: people waiting for a seat. Cancelled: people "
            "who cancelled. Attended: people marked present (only people with a seat can be)."
        ),
        _("Attendance rate: attended out of registered. The date range applies to the event's start."),
    ]
    columns = [
        Column("title", label=_("Event")),
        Column("kind_label", label=_("Kind")),
        Column("starts_on", label=_("Starts")),
        Column("capacity_text", label=_("Capacity")),
        Column("registered", label=_("Registered")),
        Column("waitlisted", label=_("Waiting list")),
        Column("cancelled", label=_("Cancelled")),
        Column("attended", label=_("Attended")),
        Column("attendance_rate", label=_("Attendance rate (%)")),
    ]

    @property
    def events(self):
        events = source_events()
        if self.filters is not None:
            events = self.filters.rows(events)
        return events

    def get_rows(self):
        return event_attendance(self.events)

    def decorate_paginated_queryset(self, object_list):
        kinds = dict(EventKind.choices)
        rows = list(object_list)
        for event in rows:
            event.kind_label = str(kinds.get(event.kind, event.kind))
            event.starts_on = timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M")
            event.capacity_text = event.capacity if event.capacity is not None else str(_("Unlimited"))
            event.attendance_rate = percent(event.attended, event.registered)
        return rows

    @cached_property
    def totals(self):
        return attendance_totals(self.events)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.is_export:
            context["totals"] = self.totals
        return context

    def get_charts(self, rows):
        totals = self.totals
        items = [
            (_("Registered"), totals["registered"]),
            (_("Waiting list"), totals["waitlisted"]),
            (_("Cancelled"), totals["cancelled"]),
            (_("Attended"), totals["attended"]),
        ]
        return [bar_chart(_("All events in the filter"), items, colour=COLOURS[3])]


ALUMNI_REPORTS = [AlumniReport, EventAttendanceReport]
