"""The learning path's rules: enrollment, lesson access, progress and completion."""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from lms.accounts.services import has_complete_profile, is_staff_user

from .access import can_access
from .models import (
    CoursePage,
    Enrollment,
    Exam,
    ExamAttempt,
    LessonPage,
    LessonProgress,
    Level,
    TrackPage,
)
from .signals import course_completed


class LearningError(Exception):
    """A rule said no; ``str(error)`` is meant for the learner."""


class ProfileIncomplete(LearningError):
    pass


class PrerequisiteNotMet(LearningError):
    pass


class AccessDenied(LearningError):
    pass


# --- Catalog -----------------------------------------------------------------------

CATALOG_PAGE_SIZE = 12


def catalog_listing(catalog, params):
    """Published courses under ``catalog`` filtered by track, level, language and a search query."""
    courses = CoursePage.objects.live().public().descendant_of(catalog)
    tracks = TrackPage.objects.live().public().child_of(catalog).order_by("title")
    track_slug = params.get("track", "")
    level = params.get("level", "")
    language = params.get("language", "")
    query = params.get("q", "").strip()[:100]

    track = next((t for t in tracks if t.slug == track_slug), None)
    if track:
        courses = courses.child_of(track)
    if level in Level.values:
        courses = courses.filter(level=level)
    languages = dict(settings.PREFERRED_LANGUAGES)
    if language in languages:
        courses = courses.filter(language=language)
    available_languages = [
        (code, languages[code])
        for code in CoursePage.objects.live().descendant_of(catalog).order_by().values_list("language", flat=True).distinct()
        if code in languages
    ]

    if query:
        # Wagtail search; keep the filters by searching inside the filtered queryset.
        results = list(courses.search(query, operator="or"))
    else:
        # "basic" sorts after "advanced": descending puts the free courses first.
        results = courses.select_related("cover_image").order_by("-level", "title")
    page = Paginator(results, CATALOG_PAGE_SIZE).get_page(params.get("page"))
    attach_tracks(page.object_list)
    attach_content_languages(page.object_list)
    return {
        "courses": page,
        "tracks": tracks,
        "levels": Level.choices,
        "languages": sorted(available_languages, key=lambda item: item[1]),
        "filters": {"track": track.slug if track else "", "level": level, "language": language, "q": query},
        "is_filtered": bool(track or level in Level.values or language in languages or query),
    }


def attach_tracks(courses):
    """Set ``course.track`` for a list of courses with one query instead of one per card."""
    courses = list(courses)
    if not courses:
        return
    parent_paths = {course.path[: -CoursePage.steplen] for course in courses}
    tracks = {track.path: track for track in TrackPage.objects.filter(path__in=parent_paths)}
    for course in courses:
        course.__dict__["track"] = tracks.get(course.path[: -CoursePage.steplen])


def attach_content_languages(pages):
    """Set ``page.content_languages``: the interface languages it is really translated into.

    A live page that is not an alias counts; an alias only repeats another language's text.
    One query for the whole list.
    """
    pages = list(pages)
    if not pages:
        return
    found = {}
    for key, code in (
        Page.objects.live()
        .filter(translation_key__in={page.translation_key for page in pages}, alias_of__isnull=True)
        .values_list("translation_key", "locale__language_code")
    ):
        found.setdefault(key, set()).add(code)
    for page in pages:
        codes = found.get(page.translation_key, set())
        page.__dict__["content_languages"] = [(code, name) for code, name in settings.LANGUAGES if code in codes]


def localized_pages(pages):
    """{pk: the live translation of each page in the active language (else the page itself)}.

    Enrollments and progress point at the English pages; links should open the trainee's
    language version. One query for any number of pages.
    """
    pages = [page for page in pages if page is not None]
    if not pages:
        return {}
    try:
        locale = Locale.get_active()
    except (LookupError, Locale.DoesNotExist):
        return {page.pk: page for page in pages}
    by_model = {}
    for page in pages:
        if page.locale_id != locale.pk:
            by_model.setdefault(type(page), []).append(page)
    translations = {}
    for model, group in by_model.items():
        for page in model.objects.live().filter(
            locale=locale, translation_key__in={page.translation_key for page in group}
        ):
            translations[page.translation_key] = page
    return {page.pk: translations.get(page.translation_key, page) for page in pages}


def _completed_lesson_ids(enrollment, lessons):
    """pks of ``lessons`` (in whichever language) whose lesson the trainee has completed."""
    if enrollment is None:
        return set()
    keys = set(
        LessonProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False).values_list(
            "lesson__translation_key", flat=True
        )
    )
    return {lesson.pk for lesson in lessons if lesson.translation_key in keys}


# --- Enrollment --------------------------------------------------------------------


def get_enrollment(user, course):
    """The enrollment in ``course`` (in any of its translations: they share one enrollment)."""
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course.canonical).first()


def enroll(user, course):
    """Enroll ``user`` in ``course``; enrolling twice returns the existing enrollment.

    A translated course enrolls in the original (English) course page: one enrollment,
    whichever language the trainee studies in.
    """
    shown, course = course, course.canonical
    existing = get_enrollment(user, course)
    if existing:
        return existing
    if not can_access(user, course):
        raise AccessDenied(_("“%(course)s” is an advanced course: it needs a purchase first.") % {"course": shown.title})
    if not has_complete_profile(user):
        raise ProfileIncomplete(_("Please complete your profile before you enroll."))
    prerequisite = course.prerequisite
    if prerequisite and not Enrollment.objects.filter(
        user=user, course=prerequisite.canonical, completed_at__isnull=False
    ).exists():
        raise PrerequisiteNotMet(
            _("Complete the course “%(prerequisite)s” before you enroll in “%(course)s”.")
            % {"prerequisite": (shown.prerequisite or prerequisite).localized.title, "course": shown.title}
        )
    try:
        with transaction.atomic():
            return Enrollment.objects.create(user=user, course=course)
    except IntegrityError:
        # A second click won the race: the unique constraint kept one enrollment.
        return Enrollment.objects.get(user=user, course=course)


def can_study(user, course, enrollment=None):
    """Lessons and exams are for enrolled learners who still have access (and staff checking content)."""
    if not user.is_authenticated:
        return False
    if is_staff_user(user):
        return True
    enrollment = enrollment or get_enrollment(user, course)
    return enrollment is not None and can_access(user, course.canonical)


def can_view_lesson(user, lesson, enrollment=None):
    return can_study(user, lesson.course, enrollment)


# --- Progress ----------------------------------------------------------------------

# Watched time may not grow faster than the fastest playback speed allows, plus one
# beacon interval of slack. A forged beacon cannot claim a whole lecture in one request.
WATCH_TIME_GRACE_SECONDS = 30


@dataclass(frozen=True)
class ProgressReport:
    last_position: float
    furthest_position: float
    seconds_watched: float
    completed: bool
    course_completed: bool


def _clamp(value, upper):
    return max(0.0, min(float(value), upper))


def _progress_for_update(enrollment, lesson):
    try:
        with transaction.atomic():
            LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    except IntegrityError:
        pass  # created by a concurrent beacon
    return LessonProgress.objects.select_for_update().get(enrollment=enrollment, lesson=lesson)


def record_progress(user, lesson, position, watched):
    """Store a player beacon: idempotent, never backwards, capped at the video's duration."""
    lesson = lesson.canonical  # progress is kept on the original lesson, whatever its language
    enrollment = get_enrollment(user, lesson.course)
    if enrollment is None or not can_view_lesson(user, lesson, enrollment):
        raise AccessDenied(_("You do not have access to this lesson."))
    duration = lesson.video_duration
    if not duration:
        raise LearningError(_("This lesson has no video to track."))
    now = timezone.now()
    with transaction.atomic():
        progress = _progress_for_update(enrollment, lesson)
        elapsed = max((now - progress.started_at).total_seconds(), 0)
        plausible = elapsed * settings.LESSON_MAX_PLAYBACK_RATE + WATCH_TIME_GRACE_SECONDS
        progress.last_position = _clamp(position, duration)
        progress.furthest_position = max(progress.furthest_position, progress.last_position)
        progress.seconds_watched = max(progress.seconds_watched, _clamp(watched, min(duration, plausible)))
        newly_completed = (
            progress.completed_at is None
            and progress.seconds_watched >= settings.LESSON_COMPLETION_RATIO * duration
        )
        if newly_completed:
            progress.completed_at = now
        progress.save()
        _touch(enrollment, lesson, now)
        course_done = update_course_completion(enrollment) if newly_completed else enrollment.is_completed
    return ProgressReport(
        last_position=progress.last_position,
        furthest_position=progress.furthest_position,
        seconds_watched=progress.seconds_watched,
        completed=progress.is_completed,
        course_completed=course_done,
    )


def mark_lesson_done(user, lesson):
    """Complete a lesson without a video (reading, notes) by an explicit click."""
    lesson = lesson.canonical
    enrollment = get_enrollment(user, lesson.course)
    if enrollment is None or not can_view_lesson(user, lesson, enrollment):
        raise AccessDenied(_("You do not have access to this lesson."))
    if lesson.video_id:
        raise LearningError(_("Watch the video to complete this lesson."))
    now = timezone.now()
    with transaction.atomic():
        progress = _progress_for_update(enrollment, lesson)
        if progress.completed_at is None:
            progress.completed_at = now
            progress.save()
        _touch(enrollment, lesson, now)
        update_course_completion(enrollment)
    return progress


def _touch(enrollment, lesson, now):
    Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson, last_activity_at=now)


# --- Completion --------------------------------------------------------------------


def required_lessons(course):
    return LessonPage.objects.live().child_of(course).filter(is_required=True)


def required_lessons_done(enrollment):
    required = required_lessons(enrollment.course)
    done = LessonProgress.objects.filter(
        enrollment=enrollment, lesson__in=required, completed_at__isnull=False
    ).count()
    return done >= required.count()


def completion_requirements_met(enrollment):
    """Every required lesson complete and, where the course has an exam, a passed attempt."""
    return required_lessons_done(enrollment) and exam_requirement_met(enrollment)


def exam_requirement_met(enrollment):
    has_exam = Exam.objects.filter(course_id=enrollment.course_id).exists()
    return not has_exam or ExamAttempt.objects.filter(enrollment=enrollment, passed=True).exists()


def update_course_completion(enrollment):
    """Record the completion once and announce it after commit. Returns whether it is complete."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.completed_at is not None:
            return True
        lessons_done = required_lessons_done(enrollment)
        if lessons_done and enrollment.lessons_completed_at is None:
            enrollment.lessons_completed_at = timezone.now()
            enrollment.save(update_fields=["lessons_completed_at"])
        if not (lessons_done and exam_requirement_met(enrollment)):
            return False
        enrollment.completed_at = timezone.now()
        enrollment.save(update_fields=["completed_at"])
        ids = {"enrollment_id": enrollment.pk, "user_id": enrollment.user_id, "course_id": enrollment.course_id}
        transaction.on_commit(lambda: course_completed.send(sender=Enrollment, **ids))
    return True


# --- What pages show ---------------------------------------------------------------


def course_page_state(user, course):
    """What the course page shows; ``course`` may be a translation (its lessons are listed)."""
    enrollment = get_enrollment(user, course)
    lessons = list(course.lessons())
    completed_ids = _completed_lesson_ids(enrollment, lessons)
    prerequisite = course.prerequisite
    if prerequisite:
        prerequisite = prerequisite.localized
    return {
        "enrollment": enrollment,
        "lessons": lessons,
        "completed_lesson_ids": completed_ids,
        "can_access": can_access(user, course.canonical),
        "can_view_lessons": enrollment is not None or is_staff_user(user),
        "profile_complete": user.is_authenticated and has_complete_profile(user),
        "prerequisite": prerequisite if prerequisite and prerequisite.live else None,
        "next_lesson": _next_lesson(lessons, completed_ids, enrollment),
        "lecturers": [cl.lecturer for cl in course.course_lecturers.select_related("lecturer__photo")],
        "exam": Exam.objects.filter(course=course.canonical).first(),
    }


def _next_lesson(lessons, completed_ids, enrollment):
    if enrollment and enrollment.last_lesson_id:
        key = enrollment.last_lesson.translation_key
        last = next((lesson for lesson in lessons if lesson.translation_key == key), None)
        if last and last.pk not in completed_ids:
            return last
    return next((lesson for lesson in lessons if lesson.pk not in completed_ids), lessons[0] if lessons else None)


def lesson_page_state(user, lesson):
    course = lesson.course
    lessons = list(course.lessons())
    index = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), 0)
    enrollment = get_enrollment(user, course)
    progress = None
    completed_ids = set()
    if enrollment:
        # Progress is stored on the original lessons: match them to these by translation key.
        records = list(LessonProgress.objects.filter(enrollment=enrollment).select_related("lesson"))
        done_keys = {record.lesson.translation_key for record in records if record.completed_at}
        completed_ids = {item.pk for item in lessons if item.translation_key in done_keys}
        progress = next((r for r in records if r.lesson.translation_key == lesson.translation_key), None)
    return {
        "course": course,
        "enrollment": enrollment,
        "lessons": lessons,
        "lesson_number": index + 1,
        "previous_lesson": lessons[index - 1] if index > 0 else None,
        "next_lesson": lessons[index + 1] if index + 1 < len(lessons) else None,
        "progress": progress,
        "completed_lesson_ids": completed_ids,
        "attachments": list(lesson.attachments.select_related("document")),
    }


@dataclass
class CourseProgress:
    enrollment: Enrollment
    required_total: int
    required_done: int
    continue_lesson: LessonPage | None
    # The course in the trainee's language where a translation exists (links, titles).
    course: CoursePage | None = None

    @property
    def percent(self):
        if self.enrollment.is_completed:
            return 100
        if not self.required_total:
            return 0
        return round(100 * self.required_done / self.required_total)


def dashboard(user):
    """The learner's courses with progress, in a fixed number of queries."""
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .select_related("course", "course__cover_image", "last_lesson")
        .order_by("-last_activity_at", "-enrolled_at")
    )
    if not enrollments:
        return {"in_progress": [], "completed": []}
    steplen = CoursePage.steplen
    lessons = list(
        LessonPage.objects.live()
        .filter(reduce(or_, (Q(path__startswith=e.course.path, depth=e.course.depth + 1) for e in enrollments)))
        .order_by("path")
        .only("pk", "path", "depth", "title", "url_path", "is_required", "locale_id", "translation_key")
    )
    done = set(
        LessonProgress.objects.filter(enrollment__in=enrollments, completed_at__isnull=False).values_list(
            "enrollment_id", "lesson_id"
        )
    )
    in_progress, completed = [], []
    for enrollment in enrollments:
        own = [lesson for lesson in lessons if lesson.path[:-steplen] == enrollment.course.path]
        required = [lesson for lesson in own if lesson.is_required]
        todo = [lesson for lesson in own if (enrollment.pk, lesson.pk) not in done]
        last = enrollment.last_lesson if enrollment.last_lesson_id and enrollment.last_lesson.live else None
        continue_lesson = last if last and (enrollment.pk, last.pk) not in done else (todo[0] if todo else last)
        item = CourseProgress(
            enrollment=enrollment,
            required_total=len(required),
            required_done=sum((enrollment.pk, lesson.pk) in done for lesson in required),
            continue_lesson=continue_lesson,
        )
        (completed if enrollment.is_completed else in_progress).append(item)
    # Links open the trainee's language version; the records stay on the original pages.
    items = in_progress + completed
    localized = localized_pages(
        [item.enrollment.course for item in items] + [item.continue_lesson for item in items]
    )
    for item in items:
        item.course = localized[item.enrollment.course.pk]
        if item.continue_lesson is not None:
            item.continue_lesson = localized[item.continue_lesson.pk]
    return {"in_progress": in_progress, "completed": completed}


