"""Wagtail admin for events: registrations, the attendance list, slides for attendees only,
and the waiting list moving up when an editor adds seats. Imported by ``alumni.wagtail_hooks``."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.signals import page_published

from lms.wagtail_admin import RelatedRowsIndexView

from . import events
from .models import EventPage, Registration, RegistrationStatus

ATTENDANCE_PERMISSION = "alumni.change_registration"


class RegistrationIndexView(RelatedRowsIndexView):
    select_related = ("user", "event")


class RegistrationViewSet(ModelViewSet):
    model = Registration
    index_view_class = RegistrationIndexView
    icon = "group"
    menu_label = gettext_lazy("Event registrations")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["user", "event", "status", "status_changed_at", "attended_at"]
    list_filter = ["status", "event"]
    search_fields = ["user__email", "user__profile__name_latin", "event__title"]
    form_fields = ["attended_at"]
    inspect_view_enabled = True
    copy_view_enabled = False
    create_view_enabled = False


@hooks.register("register_admin_viewset")
def register_registration_viewset():
    return RegistrationViewSet("event_registrations")


class AttendanceView(WagtailAdminTemplateMixin, TemplateView):
    """Every seat of one event with an "attended" box; saving sets exactly the ticked ones."""

    template_name = "alumni/events/admin/attendance.html"
    page_title = gettext_lazy("Attendance")
    header_icon = "tick"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(ATTENDANCE_PERMISSION):
            raise PermissionDenied
        self.event = get_object_or_404(EventPage, pk=kwargs["event_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.event.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["registrations"] = (
            Registration.objects.filter(event=self.event, status=RegistrationStatus.REGISTERED)
            .select_related("user", "user__profile")
            .order_by("user__profile__name_latin", "user__email")
        )
        context["waiting_count"] = Registration.objects.filter(
            event=self.event, status=RegistrationStatus.WAITLISTED
        ).count()
        return context

    def post(self, request, *args, **kwargs):
        changed = events.save_attendance(self.event, request.POST.getlist("attended"), request.user)
        messages.success(request, _("Attendance saved (%(count)d changed).") % {"count": changed})
        return redirect("alumni_event_admin:attendance", self.event.pk)


@hooks.register("register_admin_urls")
def register_event_admin_urls():
    urls = [path("<int:event_id>/attendance/", AttendanceView.as_view(), name="attendance")]
    return [path("alumni-events/", include((urls, "alumni_event_admin"), namespace="alumni_event_admin"))]


@hooks.register("register_page_listing_more_buttons")
def attendance_button(page, user, next_url=None):
    if isinstance(page.specific_deferred, EventPage) and user.has_perm(ATTENDANCE_PERMISSION):
        yield Button(
            _("Attendance"), reverse("alumni_event_admin:attendance", args=[page.pk]), icon_name="tick", priority=90
        )


@hooks.register("before_serve_document")
def slides_for_attendees_only(document, request):
    """Slides of an event are served to the people who may see its materials, no one else."""
    slide_events = EventPage.objects.filter(slides=document)
    if slide_events and not any(events.materials_visible(request.user, event) for event in slide_events):
        raise Http404


@hooks.register("register_log_actions")
def register_event_log_actions(actions):
    actions.register_action("alumni.event.attendance", _("Attendance saved"), _("Attendance saved"))


def _promote_after_publish(sender, instance, **kwargs):
    # An editor may have added seats: the waiting list moves up at once.
    events.promote_waitlist(instance)


page_published.connect(_promote_after_publish, sender=EventPage, dispatch_uid="alumni_events_promote_on_publish")
