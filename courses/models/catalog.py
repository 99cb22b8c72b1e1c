import mimetypes

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet


class Level(models.TextChoices):
    BASIC = "basic", _("Basic (free)")
    ADVANCED = "advanced", _("Advanced (paid)")


class FieldKind(models.TextChoices):
    CLINICAL = "clinical", _("Clinical")
    NON_CLINICAL = "non-clinical", _("Non-clinical")


@register_snippet
class Lecturer(index.Indexed, models.Model):
    """A Korean clinician or expert who teaches courses."""

    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True, help_text=_("e.g. Professor of Cardiology"))
    hospital = models.CharField(_("hospital"), max_length=200)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bio = models.TextField(_("biography"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("position"), FieldPanel("hospital"), FieldPanel("photo"), FieldPanel("bio")]
    search_fields = [index.SearchField("name"), index.SearchField("hospital"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("lecturer")

    def __str__(self):
        return f"{self.name} ({self.hospital})"


def default_language_code():
    return get_supported_language_variant(settings.LANGUAGE_CODE)


class CanonicalPageMixin:
    """Translated pages share one identity: the page in the default locale.

    Enrollments, lesson progress, exams, attempts and certificates are keyed to the
    original (English) course or lesson, whichever translation the trainee opens, so a
    trainee may switch languages mid-course and keep their progress.
    """

    @cached_property
    def canonical(self):
        cached_locale = self._state.fields_cache.get("locale")
        if cached_locale is not None and cached_locale.language_code == default_language_code():
            return self
        original = (
            type(self)
            .objects.filter(translation_key=self.translation_key, locale__language_code=default_language_code())
            .first()
        )
        return self if original is None or original.pk == self.pk else original


class CatalogPage(Page):
    """The course catalog: every published course below it, with filters and search."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.TrackPage"]
    page_description = _("The course catalog. Tracks go below it, courses below tracks.")

    def get_context(self, request, *args, **kwargs):
        from ..services import catalog_listing

        context = super().get_context(request, *args, **kwargs)
        context.update(catalog_listing(self, request.GET))
        return context


class TrackPage(Page):
    """A medical field (Cardiology, Hospital management...) that groups courses."""

    kind = models.CharField(_("kind"), max_length=20, choices=FieldKind.choices, default=FieldKind.CLINICAL)
    summary = models.TextField(_("summary"), max_length=400)
    body = RichTextField(_("description"), blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#0b6e99", help_text=_("Hex colour used on the track's cards.")
    )

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("cover_image"),
        FieldPanel("accent_colour"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["courses.CatalogPage"]
    subpage_types = ["courses.CoursePage"]
    page_description = _("A medical field that groups courses (and later carries the annual pass).")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        courses = list(
            CoursePage.objects.live().public().child_of(self).select_related("cover_image").order_by("-level", "title")
        )
        for course in courses:
            course.__dict__["track"] = self  # spare each card a parent lookup
        context["courses"] = courses
        return context


class CoursePage(CanonicalPageMixin, Page):
    summary = models.TextField(_("summary"), max_length=400)
    description = RichTextField(_("description"), blank=True)
    learning_outcomes = StreamField(
        [("outcome", blocks.CharBlock(label=_("Outcome")))], blank=True, verbose_name=_("learning outcomes")
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.BASIC)
    language = models.CharField(
        _("teaching language"), max_length=10, choices=settings.PREFERRED_LANGUAGES, default="en"
    )
    cme_credit_hours = models.DecimalField(_("CME credit hours"), max_digits=5, decimal_places=1, default=0)
    cme_credit_type = models.CharField(
        _("credit type or accrediting body"),
        max_length=200,
        blank=True,
        default="Medical Korea Academy CME",
        help_text=_("Printed on the certificate next to the hours, e.g. “Korean Medical Association CME credits”."),
    )
    estimated_hours = models.DecimalField(_("estimated study hours"), max_digits=5, decimal_places=1, default=1)
    prerequisite = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("prerequisite course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Trainees must complete this course before they can enroll."),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    onsite_hospital = models.CharField(_("on-site training hospital"), max_length=200, blank=True)
    onsite_programme = RichTextField(
        _("offline on-site follow-up"),
        blank=True,
        help_text=_("Observation or hands-on training in a Korean hospital that this course leads to."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("level"),
                FieldPanel("language"),
                FieldPanel("cme_credit_hours"),
                FieldPanel("cme_credit_type"),
                FieldPanel("estimated_hours"),
                FieldPanel("prerequisite"),
            ],
            heading=_("Course facts"),
        ),
        FieldPanel("cover_image"),
        FieldPanel("description"),
        FieldPanel("learning_outcomes"),
        InlinePanel("course_lecturers", label=_("Lecturers")),
        MultiFieldPanel([FieldPanel("onsite_hospital"), FieldPanel("onsite_programme")], heading=_("On-site follow-up")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=2),
        index.SearchField("description"),
        index.AutocompleteField("title"),
        index.FilterField("level"),
        index.FilterField("language"),
    ]
    parent_page_types = ["courses.TrackPage"]
    subpage_types = ["courses.LessonPage"]
    page_description = _("A course: lessons go below it.")

    @cached_property
    def track(self):
        return TrackPage.objects.filter(pk=self.get_parent().pk).first()

    @property
    def is_free(self):
        return self.level == Level.BASIC

    def lessons(self):
        return LessonPage.objects.live().child_of(self).select_related("video").order_by("path")

    def get_context(self, request, *args, **kwargs):
        from ..services import course_page_state

        context = super().get_context(request, *args, **kwargs)
        context.update(course_page_state(request.user, self))
        # Other apps (billing: offers, seat codes) add boxes to the enrollment column
        # without courses importing them: callables (request, course, context) -> dict or None.
        panels = (import_string(path)(request, self, context) for path in settings.COURSE_PAGE_PANELS)
        context["access_panels"] = [panel for panel in panels if panel]
        return context


class CourseLecturer(Orderable):
    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="course_lecturers")
    lecturer = models.ForeignKey(Lecturer, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("lecturer")]


class LessonPage(CanonicalPageMixin, Page):
    """One lesson: a video with notes, or notes alone. Visible to enrolled learners only."""

    video = models.ForeignKey(
        "wagtailmedia.Media", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = RichTextField(_("transcript or notes"), blank=True)
    is_required = models.BooleanField(
        _("required for completion"), default=True, help_text=_("Optional lessons do not count toward completion.")
    )

    content_panels = Page.content_panels + [
        FieldPanel("video"),
        FieldPanel("body"),
        FieldPanel("is_required"),
        InlinePanel("attachments", label=_("Downloadable attachments")),
    ]
    # Lesson text is for enrolled learners: keep it out of the public search index.
    search_fields = Page.search_fields
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []
    page_description = _("A lesson of a course, in the order of the page tree.")

    @cached_property
    def course(self):
        return CoursePage.objects.get(pk=self.get_parent().pk)

    @property
    def video_mime_type(self):
        return mimetypes.guess_type(self.video.file.name)[0] or "video/mp4" if self.video_id else ""

    @property
    def video_duration(self):
        return float(self.video.duration) if self.video_id and self.video.duration else 0.0

    def serve(self, request, *args, **kwargs):
        from ..views import lesson_access_gate

        denied = lesson_access_gate(request, self)
        if denied is not None:
            return denied
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..services import lesson_page_state

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_page_state(request.user, self))
        return context


class LessonAttachment(Orderable):
    lesson = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    @property
    def display_title(self):
        return self.title or self.document.title
