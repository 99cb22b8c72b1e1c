"""The learning reports: yearly figures, figures per country, the enrollment funnel per course."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from . import queries
from .base import Report
from .charts import COLOURS, bar_chart, column_chart

DATE_NOTE = _(
    "The date range applies to when each thing happened: enrollment for trainees, completion for completions."
)


class YearlyFiguresReport(Report):
    slug = "yearly-figures"
    page_title = _("Trainees, countries and completions per year")
    menu_icon = "date"
    menu_order = 100
    help_text = [
        _(
            "Trainees in a year: distinct people with an enrollment created that year (someone who enrolls "
            "in two years counts in both)."
        ),
        _(
            "Countries: distinct countries in those trainees' profiles (blank ones are not counted)."
        ),
        _("Completions: course completions recorded that year (one per trainee and course)."),
        DATE_NOTE,
    ]
    columns = [
        Column("year", label=_("Year")),
        Column("trainees", label=_("Trainees")),
        Column("countries", label=_("Countries")),
        Column("completions", label=_("Completions")),
    ]

    def get_rows(self):
        return queries.yearly_figures(self.scope)

    def get_charts(self, rows):
        return [
            column_chart(_("Trainees"), [(row.year, row.trainees) for row in rows], COLOURS[0]),
            column_chart(_("Countries"), [(row.year, row.countries) for row in rows], COLOURS[1]),
            column_chart(
                _("Completions"), [(row.year, row.completions) for row in rows], COLOURS[2]
            ),
        ]


class CountryFiguresReport(Report):
    slug = "countries"
    page_title = _("Trainees and completions per country")
    menu_icon = "globe"
    menu_order = 101
    help_text = [
        _(
            "Trainees: distinct people from the country with an enrollment created in the date range. "
            "Enrollments: their enrollments. Completions: course completions in the date range."
        ),
        _("The country is the one in the trainee's profile today."),
    ]
    columns = [
        Column("name", label=_("Country")),
        Column("code", label=_("Code")),
        Column("trainees", label=_("Trainees")),
        Column("enrollments", label=_("Enrollments")),
        Column("completions", label=_("Completions")),
    ]
    top = 15

    def get_rows(self):
        return queries.country_figures(self.scope)

    def get_charts(self, rows):
        if not rows:
            return []
        shown = rows[: self.top]
        title = (
            _("Trainees by country")
            if len(rows) <= self.top
            else _("Trainees: the %(count)s countries with most") % {"count": self.top}
        )
        return [bar_chart(title, [(row.name, row.trainees) for row in shown])]


class CourseFunnelReport(Report):
    slug = "course-funnel"
    page_title = _("Enrollment funnel per course")
    menu_icon = "list-ul"
    menu_order = 102
    paginate_by = 50
    help_text = [
        _(
            "Counts the enrollments created in the date range, and how far each got: lessons started (at least one "
            "lesson opened), all lessons done (every required lesson finished), exam passed (a passed attempt), "
            "certificate (a valid certificate: revoked and superseded ones are not counted)."
        ),
        _("The chart adds up every course in the filter."),
    ]
    columns = [
        Column("title", label=_("Course")),
        Column("track_title", label=_("Track")),
        Column("enrolled", label=_("Enrolled")),
        Column("lessons_started", label=_("Lessons started")),
        Column("lessons_done", label=_("All lessons done")),
        Column("exam_passed", label=_("Exam passed")),
        Column("certified", label=_("Certificate")),
        Column("certified_percent", label=_("Certified (%)")),
    ]
    stage_labels = {
        "enrolled": _("Enrolled"),
        "lessons_started": _("Lessons started"),
        "lessons_done": _("All lessons done"),
        "exam_passed": _("Exam passed"),
        "certified": _("Certificate"),
    }

    def get_rows(self):
        # Courses by track, then title (tree order); the counts come per page of courses.
        return self.scope.courses.order_by("path").only("pk", "title", "path", "depth")

    def decorate_paginated_queryset(self, object_list):
        return queries.attach_funnel(self.scope, object_list)

    def get_charts(self, rows):
        totals = queries.funnel_totals(self.scope)
        enrolled = totals["enrolled"]
        items = [(self.stage_labels[stage], totals[stage] or 0) for stage in queries.FUNNEL_STAGES]
        notes = [f"{queries.percent(value, enrolled)} %" for _label, value in items]
        return [bar_chart(_("All courses in the filter"), items, notes=notes)]


LEARNING_REPORTS = [YearlyFiguresReport, CountryFiguresReport, CourseFunnelReport]
