"""The filters every learning report shares: date range, track, course, country.

Another app adds a filter to all of them (billing: sponsor) with a Wagtail hook returning a
name and a django-filter ``Filter`` that narrows an ``Enrollment`` queryset::

    @hooks.register("register_report_enrollment_filter")
    def sponsor_filter():
        return "sponsor", django_filters.ModelChoiceFilter(
            label=_("Sponsor"), queryset=Sponsor.objects.all(), field_name="seat__sponsor"
        )
"""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.widgets import AdminDateInput

from courses.models import CoursePage, Enrollment, TrackPage

from .scope import ReportScope

DATE_FILTERS = ("date_from", "date_to")


def _keep(queryset, name, value):
    # The dates apply to each figure's own event (see ReportScope.in_range), not here.
    return queryset


class LearningReportFilterSet(WagtailFilterSet):
    date_from = django_filters.DateFilter(label=_("From"), widget=AdminDateInput, method=_keep)
    date_to = django_filters.DateFilter(
        label=_("To (included)"), widget=AdminDateInput, method=_keep
    )
    track = django_filters.ModelChoiceFilter(
        label=_("Track"), queryset=TrackPage.objects.order_by("title"), method="filter_track"
    )
    course = django_filters.ModelChoiceFilter(
        label=_("Course"), queryset=CoursePage.objects.order_by("title"), field_name="course"
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=lambda: list(countries), field_name="user__profile__country"
    )

    class Meta:
        model = Enrollment
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for hook in hooks.get_hooks("register_report_enrollment_filter"):
            name, extra = hook()
            extra.parent = self
            self.filters[name] = extra

    def filter_track(self, queryset, name, track):
        return queryset.filter(course__path__startswith=track.path, course__depth=track.depth + 1)

    def clean_dates(self):
        data = self.form.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("The start date is after the end date."))

    def is_valid(self):
        if not super().is_valid():
            return False
        try:
            self.clean_dates()
        except ValidationError as error:
            self.form.add_error("date_to", error)
            return False
        return True

    def scope(self):
        """The ReportScope of valid choices; an invalid form counts everything (and shows why)."""
        if not self.is_valid():
            return ReportScope.everything()
        data = self.form.cleaned_data
        enrollments = self.filter_queryset(Enrollment.objects.all())
        courses = CoursePage.objects.all()
        if data.get("track"):
            track = data["track"]
            courses = courses.filter(path__startswith=track.path, depth=track.depth + 1)
        if data.get("course"):
            courses = courses.filter(pk=data["course"].pk)
        return ReportScope(enrollments, courses, data.get("date_from"), data.get("date_to"))
