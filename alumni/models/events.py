"""Alumni events: Wagtail pages (editorial content) and registrations (plain rows).

Times are stored in UTC; ``EventPage.time_zone`` names the IANA zone the event happens in,
so pages can show the local time of the event beside the visitor's own.
"""

import secrets
import zoneinfo
from functools import cache

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page


@cache
def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class EventKind(models.TextChoices):
    ONLINE_SEMINAR = "online-seminar", _("Online seminar")
    METAVERSE = "metaverse", _("Metaverse meeting")
    OFFLINE = "offline", _("Offline meeting")
    MASTER_CLASS = "master-class", _("Master class")
    CONFERENCE = "conference", _("Conference")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone with an account")
    ALUMNI = "alumni", _("Alumni only")
    CHAPTER = "chapter", _("One chapter's alumni")


class EventIndexPage(Page):
    """ "Seminars and events": upcoming events first, then past ones with their recordings."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["alumni.EventPage"]
    max_count = 1
    template = "alumni/events/event_index_page.html"
    page_description = _("Seminars and events of the alumni network. Events go below it.")

    class Meta:
        verbose_name = _("events index")

    def get_context(self, request, *args, **kwargs):
        from ..events import event_listing

        context = super().get_context(request, *args, **kwargs)
        context.update(event_listing(self, request))
        return context


class EventPageForm(WagtailAdminPageForm):
    """Start, end and deadline are typed in the event's own time zone, whatever the editor's is."""

    LOCAL_FIELDS = ("starts_at", "ends_at", "registration_deadline")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = zoneinfo.ZoneInfo(self.instance.time_zone or settings.TIME_ZONE)
        for name in self.LOCAL_FIELDS:
            value = getattr(self.instance, name, None)
            if name in self.fields and value is not None:
                # A naive value is displayed as it is: the wall-clock time at the event.
                self.initial[name] = timezone.localtime(value, zone).replace(tzinfo=None)
            if name in self.fields:
                self.fields[name].help_text = _("In the event's time zone.")

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("time_zone")
        if not name:
            return cleaned
        zone = zoneinfo.ZoneInfo(name)
        for field in self.LOCAL_FIELDS:
            value = cleaned.get(field)
            if value is not None:
                # Django made the input aware in the editor's zone; re-read it as the event's.
                cleaned[field] = timezone.make_aware(timezone.make_naive(value), zone)
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        deadline = cleaned.get("registration_deadline")
        if deadline and ends and deadline > ends:
            self.add_error("registration_deadline", _("Registration must close before the event ends."))
        if cleaned.get("audience") == Audience.CHAPTER and not cleaned.get("chapter"):
            self.add_error("chapter", _("Choose the chapter whose alumni may register."))
        return cleaned


class EventPage(Page):
    """One seminar, meeting, master class or conference."""

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, default=EventKind.ONLINE_SEMINAR)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Seoul",
        help_text=_("Where the event happens (for online events: the organisers' zone)."),
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True, help_text=_("Address of an offline event."))
    city = models.CharField(_("city"), max_length=100, blank=True)
    online_link = models.URLField(
        _("online link"),
        blank=True,
        help_text=_("Shown only to registered people, from shortly before the start. Never in public calendars."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Seats; empty means unlimited. Extra registrants wait.")
    )
    registration_deadline = models.DateTimeField(
        _("registration closes"), null=True, blank=True, help_text=_("Empty: open until the start.")
    )
    audience = models.CharField(_("who may register"), max_length=20, choices=Audience.choices, default=Audience.ALUMNI)
    chapter = models.ForeignKey(
        "alumni.Chapter",
        verbose_name=_("chapter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text=_("For chapter events: only this chapter's alumni may register."),
    )
    hosts = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hosts"),
        blank=True,
        related_name="hosted_events",
        help_text=_("Accounts that answer and moderate the questions (e.g. the lecturers' own accounts)."),
    )
    description = RichTextField(_("description"), blank=True)
    qna_enabled = models.BooleanField(_("questions and answers"), default=True)
    recording_url = models.URLField(_("recording link"), blank=True, help_text=_("For attendees, after the event."))
    slides = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("slides"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For attendees, after the event."),
    )

    base_form_class = EventPageForm
    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("time_zone", widget=forms.Select(choices=time_zone_choices)),
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel([FieldPanel("venue"), FieldPanel("city"), FieldPanel("online_link")], heading=_("Where")),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("chapter"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_deadline")]),
            ],
            heading=_("Registration"),
        ),
        InlinePanel("event_lecturers", label=_("Lecturers")),
        FieldPanel("hosts"),
        FieldPanel("description"),
        FieldPanel("qna_enabled"),
        MultiFieldPanel([FieldPanel("recording_url"), FieldPanel("slides")], heading=_("After the event")),
    ]
    parent_page_types = ["alumni.EventIndexPage"]
    subpage_types = []
    template = "alumni/events/event_page.html"

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        if self.time_zone and self.time_zone not in zoneinfo.available_timezones():
            raise ValidationError({"time_zone": _("Choose a time zone from the list.")})

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def lecturers(self):
        return [item.lecturer for item in self.event_lecturers.select_related("lecturer", "lecturer__photo")]

    def get_context(self, request, *args, **kwargs):
        from ..events import event_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_page_context(self, request))
        return context


class EventLecturer(Orderable):
    event = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="event_lecturers")
    lecturer = models.ForeignKey("courses.Lecturer", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("lecturer")]


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    """One person's place at one event (a seat or a place on the waiting list)."""

    event = models.ForeignKey(
        EventPage, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(_("first registered"), auto_now_add=True)
    # The waiting list is ordered by this; a person who cancels and comes back goes to the end.
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved up from the waiting list"), null=True, blank=True)
    attended_at = models.DateTimeField(_("attended"), null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_24h_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_1h_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["status_changed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_registration_per_person")]
        indexes = [models.Index(fields=["event", "status", "status_changed_at"])]

    def __str__(self):
        return f"{self.user} · {self.event.title} ({self.get_status_display()})"

    @property
    def attended(self):
        return self.attended_at is not None


class CalendarFeed(models.Model):
    """The secret address of a person's own event calendar (subscribed to from a calendar app)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("personal calendar feed")

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(24)
