from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import exam_services, services
from .media import protected_file_response
from .models import CoursePage, LessonPage


def lesson_access_gate(request, lesson):
    """Called by LessonPage.serve: None lets the page render; otherwise the response to send."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if services.can_view_lesson(request.user, lesson):
        return None
    course = lesson.course
    messages.info(request, _("Enroll in “%(course)s” to open its lessons.") % {"course": course.title})
    return redirect(course.url)


@require_POST
@login_required
def enroll(request, course_id):
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    try:
        enrollment = services.enroll(request.user, course)
    except services.ProfileIncomplete as error:
        messages.info(request, str(error))
        return redirect(reverse("accounts:profile") + "?" + urlencode({"next": course.url}))
    except services.LearningError as error:
        messages.error(request, str(error))
        return redirect(course.url)
    if enrollment.last_activity_at is None:
        messages.success(request, _("You are enrolled. Start with the first lesson when you are ready."))
    first = course.lessons().first()
    return redirect(first.url if first else course.url)


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _live_lesson(lesson_id):
    return get_object_or_404(LessonPage.objects.live().select_related("video"), pk=lesson_id)


@require_POST
def lesson_progress(request, lesson_id):
    """The player's beacon: position and seconds watched so far (form-encoded, sendBeacon-friendly)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Your session has ended. Please log in again.")}, status=401)
    lesson = _live_lesson(lesson_id)
    position, watched = _number(request.POST.get("position")), _number(request.POST.get("watched"))
    if position is None or watched is None:
        return JsonResponse({"error": _("position and watched must be numbers of seconds.")}, status=400)
    try:
        report = services.record_progress(request.user, lesson, position, watched)
    except services.AccessDenied as error:
        return JsonResponse({"error": str(error)}, status=403)
    except services.LearningError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(
        {
            "last_position": report.last_position,
            "furthest_position": report.furthest_position,
            "seconds_watched": report.seconds_watched,
            "completed": report.completed,
            "course_completed": report.course_completed,
        }
    )


@require_POST
@login_required
def lesson_done(request, lesson_id):
    lesson = _live_lesson(lesson_id)
    try:
        services.mark_lesson_done(request.user, lesson)
    except services.LearningError as error:
        messages.error(request, str(error))
        return redirect(lesson.url)
    messages.success(request, _("Lesson marked as done."))
    following = lesson.get_next_siblings().live().type(LessonPage).first()
    return redirect(following.url if following else lesson.course.url)


@login_required
def lesson_video(request, lesson_id):
    lesson = _live_lesson(lesson_id)
    if not lesson.video_id or not services.can_view_lesson(request.user, lesson):
        raise Http404  # never confirm that a video exists to someone who may not see it
    return protected_file_response(request, lesson.video.file)


@login_required
def dashboard(request):
    context = services.dashboard(request.user)
    # Other apps (certificates, later alumni) contribute panels without courses importing them.
    context["panels"] = [import_string(path)(request.user) for path in settings.DASHBOARD_PANELS]
    return render(request, "courses/dashboard.html", context)


# --- Exams -------------------------------------------------------------------------


def _live_course(course_id):
    """The course to show (in the active language where translated) and the original it translates.

    Exams and attempts belong to the original course, whichever translation links here.
    """
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    return course.localized, course.canonical


def _own_attempt(request, attempt_id):
    attempt = exam_services.get_attempt(request.user, attempt_id)
    if attempt is None:
        raise Http404  # someone else's attempt looks exactly like a missing one
    return attempt


def _answers_from(post):
    """{position: [option ids]} from fields named q<position>."""
    answers = {}
    for key in post:
        # ASCII digits only: "q²" or "q١" pass str.isdigit() but int() refuses them.
        if key.startswith("q") and key[1:].isascii() and key[1:].isdigit() and len(key) <= 6:
            answers[int(key[1:])] = [value for value in post.getlist(key) if value]
    return answers


@login_required
def exam_overview(request, course_id):
    course, original = _live_course(course_id)
    if request.method == "POST":
        try:
            attempt = exam_services.start_attempt(request.user, original)
        except services.LearningError as error:
            messages.error(request, str(error))
            return redirect("courses:exam", course_id=course.pk)
        return redirect("courses:attempt", attempt_id=attempt.pk)
    status = exam_services.exam_status(request.user, original)
    if status.exam is None:
        raise Http404
    return render(request, "courses/exam.html", {"course": course, "status": status, "exam": status.exam})


@login_required
def attempt_page(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if not attempt.is_open:
        return redirect("courses:attempt_result", attempt_id=attempt.pk)
    if request.method == "POST":
        # Without JavaScript: "Save answers" and "Submit" are plain form posts.
        answers = _answers_from(request.POST)
        try:
            if "submit" in request.POST:
                exam_services.submit_attempt(attempt, answers)
                return redirect("courses:attempt_result", attempt_id=attempt.pk)
            exam_services.save_answers(attempt, answers)
            messages.success(request, _("Your answers are saved."))
        except services.LearningError as error:
            messages.error(request, str(error))
            attempt.refresh_from_db()
            if not attempt.is_open:
                return redirect("courses:attempt_result", attempt_id=attempt.pk)
        return redirect("courses:attempt", attempt_id=attempt.pk)
    return render(
        request,
        "courses/attempt.html",
        {
            "attempt": attempt,
            "exam": attempt.exam,
            "course": attempt.exam.course.localized,
            "questions": attempt.questions.select_related("image").only(
                "position", "kind", "text", "image", "options", "selected_option_ids", "attempt_id"
            ),
        },
    )


@require_POST
def attempt_autosave(request, attempt_id):
    """Save one question's answer as the trainee clicks (JSON answer, for the page's script)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Your session has ended. Log in again: your saved answers are kept.")}, status=401)
    attempt = _own_attempt(request, attempt_id)
    answers = _answers_from(request.POST)
    if not answers:
        return JsonResponse({"error": _("No answer was sent.")}, status=400)
    try:
        exam_services.save_answers(attempt, answers)
    except services.LearningError as error:
        attempt.refresh_from_db()
        return JsonResponse({"error": str(error), "closed": not attempt.is_open}, status=409)
    return JsonResponse({"saved": sorted(answers)})


@login_required
def attempt_result(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    if attempt.is_open:
        return redirect("courses:attempt", attempt_id=attempt.pk)
    context = {"attempt": attempt, "exam": attempt.exam, "course": attempt.exam.course.localized}
    context.update(exam_services.attempt_feedback(attempt))
    return render(request, "courses/attempt_result.html", context)
