from django.http import Http404
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Enrollment, LessonAttachment, LessonPage
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
