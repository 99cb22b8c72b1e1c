
"""Event views: thin wrappers around ``alumni.events`` and ``alumni.qna``.

Every form posts and redirects back to the event page with a message, so all of it works
without JavaScript; ``alumni/js/qna.js`` sends the Q&A forms with fetch() instead and swaps in
the HTML fragment these views return when asked with ``X-Requested-With: fetch``.
"""

import zoneinfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from lms.http import safe_next_url

from . import events, qna
from .models import EventKind, EventPage, Question, RegistrationStatus
from .models.events import time_zone_choices


def _live_event(pk):
    return get_object_or_404(EventPage.objects.live().select_related("chapter"), pk=pk)


def _back(request, event, anchor=""):
    return redirect(event.url + anchor)


def index(request):
    page = events.events_index()
    if page is None:
        raise Http404
    return redirect(page.url)


@require_POST
@login_required
def register(request, pk):
    event = _live_event(pk)
    try:
        registration = events.register(request.user, event)
    except events.EventError as error:
        messages.error(request, str(error))
        return _back(request, event)
    if registration.status == RegistrationStatus.WAITLISTED:
        messages.warning(
            request,
            _("The event is full: you are number %(position)d on the waiting list. We e-mail you if a seat frees up.")
            % {"position": events.waitlist_position(registration)},
        )
    else:
        messages.success(request, _("You are registered."))
    return _back(request, event)


@require_POST
@login_required
def cancel(request, pk):
    event = _live_event(pk)
    try:
        registration = events.cancel(request.user, event)
    except events.EventError as error:
        messages.error(request, str(error))
        return _back(request, event)
    if registration is not None:
        messages.success(request, _("Your registration is cancelled."))
    return _back(request, event)


@require_GET
def event_ics(request, pk):
    event = _live_event(pk)
    if not EventPage.objects.filter(pk=event.pk).public().exists():
        raise Http404
    response = HttpResponse(events.event_ical(event, request), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@require_GET
def feed(request, token):
    body = events.feed_ical(token, request)
    if body is None:
        raise Http404
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
def my_events(request):
    feed = events.feed_for(request.user)
    return render(
        request,
        "alumni/events/my_events.html",
        {
            "registrations": events.upcoming_for(request.user),
            "feed_url": request.build_absolute_uri(reverse("alumni_events:feed", args=[feed.token])),
            "events_index": events.events_index(),
            "chapters": events.moderated_chapters(request.user),
            "display_zone": events.time_zone_for(request),
            "zones": time_zone_choices(),
        },
    )


@require_POST
@login_required
def regenerate_feed(request):
    events.regenerate_feed(request.user)
    messages.success(request, _("Your calendar has a new address. Subscribe to it again; the old one no longer works."))
    return redirect("alumni_events:mine")


@require_POST
def set_time_zone(request):
    try:
        zone = events.set_time_zone(request, request.POST.get("time_zone", ""))
        messages.success(request, _("Times are shown in %(zone)s.") % {"zone": zone.key})
    except events.EventError as error:
        messages.error(request, str(error))
    return redirect(safe_next_url(request, "/", target=request.POST.get("next", "")))


# --- QR check-in --------------------------------------------------------------------------------


@login_required
def check_in(request, token):
    registration = events.registration_from_token(token)
    if registration is None:
        raise Http404
    event = registration.event
    if not events.can_moderate(request.user, event):
        raise PermissionDenied  # a trainee scanning someone else's code learns nothing
    if request.method == "POST":
        try:
            events.set_attended(registration, True, request.user)
            messages.success(request, _("%(person)s is checked in.") % {"person": registration.user.display_name})
        except events.EventError as error:
            messages.error(request, str(error))
        return redirect(request.path)
    return render(request, "alumni/events/check_in.html", {"registration": registration, "event": event})


# --- Chapter events by moderators -------------------------------------------------------------


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ChapterEventForm(forms.Form):
    chapter = forms.ModelChoiceField(label=gettext_lazy("Chapter"), queryset=None, empty_label=None)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=EventKind.choices, initial=EventKind.OFFLINE)
    summary = forms.CharField(label=gettext_lazy("Summary"), max_length=300, required=False)
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone of the event"), choices=time_zone_choices)
    starts_at = forms.DateTimeField(label=gettext_lazy("Starts (local time at the event)"), widget=DateTimeLocalInput())
    ends_at = forms.DateTimeField(label=gettext_lazy("Ends (local time at the event)"), widget=DateTimeLocalInput())
    venue = forms.CharField(label=gettext_lazy("Venue (address)"), max_length=300, required=False)
    city = forms.CharField(label=gettext_lazy("City"), max_length=100, required=False)
    online_link = forms.URLField(label=gettext_lazy("Online link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=gettext_lazy("Seats (empty: unlimited)"), min_value=1, required=False)
    registration_deadline = forms.DateTimeField(
        label=gettext_lazy("Registration closes (empty: at the start)"), required=False, widget=DateTimeLocalInput()
    )
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea, required=False)

    def __init__(self, *args, chapters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chapter"].queryset = chapters

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("time_zone")
        if not name:
            return cleaned
        zone = zoneinfo.ZoneInfo(name)
        for field in ("starts_at", "ends_at", "registration_deadline"):
            if cleaned.get(field):
                cleaned[field] = timezone.make_aware(timezone.make_naive(cleaned[field]), zone)
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        if starts and starts <= timezone.now():
            self.add_error("starts_at", _("Choose a time in the future."))
        deadline = cleaned.get("registration_deadline")
        if deadline and starts and deadline > starts:
            self.add_error("registration_deadline", _("Registration must close before the start."))
        if not cleaned.get("venue") and not cleaned.get("online_link"):
            self.add_error("venue", _("Give a venue or an online link."))
        return cleaned


@login_required
def new_event(request):
    chapters = events.moderated_chapters(request.user)
    if not chapters.exists():
        raise PermissionDenied
    first = chapters.first()
    initial = {"time_zone": (events.time_zone_for_user(request.user) or zoneinfo.ZoneInfo("Asia/Seoul")).key}
    form = ChapterEventForm(request.POST or None, chapters=chapters, initial={"chapter": first, **initial})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = events.create_chapter_event(request.user, data["chapter"], data)
        except events.EventError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your event is published. Only the alumni of your chapter can register."))
            return redirect(event.url)
    return render(request, "alumni/events/new_event.html", {"form": form})


# --- Seminar Q&A ------------------------------------------------------------------------------


def _wants_fragment(request):
    return request.headers.get("X-Requested-With") == "fetch"


def _qna_response(request, event, error=None, notice=None):
    if _wants_fragment(request):
        context = qna.qna_context(event, request)
        context.update(page=event, qna_error=error, display_zone=events.time_zone_for(request))
        html = render_to_string("alumni/qna/_questions.html", context, request=request)
        return HttpResponse(html, status=400 if error else 200)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return _back(request, event, "#questions")


@require_GET
def questions(request, pk):
    event = _live_event(pk)
    if not event.qna_enabled:
        raise Http404
    context = qna.qna_context(event, request)
    context.update(page=event, display_zone=events.time_zone_for(request))
    return render(request, "alumni/qna/_questions.html", context)


@require_POST
@login_required
def ask(request, pk):
    event = _live_event(pk)
    try:
        qna.ask(request.user, event, request.POST.get("text", ""))
    except events.EventError as error:
        return _qna_response(request, event, error=str(error))
    return _qna_response(request, event, notice=_("Your question is posted."))


def _question(pk):
    question = get_object_or_404(Question.objects.select_related("event"), pk=pk, event__live=True)
    return question, question.event


@require_POST
@login_required
def vote(request, pk):
    question, event = _question(pk)
    up = request.POST.get("vote", "up") != "remove"
    try:
        if question.is_hidden:
            raise events.EventError(_("This question has been hidden."))
        qna.vote(question, request.user, up=up)
    except events.EventError as error:
        return _qna_response(request, event, error=str(error))
    return _qna_response(request, event)


@require_POST
@login_required
def answer(request, pk):
    question, event = _question(pk)
    action = request.POST.get("action", "answer")
    try:
        qna.answer(question, request.user, request.POST.get("answer", ""), mark_answered=action != "reopen")
    except events.EventError as error:
        return _qna_response(request, event, error=str(error))
    return _qna_response(request, event, notice=_("Saved."))


@require_POST
@login_required
def hide(request, pk):
    question, event = _question(pk)
    try:
        qna.hide(question, request.user, hidden=request.POST.get("action", "hide") != "show")
    except events.EventError as error:
        return _qna_response(request, event, error=str(error))
    return _qna_response(request, event)
