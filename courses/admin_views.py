"""Wagtail admin views for completion exams: question bank import, results report, extra attempts.

Registered by ``courses.wagtail_hooks`` (``register_admin_urls``) under ``/admin/exam-tools/``.
The exam itself (rules and question bank) is edited by the ``ExamViewSet`` there.
"""

import csv

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from . import exam_services
from .models import AttemptQuestion, AttemptState, Enrollment, Exam, ExamAttempt, ExtraAttemptGrant
from .question_import import CSV_COLUMNS, MAX_OPTIONS, MAX_ROWS, import_question_bank, sample_csv

IMPORT_PERMISSION = "courses.change_exam"
REPORT_PERMISSION = "courses.view_examattempt"
GRANT_PERMISSION = "courses.add_extraattemptgrant"
ATTEMPTS_PER_PAGE = 50


def exam_edit_url(exam):
    try:
        return reverse("exams:edit", args=[exam.pk])
    except NoReverseMatch:  # the viewset is not registered (e.g. a trimmed-down test setup)
        return ""


def exam_index_url():
    try:
        return reverse("exams:index")
    except NoReverseMatch:
        return ""


class ExamToolView(WagtailAdminTemplateMixin):
    """The exam from the URL, a permission check (403 when missing) and breadcrumbs."""

    permission_required = None
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        self.exam = get_object_or_404(Exam.objects.select_related("course"), pk=kwargs["exam_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.exam.course.title

    def get_breadcrumbs_items(self):
        items = [{"url": exam_index_url(), "label": _("Exams")}]
        edit_url = exam_edit_url(self.exam) if self.request.user.has_perm("courses.change_exam") else ""
        items.append({"url": edit_url, "label": self.exam.course.title})
        items.append({"url": "", "label": self.get_page_title()})
        return self.breadcrumbs_items + items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            exam=self.exam,
            edit_url=exam_edit_url(self.exam) if user.has_perm(IMPORT_PERMISSION) else "",
            import_url=reverse("exam_admin:import", args=[self.exam.pk]) if user.has_perm(IMPORT_PERMISSION) else "",
            report_url=reverse("exam_admin:report", args=[self.exam.pk]) if user.has_perm(REPORT_PERMISSION) else "",
            grant_url=reverse("exam_admin:grant", args=[self.exam.pk]) if user.has_perm(GRANT_PERMISSION) else "",
        )
        return context


# --- Import ---------------------------------------------------------------------------


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Question bank file"),
        help_text=gettext_lazy("A .csv (UTF-8) or .json file, at most 2 MB and 1000 questions."),
    )
    replace = forms.BooleanField(
        label=gettext_lazy("Replace the existing questions"),
        required=False,
        help_text=gettext_lazy(
            "Off: the file's questions are added after the existing ones. On: the bank is replaced. "
            "Attempts already taken keep their own copy of the questions."
        ),
    )


class QuestionImportView(ExamToolView, FormView):
    permission_required = IMPORT_PERMISSION
    page_title = gettext_lazy("Import questions")
    header_icon = "upload"
    template_name = "courses/admin/exam_import.html"
    form_class = QuestionImportForm

    def get(self, request, *args, **kwargs):
        if request.GET.get("sample") == "csv":
            response = HttpResponse(sample_csv(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="question-bank-sample.csv"'
            return response
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        replace = form.cleaned_data["replace"]
        report = import_question_bank(self.exam, form.cleaned_data["file"], replace=replace)
        if not report.ok:
            messages.error(self.request, report.summary())
            return self.render_to_response(self.get_context_data(form=form, report=report))
        log(
            instance=self.exam,
            action="courses.exam.import_questions",
            user=self.request.user,
            data={"created": report.created, "removed": report.removed, "file": form.cleaned_data["file"].name},
        )
        messages.success(self.request, report.summary())
        return redirect(exam_edit_url(self.exam) or reverse("exam_admin:import", args=[self.exam.pk]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            columns=",".join(CSV_COLUMNS),
            max_options=MAX_OPTIONS,
            max_rows=MAX_ROWS,
            question_count=self.exam.questions.count(),
            sample_url=reverse("exam_admin:import", args=[self.exam.pk]) + "?sample=csv",
        )
        return context


# --- Report ---------------------------------------------------------------------------


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else None


def exam_summary(exam):
    graded = ~Q(state=AttemptState.OPEN)
    numbers = ExamAttempt.objects.filter(exam=exam).aggregate(
        attempts=Count("pk"),
        open=Count("pk", filter=Q(state=AttemptState.OPEN)),
        graded=Count("pk", filter=graded),
        passed_count=Count("pk", filter=Q(passed=True)),
        trainees=Count("enrollment", distinct=True),
        trainees_passed=Count("enrollment", filter=Q(passed=True), distinct=True),
        average_score=Avg("score_percent", filter=graded),
    )
    numbers["enrolled"] = Enrollment.objects.filter(course_id=exam.course_id).count()
    numbers["pass_rate"] = _percent(numbers["passed_count"], numbers["graded"])
    numbers["trainee_pass_rate"] = _percent(numbers["trainees_passed"], numbers["trainees"])
    if numbers["average_score"] is not None:
        numbers["average_score"] = round(float(numbers["average_score"]), 1)
    return numbers


def question_difficulty(exam):
    """Each question of the bank with how often it was drawn and answered fully correctly.

    Counted by the database over the frozen attempt questions; the share counts graded
    answers only (an attempt still open has no score yet).
    """
    stats = {
        row["question_id"]: row
        for row in AttemptQuestion.objects.filter(attempt__exam=exam, question__isnull=False)
        .values("question_id")
        .annotate(
            drawn=Count("pk"),
            graded=Count("pk", filter=Q(score__isnull=False)),
            correct=Count("pk", filter=Q(score=1)),
            average=Avg("score"),
        )
        .order_by()
    }
    rows = []
    for position, question in enumerate(exam.questions.order_by("sort_order", "pk"), start=1):
        row = stats.get(question.pk, {})
        graded = row.get("graded", 0)
        rows.append(
            {
                "position": position,
                "question": question,
                "drawn": row.get("drawn", 0),
                "graded": graded,
                "correct": row.get("correct", 0),
                "share_correct": _percent(row.get("correct", 0), graded),
                "average_score": round(100 * row["average"], 1) if row.get("average") is not None else None,
            }
        )
    return rows


def attempt_rows(exam):
    return (
        ExamAttempt.objects.filter(exam=exam)
        .select_related("enrollment__user__profile")
        .order_by("-started_at", "-pk")
    )


def _trainee(attempt_or_enrollment):
    user = attempt_or_enrollment.user if isinstance(attempt_or_enrollment, Enrollment) else attempt_or_enrollment.enrollment.user
    profile = getattr(user, "profile", None)
    country = profile.country.name if profile and profile.country else ""
    name = profile.name_latin if profile and profile.name_latin else (user.get_full_name() or "")
    return name, user.email, country


def _safe(value):
    """Spreadsheet-safe cell: text starting with = + - @ is not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read the UTF-8 names correctly
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(value) for value in row])
    return response


class ExamReportView(ExamToolView, TemplateView):
    permission_required = REPORT_PERMISSION
    page_title = gettext_lazy("Exam report")
    header_icon = "table"
    template_name = "courses/admin/exam_report.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            if request.GET.get("table") == "questions":
                return self.questions_csv()
            return self.attempts_csv()
        return super().get(request, *args, **kwargs)

    def _filename(self, table):
        return f"exam-{self.exam.course.slug}-{table}-{timezone.localdate():%Y-%m-%d}.csv"

    def attempts_csv(self):
        states = dict(AttemptState.choices)

        def rows():
            for attempt in attempt_rows(self.exam).iterator(chunk_size=500):
                name, email, country = _trainee(attempt)
                yield [
                    name,
                    email,
                    country,
                    attempt.number,
                    str(states.get(attempt.state, attempt.state)),
                    "" if attempt.score_percent is None else attempt.score_percent,
                    {True: "yes", False: "no"}.get(attempt.passed, ""),
                    _when(attempt.started_at),
                    _when(attempt.closed_at),
                ]

        header = ["trainee", "email", "country", "attempt", "state", "score_percent", "passed", "started_at", "closed_at"]
        return _csv_response(self._filename("attempts"), header, rows())

    def questions_csv(self):
        rows = (
            [
                row["position"],
                row["question"].text,
                row["question"].kind,
                row["drawn"],
                row["graded"],
                row["correct"],
                "" if row["share_correct"] is None else row["share_correct"],
                "" if row["average_score"] is None else row["average_score"],
            ]
            for row in question_difficulty(self.exam)
        )
        header = ["position", "question", "kind", "times_drawn", "times_graded", "fully_correct",
                  "share_correct_percent", "average_score_percent"]
        return _csv_response(self._filename("questions"), header, rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(attempt_rows(self.exam), ATTEMPTS_PER_PAGE).get_page(self.request.GET.get("page"))
        attempts = [(attempt, *_trainee(attempt)) for attempt in page.object_list]
        grants = ExtraAttemptGrant.objects.filter(exam=self.exam).select_related(
            "enrollment__user__profile", "granted_by"
        )
        context.update(
            summary=exam_summary(self.exam),
            attempts=attempts,
            page=page,
            questions=question_difficulty(self.exam),
            grants=[(grant, *_trainee(grant.enrollment)) for grant in grants],
            attempts_csv_url="?format=csv&table=attempts",
            questions_csv_url="?format=csv&table=questions",
        )
        return context


# --- Extra attempts ----------------------------------------------------------------------


class EnrollmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, enrollment):
        name, email, _country = _trainee(enrollment)
        used = getattr(enrollment, "attempts_used", None)
        label = f"{name} <{email}>" if name else email
        if used is not None:
            label += " – " + (_("%(count)s attempt(s) used") % {"count": used})
        return label


class ExtraAttemptForm(forms.Form):
    enrollment = EnrollmentChoiceField(
        queryset=Enrollment.objects.none(), label=gettext_lazy("Trainee"), empty_label=gettext_lazy("Choose a trainee")
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept with the grant for the audit trail, e.g. “Power cut during attempt 3”."),
    )

    def __init__(self, *args, exam, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollment"].queryset = (
            Enrollment.objects.filter(course_id=exam.course_id)
            .select_related("user__profile")
            .annotate(attempts_used=Count("exam_attempts", filter=Q(exam_attempts__exam=exam)))
            .order_by("user__email")
        )


class GrantExtraAttemptView(ExamToolView, FormView):
    permission_required = GRANT_PERMISSION
    page_title = gettext_lazy("Grant an extra attempt")
    header_icon = "plus"
    template_name = "courses/admin/exam_grant.html"
    form_class = ExtraAttemptForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["exam"] = self.exam
        return kwargs

    def get_initial(self):
        return {"enrollment": self.request.GET.get("enrollment") or None}

    def form_valid(self, form):
        enrollment = form.cleaned_data["enrollment"]
        try:
            grant = exam_services.grant_extra_attempt(
                self.request.user, enrollment, self.exam, form.cleaned_data["reason"]
            )
        except exam_services.ExamError as error:
            form.add_error("reason", str(error))
            return self.form_invalid(form)
        name, email, _country = _trainee(enrollment)
        log(instance=grant, action="wagtail.create", user=self.request.user, title=str(grant))
        log(
            instance=self.exam,
            action="courses.exam.grant_extra_attempt",
            user=self.request.user,
            data={"trainee": email, "reason": grant.reason, "grant_id": grant.pk},
        )
        messages.success(
            self.request, _("%(trainee)s may take one more attempt.") % {"trainee": name or email}
        )
        if self.request.user.has_perm(REPORT_PERMISSION):
            return redirect("exam_admin:report", self.exam.pk)
        return redirect(reverse("exam_admin:grant", args=[self.exam.pk]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent_grants"] = [
            (grant, *_trainee(grant.enrollment))
            for grant in ExtraAttemptGrant.objects.filter(exam=self.exam)
            .select_related("enrollment__user__profile", "granted_by")[:10]
        ]
        return context
