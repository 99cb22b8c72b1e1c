from django.db.models import Count
from django.http import Http404
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import LogFormatter

from . import admin_views
from .models import Enrollment, Exam, LessonAttachment, LessonPage
from .services import can_view_lesson


@hooks.register("before_serve_document")
def protect_lesson_attachments(document, request):
    """A document attached to a lesson is for that lesson's learners only."""
    lesson_ids = LessonAttachment.objects.filter(document=document).values_list("lesson_id", flat=True)
    lessons = LessonPage.objects.filter(pk__in=lesson_ids)
    if lessons and not any(can_view_lesson(request.user, lesson) for lesson in lessons):
        raise Http404


class EnrollmentViewSet(ModelViewSet):
    model = Enrollment
    icon = "user"
    menu_label = "Enrollments"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["user", "course", "enrolled_at", "last_activity_at", "completed_at"]
    list_filter = ["course", "completed_at", "enrolled_at"]
    search_fields = ["user__email", "user__profile__name_latin", "course__title"]
    form_fields = ["completed_at"]
    inspect_view_enabled = True
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_enrollment_viewset():
    return EnrollmentViewSet("enrollments")


# --- Completion exams ----------------------------------------------------------------

def exam_tool_links(exam, user):
    """(label, url, icon) of the exam's import, report and grant pages the user may open."""
    links = []
    if user.has_perm(admin_views.IMPORT_PERMISSION):
        links.append((_("Import questions"), reverse("exam_admin:import", args=[exam.pk]), "upload"))
    if user.has_perm(admin_views.REPORT_PERMISSION):
        links.append((_("Report"), reverse("exam_admin:report", args=[exam.pk]), "table"))
    if user.has_perm(admin_views.GRANT_PERMISSION):
        links.append((_("Grant an extra attempt"), reverse("exam_admin:grant", args=[exam.pk]), "plus"))
    return links


class ExamIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("course")
            .annotate(
                question_count=Count("questions", distinct=True),
                attempt_count=Count("attempts", distinct=True),
            )
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for priority, (label, url, icon) in enumerate(exam_tool_links(instance, self.request.user), start=40):
            buttons.append(MenuItem(label, url=url, icon_name=icon, priority=priority))
        return buttons


class ExamEditView(generic.EditView):
    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(label, url=url, icon_name=icon, priority=priority)
            for priority, (label, url, icon) in enumerate(exam_tool_links(self.object, self.request.user))
        ]


class ExamViewSet(ModelViewSet):
    model = Exam
    icon = "tasks"
    menu_label = _("Exams")
    menu_order = 205
    add_to_admin_menu = True
    index_view_class = ExamIndexView
    edit_view_class = ExamEditView
    list_display = [
        "course",
        Column("question_count", label=_("Questions"), sort_key="question_count"),
        Column("pass_mark_percent", label=_("Pass mark (%)"), sort_key="pass_mark_percent"),
        Column("time_limit_minutes", label=_("Time limit (min)")),
        Column("max_attempts", label=_("Max. attempts")),
        Column("attempt_count", label=_("Attempts"), sort_key="attempt_count"),
    ]
    search_fields = ["course__title"]
    copy_view_enabled = False
    inspect_view_enabled = False


@hooks.register("register_admin_viewset")
def register_exam_viewset():
    return ExamViewSet("exams")


@hooks.register("register_admin_urls")
def register_exam_admin_urls():
    urls = [
        path("<int:exam_id>/import/", admin_views.QuestionImportView.as_view(), name="import"),
        path("<int:exam_id>/report/", admin_views.ExamReportView.as_view(), name="report"),
        path("<int:exam_id>/grant/", admin_views.GrantExtraAttemptView.as_view(), name="grant"),
    ]
    return [path("exam-tools/", include((urls, "exam_admin"), namespace="exam_admin"))]


@hooks.register("register_log_actions")
def register_exam_log_actions(actions):
    @actions.register_action("courses.exam.import_questions")
    class ImportQuestions(LogFormatter):
        label = _("Import questions")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            created = data.get("created", 0)
            message = ngettext(
                "Imported %(created)s question from %(file)s", "Imported %(created)s questions from %(file)s", created
            ) % {"created": created, "file": data.get("file", "a file")}
            if data.get("removed"):
                message += _(", replacing %(removed)s") % {"removed": data["removed"]}
            return message

    @actions.register_action("courses.exam.grant_extra_attempt")
    class GrantExtraAttempt(LogFormatter):
        label = _("Grant an extra attempt")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("Extra attempt for %(trainee)s: %(reason)s") % {
                "trainee": data.get("trainee", "?"),
                "reason": data.get("reason", ""),
            }
