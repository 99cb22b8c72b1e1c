from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalog import CoursePage, LessonPage


class Enrollment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    # PROTECT: a learner's record outlives an editor's mistake; unpublish a course instead.
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="enrollments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    last_lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # When every required lesson was first done (the reports' funnel counts it without
    # recomputing each learner's lessons). Not cleared if an editor adds a lesson later.
    lessons_completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="one_enrollment_per_course")]
        indexes = [
            models.Index(fields=["course", "completed_at"]),
            models.Index(fields=["course", "lessons_completed_at"]),
        ]
        ordering = ["-enrolled_at"]

    def __str__(self):
        return f"{self.user} in {self.course}"

    @property
    def is_completed(self):
        return self.completed_at is not None


class LessonProgress(models.Model):
    """Where a learner is in one lesson. Every number only ever grows."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="progress_records")
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_position = models.FloatField(_("resume position (s)"), default=0)
    furthest_position = models.FloatField(_("furthest position (s)"), default=0)
    seconds_watched = models.FloatField(_("seconds watched"), default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="one_progress_per_lesson")]
        verbose_name_plural = _("lesson progress")

    def __str__(self):
        return f"{self.enrollment.user} – {self.lesson}"

    @property
    def is_completed(self):
        return self.completed_at is not None
