from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site's front page: what the academy is and where to start."""

    headline = models.CharField(_("headline"), max_length=200, default="Train with Korea's leading hospitals")
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    call_to_action = models.CharField(_("button label"), max_length=60, default="Browse courses")

    content_panels = Page.content_panels + [FieldPanel("headline"), FieldPanel("intro"), FieldPanel("call_to_action")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from courses.models import CatalogPage, CoursePage, TrackPage

        context = super().get_context(request, *args, **kwargs)
        context["catalog"] = CatalogPage.objects.live().descendant_of(self).first()
        context["tracks"] = TrackPage.objects.live().public().descendant_of(self).order_by("title")
        context["featured_courses"] = (
            CoursePage.objects.live().public().descendant_of(self).filter(level="basic")
            .select_related("cover_image").order_by("-first_published_at")[:3]
        )
        return context
