"""The learning reports' figures, each computed by the database in a fixed number of queries.

Definitions (also on each report page and in the README):

- trainees in year Y: distinct users with an enrollment created in Y;
- countries in year Y: distinct profile countries of those trainees (blank ones not counted);
- completions in year Y: enrollments completed in Y (one per trainee and course);
- funnel of a course, over its enrollments created in the date range: enrolled; lessons
  started (at least one lesson-progress row); all lessons done (every required lesson done,
  ``Enrollment.lessons_completed_at``); exam passed (at least one passed attempt); certificate
  (a valid certificate).
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from certificates.models import Certificate, CertificateStatus
from courses.models import ExamAttempt, LessonProgress
from courses.services import attach_tracks

COUNTRY = "user__profile__country"


@dataclass
class YearFigures:
    year: int
    trainees: int = 0
    countries: int = 0
    completions: int = 0


def yearly_figures(scope):
    """[YearFigures] in year order: two grouped queries, whatever the number of learners."""
    enrolled = (
        scope.enrollments.filter(scope.in_range("enrolled_at"))
        .annotate(year=ExtractYear("enrolled_at"))
        .values("year")
        .annotate(
            trainees=Count("user_id", distinct=True),
            countries=Count(COUNTRY, distinct=True, filter=~Q(**{COUNTRY: ""})),
        )
        .order_by()
    )
    completed = (
        scope.enrollments.filter(scope.in_range("completed_at"), completed_at__isnull=False)
        .annotate(year=ExtractYear("completed_at"))
        .values("year")
        .annotate(completions=Count("id"))
        .order_by()
    )
    years = {}
    for row in enrolled:
        years[row["year"]] = YearFigures(row["year"], row["trainees"], row["countries"])
    for row in completed:
        years.setdefault(row["year"], YearFigures(row["year"])).completions = row["completions"]
    return [years[year] for year in sorted(years)]


@dataclass
class CountryFigures:
    code: str
    trainees: int = 0
    enrollments: int = 0
    completions: int = 0

    @property
    def name(self):
        if not self.code:
            return str(_("Not given"))
        return countries.name(self.code) or self.code


def country_figures(scope):
    """[CountryFigures], most trainees first: two grouped queries."""
    enrolled = (
        scope.enrollments.filter(scope.in_range("enrolled_at"))
        .values(code=F(COUNTRY))
        .annotate(trainees=Count("user_id", distinct=True), enrollments=Count("id"))
        .order_by()
    )
    completed = (
        scope.enrollments.filter(scope.in_range("completed_at"), completed_at__isnull=False)
        .values(code=F(COUNTRY))
        .annotate(completions=Count("id"))
        .order_by()
    )
    rows = {}
    for row in enrolled:
        code = row["code"] or ""
        figures = rows.setdefault(code, CountryFigures(code))
        figures.trainees += row["trainees"]
        figures.enrollments += row["enrollments"]
    for row in completed:
        rows.setdefault(row["code"] or "", CountryFigures(row["code"] or "")).completions += row[
            "completions"
        ]
    return sorted(rows.values(), key=lambda f: (-f.trainees, -f.completions, not f.code, f.name))


FUNNEL_STAGES = ("enrolled", "lessons_started", "lessons_done", "exam_passed", "certified")


def _funnel_counts():
    return {
        "enrolled": Count("id"),
        "lessons_started": Count(
            "id", filter=Exists(LessonProgress.objects.filter(enrollment=OuterRef("pk")))
        ),
        "lessons_done": Count("id", filter=Q(lessons_completed_at__isnull=False)),
        "exam_passed": Count(
            "id", filter=Exists(ExamAttempt.objects.filter(enrollment=OuterRef("pk"), passed=True))
        ),
        "certified": Count(
            "id",
            filter=Exists(
                Certificate.objects.filter(
                    enrollment=OuterRef("pk"), status=CertificateStatus.VALID
                )
            ),
        ),
    }


def _funnel_enrollments(scope):
    return scope.enrollments.filter(scope.in_range("enrolled_at"))


def funnel_by_course(scope, course_ids):
    """{course id: {stage: count}} for these courses: one grouped query."""
    rows = (
        _funnel_enrollments(scope)
        .filter(course_id__in=course_ids)
        .values("course_id")
        .annotate(**_funnel_counts())
        .order_by()
    )
    return {row.pop("course_id"): row for row in rows}


def funnel_totals(scope):
    """{stage: count} over every enrollment in scope: one query."""
    return _funnel_enrollments(scope).aggregate(**_funnel_counts())


def attach_funnel(scope, courses):
    """Set the funnel counts and ``track_title`` on each course (a page of them): two queries."""
    courses = list(courses)
    counts = funnel_by_course(scope, [course.pk for course in courses])
    attach_tracks(courses)
    empty = dict.fromkeys(FUNNEL_STAGES, 0)
    for course in courses:
        for stage, value in counts.get(course.pk, empty).items():
            setattr(course, stage, value)
        course.track_title = course.track.title if course.track else ""
        course.certified_percent = percent(course.certified, course.enrolled)
    return courses


def percent(part, whole):
    return round(100 * part / whole) if whole else 0
