from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.url_routing import RouteResult


class HomePage(Page):
    """The site's front page: what the academy is and where to start."""

    headline = models.CharField(_("headline"), max_length=200, default="Train with Korea's leading hospitals")
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    call_to_action = models.CharField(_("button label"), max_length=60, default="Browse courses")

    content_panels = Page.content_panels + [FieldPanel("headline"), FieldPanel("intro"), FieldPanel("call_to_action")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def route(self, request, path_components):
        """Route in the active language's tree; a link from another language's tree still works.

        URLs carry no language prefix: the active language picks the tree (Wagtail routes
        from ``site.root_page.localized``). When an editor gave a translation its own slug,
        a link copied from another language would miss; then the other trees are tried and
        the page found is shown in the active language where a translation exists.
        """
        try:
            return super().route(request, path_components)
        except Http404:
            if getattr(request, "_mka_route_fallback", False):
                raise
        request._mka_route_fallback = True
        try:
            for home in self.get_translations().live().specific():
                try:
                    page, args, kwargs = home.route(request, path_components)
                except Http404:
                    continue
                return RouteResult(page.localized, args=args, kwargs=kwargs)
        finally:
            request._mka_route_fallback = False
        raise Http404

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
