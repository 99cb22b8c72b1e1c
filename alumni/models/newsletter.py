from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import StreamField
from wagtail.models import Page

from lms.accounts.models import Specialty

from .members import Chapter

TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class TechniqueBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Technique"))
    hospital = blocks.CharBlock(label=_("Hospital or team"), required=False)
    text = blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES)
    link = blocks.URLBlock(label=_("Read more (link)"), required=False)

    class Meta:
        icon = "pick"
        label = _("New Korean medical technique")


class TrainingNewsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    text = blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES)
    link = blocks.URLBlock(label=_("Link"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Training news")


class ConferenceBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Conference"))
    dates = blocks.CharBlock(label=_("Dates"), help_text=_("e.g. 12–14 May 2027"))
    place = blocks.CharBlock(label=_("Place"), required=False)
    text = blocks.TextBlock(label=_("Why it matters"), required=False)
    link = blocks.URLBlock(label=_("Conference website"), required=False)

    class Meta:
        icon = "date"
        label = _("Upcoming conference")


class NewsletterIndexPage(Page):
    """“Alumni news”: the web archive of newsletter issues, for alumni only."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["alumni.NewsletterPage"]
    max_count = 1
    search_fields = []  # alumni-only content stays out of the site search
    page_description = _("The archive of alumni newsletters. Only alumni can open it.")

    def serve(self, request, *args, **kwargs):
        from ..views import alumni_page

        return alumni_page(request, lambda: super(NewsletterIndexPage, self).serve(request, *args, **kwargs))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["issues"] = NewsletterPage.objects.live().child_of(self).order_by("-first_published_at")
        return context


class NewsletterPageForm(WagtailAdminPageForm):
    segment_specialties = forms.MultipleChoiceField(
        label=_("Specialties"), choices=Specialty.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    segment_languages = forms.MultipleChoiceField(
        label=_("Preferred languages"),
        choices=settings.PREFERRED_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class NewsletterPage(Page):
    """One newsletter issue: a page in the archive and an e-mail to a segment of the alumni."""

    intro = models.TextField(
        _("introduction"), max_length=600, blank=True, help_text=_("A few lines at the top of the e-mail and the page.")
    )
    body = StreamField(
        [
            ("technique", TechniqueBlock()),
            ("training_news", TrainingNewsBlock()),
            ("conference", ConferenceBlock()),
            ("text", blocks.RichTextBlock(label=_("Text"), features=["h3", *TEXT_FEATURES])),
        ],
        verbose_name=_("sections"),
    )
    # The segment: each non-empty criterion narrows it; all empty = every subscribed alumnus.
    segment_chapters = ParentalManyToManyField(Chapter, verbose_name=_("chapters"), blank=True, related_name="+")
    segment_specialties = models.JSONField(_("specialties"), default=list, blank=True)
    segment_languages = models.JSONField(_("preferred languages"), default=list, blank=True)

    base_form_class = NewsletterPageForm
    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    segment_panels = [
        MultiFieldPanel(
            [
                FieldPanel("segment_chapters", widget=forms.CheckboxSelectMultiple),
                FieldPanel("segment_specialties"),
                FieldPanel("segment_languages"),
            ],
            heading=_("Who receives this issue"),
            help_text=_(
                "Leave everything empty to send to all alumni. Ticked boxes narrow the list: "
                "alumni of any ticked chapter, and with any ticked specialty, and any ticked language. "
                "Alumni who unsubscribed never receive it."
            ),
        )
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(segment_panels, heading=_("Recipients")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
        ]
    )
    parent_page_types = ["alumni.NewsletterIndexPage"]
    subpage_types = []
    search_fields = []
    page_description = _("A newsletter issue: published here for alumni and e-mailed to the chosen alumni.")

    preview_modes = [("", _("Web page")), ("email", _("E-mail"))]

    class Meta:
        verbose_name = _("newsletter issue")

    def serve(self, request, *args, **kwargs):
        from ..views import alumni_page

        return alumni_page(request, lambda: super(NewsletterPage, self).serve(request, *args, **kwargs))

    def serve_preview(self, request, mode_name):
        if mode_name == "email":
            from django.http import HttpResponse

            from ..newsletter import build_email

            message = build_email(self, request.user)
            return HttpResponse(message.alternatives[0][0])
        return super().serve_preview(request, mode_name)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NewsletterDispatch(models.Model):
    """That an issue was sent, when and by whom: an issue is sent once."""

    issue = models.OneToOneField(NewsletterPage, on_delete=models.CASCADE, related_name="dispatch")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("newsletter dispatch")


class NewsletterDelivery(models.Model):
    """One issue to one alumnus. Created (pending) before the e-mail goes, marked after.

    Claimed rows are marked ``sending`` before the SMTP call and never picked again, so a person
    gets an issue at most once: a worker that dies between the SMTP call and the mark leaves the
    row in ``sending`` (shown to staff) rather than risking a second copy.
    """

    issue = models.ForeignKey(NewsletterPage, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="newsletter_deliveries")
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("newsletter delivery")
        verbose_name_plural = _("newsletter deliveries")
        constraints = [models.UniqueConstraint(fields=["issue", "user"], name="newsletter_delivery_once")]


class NewsletterUnsubscription(models.Model):
    """An alumnus who asked for no more newsletters (one click in any issue, or the alumni area)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="newsletter_unsubscription"
    )
    unsubscribed_at = models.DateTimeField(auto_now_add=True)
