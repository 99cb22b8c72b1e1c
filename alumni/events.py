"""Alumni events: who may register, seats and the waiting list, the joining link, attendance,
reminders and calendars.

Plain functions; the ones that change registrations run in ``transaction.atomic`` with the
event's row locked (``select_for_update``), so seats are counted and taken one request at
a time and capacity holds however many people press "Register" at the same moment.
"""

import datetime
import enum
import zoneinfo

import icalendar
import segno
from babel.core import get_global
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import linebreaks, strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.accounts.services import get_profile, is_staff_user

from .exceptions import AlumniError
from .models import Audience, CalendarFeed, EventIndexPage, EventKind, EventPage, Registration, RegistrationStatus
from .services import is_alumnus, is_chapter_moderator, membership_of

REGISTERED = RegistrationStatus.REGISTERED
WAITLISTED = RegistrationStatus.WAITLISTED
CANCELLED = RegistrationStatus.CANCELLED
CHECK_IN_SALT = "alumni.events.check-in"
TIME_ZONE_SESSION_KEY = "alumni_time_zone"
REMINDER_WINDOWS = {"24h": datetime.timedelta(hours=24), "1h": datetime.timedelta(hours=1)}

# The civil time of the partner countries whose tz database lists several zones (or the one
# everyone there means); other countries count only when they have a single zone.
COUNTRY_TIME_ZONES = {
    "UZ": "Asia/Tashkent",
    "KZ": "Asia/Almaty",
    "MN": "Asia/Ulaanbaatar",
    "CN": "Asia/Shanghai",
}


class EventError(AlumniError):
    """A registration or Q&A request that cannot be carried out; the message is for the person."""


class EventPhase(enum.StrEnum):
    UPCOMING = "upcoming"
    ONGOING = "ongoing"
    PAST = "past"


def phase(event, now=None):
    now = now or timezone.now()
    if now < event.starts_at:
        return EventPhase.UPCOMING
    if now < event.ends_at:
        return EventPhase.ONGOING
    return EventPhase.PAST


def registration_closes_at(event):
    return event.registration_deadline or event.starts_at


# --- Who may register --------------------------------------------------------------------


def audience_refusal(user, event):
    """Why this person may not register for the event, or None when they may."""
    if not user.is_authenticated:
        return _("Log in to register.")
    if event.audience == Audience.EVERYONE or is_staff_user(user):
        return None
    if not is_alumnus(user):
        return _(
            "This event is for Medical Korea Alumni. You join the alumni network when you complete your first course."
        )
    if event.audience == Audience.CHAPTER:
        membership = membership_of(user)
        if event.chapter_id is None or membership.chapter_id != event.chapter_id:
            return _("This event is for the alumni of the %(chapter)s chapter.") % {"chapter": event.chapter}
    return None


def registration_refusal(user, event, now=None):
    now = now or timezone.now()
    if now >= registration_closes_at(event):
        return _("Registration for this event has closed.")
    return audience_refusal(user, event)


# --- Registering, cancelling, the waiting list ---------------------------------------------


def _lock(event):
    # of=("self",) locks the event's own row, not Wagtail's page row (editors keep working).
    return EventPage.objects.select_for_update(of=("self",)).only("pk", "capacity").get(pk=event.pk)


def _seats_taken(event):
    return Registration.objects.filter(event=event, status=REGISTERED).count()


def register(user, event, now=None):
    """Take a seat, or a place on the waiting list when the event is full.

    Registering again while registered or waiting changes nothing (a double submit).
    Returns the registration; raises EventError with the reason when refused.
    """
    now = now or timezone.now()
    refusal = registration_refusal(user, event, now)
    if refusal:
        raise EventError(refusal)
    try:
        with transaction.atomic():
            locked = _lock(event)
            registration = Registration.objects.select_for_update().filter(event=event, user=user).first()
            if registration is not None and registration.status != CANCELLED:
                return registration
            full = locked.capacity is not None and _seats_taken(event) >= locked.capacity
            status = WAITLISTED if full else REGISTERED
            if registration is None:
                registration = Registration.objects.create(event=event, user=user, status=status, status_changed_at=now)
            else:
                registration.status, registration.status_changed_at = status, now
                registration.promoted_at = None
                registration.reminder_24h_sent_at = registration.reminder_1h_sent_at = None
                registration.save()
            return registration
    except IntegrityError:
        # Only on a database without row locks (SQLite): a parallel request of the same
        # person inserted first. Theirs is the registration.
        return Registration.objects.get(event=event, user=user)


def cancel(user, event, now=None):
    """Give up a seat (the first on the waiting list moves up) or leave the waiting list."""
    now = now or timezone.now()
    if now >= event.ends_at:
        raise EventError(_("This event is over."))
    with transaction.atomic():
        _lock(event)
        registration = Registration.objects.select_for_update().filter(event=event, user=user).first()
        if registration is None or registration.status == CANCELLED:
            return registration  # nothing to cancel (a second click)
        registration.status, registration.status_changed_at = CANCELLED, now
        registration.save(update_fields=["status", "status_changed_at"])
        _promote(event, now)
    return registration


def promote_waitlist(event, now=None):
    """Fill free seats from the waiting list (after a cancellation or a capacity increase)."""
    with transaction.atomic():
        _lock(event)
        return _promote(event, now or timezone.now())


def _promote(event, now):
    """Inside the event's lock: move people up, first come first served, and tell them."""
    capacity = EventPage.objects.values_list("capacity", flat=True).get(pk=event.pk)
    if now >= event.starts_at:
        return []  # no one is told "you have a seat" once the event has begun
    waiting = Registration.objects.select_for_update().filter(event=event, status=WAITLISTED)
    if capacity is not None:
        free = capacity - _seats_taken(event)
        if free <= 0:
            return []
        waiting = waiting.order_by("status_changed_at", "pk")[:free]
    promoted = []
    for registration in waiting:
        registration.status, registration.status_changed_at, registration.promoted_at = REGISTERED, now, now
        registration.save(update_fields=["status", "status_changed_at", "promoted_at"])
        promoted.append(registration)
    if promoted:
        from .tasks import send_event_promotion

        ids = [registration.pk for registration in promoted]
        transaction.on_commit(lambda: [send_event_promotion.delay(pk) for pk in ids])
    return promoted


def registration_of(user, event):
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(event=event, user=user).exclude(status=CANCELLED).first()


def waitlist_position(registration):
    if registration is None or registration.status != WAITLISTED:
        return None
    ahead = Registration.objects.filter(event_id=registration.event_id, status=WAITLISTED).filter(
        status_changed_at__lt=registration.status_changed_at
    ) | Registration.objects.filter(
        event_id=registration.event_id,
        status=WAITLISTED,
        status_changed_at=registration.status_changed_at,
        pk__lt=registration.pk,
    )
    return ahead.count() + 1


# --- What a registrant sees -----------------------------------------------------------------


def link_opens_at(event):
    return event.starts_at - datetime.timedelta(minutes=settings.EVENT_LINK_OPENS_MINUTES_BEFORE)


def online_link_visible(user, event, now=None):
    """The joining link: registered people only, from shortly before the start to the end."""
    now = now or timezone.now()
    if not event.online_link or not user.is_authenticated:
        return False
    if not (link_opens_at(event) <= now < event.ends_at):
        return False
    return can_moderate(user, event) or Registration.objects.filter(event=event, user=user, status=REGISTERED).exists()


def materials_visible(user, event, now=None):
    """Recording and slides: after the event, for people marked as attended (and the hosts)."""
    now = now or timezone.now()
    if now < event.ends_at or not user.is_authenticated:
        return False
    if can_moderate(user, event):
        return True
    return Registration.objects.filter(event=event, user=user, attended_at__isnull=False).exists()


def can_moderate(user, event):
    """Staff, the event's hosts and the moderators of the event's chapter run the event."""
    if not user.is_authenticated:
        return False
    if is_staff_user(user):
        return True
    if event.hosts.filter(pk=user.pk).exists():
        return True
    return event.chapter_id is not None and is_chapter_moderator(user, event.chapter)


# --- Attendance and QR check-in -----------------------------------------------------------


def check_in_token(registration):
    return signing.dumps(registration.pk, salt=CHECK_IN_SALT, compress=True)


def check_in_url(registration):
    return settings.SITE_URL.rstrip("/") + reverse("alumni_events:check_in", args=[check_in_token(registration)])


def check_in_qr_svg(registration):
    return segno.make(check_in_url(registration), error="m").svg_inline(scale=4, border=2, title=_("Check-in code"))


def registration_from_token(token):
    try:
        pk = signing.loads(token, salt=CHECK_IN_SALT)
    except signing.BadSignature:
        return None
    return Registration.objects.select_related("event", "user", "user__profile").filter(pk=pk).first()


def set_attended(registration, attended, by, now=None):
    """Mark (or unmark) attendance; only people running the event may do it."""
    if not can_moderate(by, registration.event):
        raise PermissionDenied
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != REGISTERED and attended:
            raise EventError(_("%(person)s has no seat at this event.") % {"person": registration.user.display_name})
        if attended and registration.attended_at is None:
            registration.attended_at, registration.attendance_marked_by = now or timezone.now(), by
        elif not attended:
            registration.attended_at, registration.attendance_marked_by = None, None
        registration.save(update_fields=["attended_at", "attendance_marked_by"])
    return registration


def save_attendance(event, attended_ids, by):
    """The admin's attendance list: exactly the registrations in ``attended_ids`` attended."""
    attended_ids = {int(pk) for pk in attended_ids}
    changed = 0
    for registration in Registration.objects.filter(event=event, status=REGISTERED):
        if (registration.pk in attended_ids) != registration.attended:
            set_attended(registration, registration.pk in attended_ids, by)
            changed += 1
    log(instance=event, action="alumni.event.attendance", user=by, data={"changed": changed})
    return changed


# --- E-mails ----------------------------------------------------------------------------------


def event_url(event):
    return settings.SITE_URL.rstrip("/") + event.url


def _send(registration, template, subject, **context):
    user = registration.user
    language = get_profile(user).preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        zone = time_zone_for_user(user) or registration.event.zone
        context.update(event=registration.event, user=user, url=event_url(registration.event), zone=zone)
        with timezone.override(zone):  # dates in the e-mail are in the registrant's zone
            body = render_to_string(f"alumni/events/email/{template}.txt", context)
        send_mail(str(subject()), body, None, [user.email])


def send_promotion_email(registration_id):
    registration = Registration.objects.select_related("event", "user").filter(pk=registration_id).first()
    if registration is None or registration.status != REGISTERED:
        return False
    _send(registration, "promoted", lambda: _("You have a seat: %(event)s") % {"event": registration.event.title})
    return True


def claim_due_reminders(now=None):
    """Registrations whose 24-hour or 1-hour reminder is due, each claimed once.

    The rows are locked and stamped in one transaction; a second beat running at the same
    moment skips the locked rows and finds them stamped afterwards, so no one gets two.
    """
    now = now or timezone.now()
    claimed = []
    windows = [
        ("24h", REMINDER_WINDOWS["1h"], REMINDER_WINDOWS["24h"]),
        ("1h", datetime.timedelta(0), REMINDER_WINDOWS["1h"]),
    ]
    with transaction.atomic():
        for kind, earliest, latest in windows:
            field = f"reminder_{kind}_sent_at"
            due = (
                Registration.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=REGISTERED, event__starts_at__gt=now + earliest, event__starts_at__lte=now + latest)
                .filter(**{f"{field}__isnull": True})
            )
            ids = list(due.values_list("pk", flat=True))
            Registration.objects.filter(pk__in=ids).update(**{field: now})
            claimed += [(pk, kind) for pk in ids]
    return claimed


def send_reminder(registration_id, kind):
    registration = Registration.objects.select_related("event", "user").filter(pk=registration_id).first()
    if registration is None or registration.status != REGISTERED:
        return False

    def subject():  # translated inside the registrant's language
        if kind == "24h":
            return _("Tomorrow: %(event)s") % {"event": registration.event.title}
        return _("Starting in an hour: %(event)s") % {"event": registration.event.title}

    _send(registration, "reminder", subject, kind=kind)
    return True


# --- Time zones -----------------------------------------------------------------------------


def valid_zone(name):
    try:
        return zoneinfo.ZoneInfo(name) if name and "/" in name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def time_zone_for_user(user):
    """The zone of the person's profile country, when that country keeps one civil time."""
    if not user.is_authenticated:
        return None
    profile = get_profile(user)
    country = str(profile.country or "")
    if not country:
        return None
    name = COUNTRY_TIME_ZONES.get(country)
    if name is None:
        zones = get_global("territory_zones").get(country, [])
        name = zones[0] if len(zones) == 1 else None
    return valid_zone(name)


def time_zone_for(request):
    """The visitor's zone as far as the server knows it: chosen (session), else their country."""
    return valid_zone(request.session.get(TIME_ZONE_SESSION_KEY)) or time_zone_for_user(request.user)


def set_time_zone(request, name):
    zone = valid_zone(name)
    if zone is None:
        raise EventError(_("Choose a time zone from the list."))
    request.session[TIME_ZONE_SESSION_KEY] = zone.key
    return zone


# --- Calendars (.ics) --------------------------------------------------------------------------


def _vevent(event, *, url, host):
    item = icalendar.Event()
    item.add("uid", f"mka-event-{event.pk}@{host}")
    item.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    item.add("dtstart", event.starts_at.astimezone(datetime.UTC))
    item.add("dtend", event.ends_at.astimezone(datetime.UTC))
    item.add("summary", event.title)
    item.add("url", url)
    place = ", ".join(part for part in (event.venue, event.city) if part)
    # Never the joining link: calendar files get forwarded and synced to third parties.
    item.add("location", place or _("Online — the link appears on the event page before the start"))
    description = event.summary or strip_tags(event.description)[:500]
    item.add("description", f"{description}\n\n{url}".strip())
    item.add("last-modified", (event.last_published_at or timezone.now()).astimezone(datetime.UTC))
    return item


def _calendar(name):
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Medical Korea Academy//MKA e-class events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def event_ical(event, request):
    calendar = _calendar(event.title)
    calendar.add_component(_vevent(event, url=request.build_absolute_uri(event.url), host=request.get_host()))
    return calendar.to_ical()


def feed_for(user):
    feed, _created = CalendarFeed.objects.get_or_create(user=user, defaults={"token": CalendarFeed.new_token()})
    return feed


@transaction.atomic
def regenerate_feed(user):
    """A new secret address; the old one stops working at once."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return feed_for(user)
    feed.token = CalendarFeed.new_token()
    feed.save(update_fields=["token", "created_at"])
    return feed


def feed_ical(token, request):
    """The person's own events (seats, not the waiting list), or None for an unknown token."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None:
        return None
    calendar = _calendar(_("My MKA events"))
    events = (
        EventPage.objects.live()
        .filter(registrations__user=feed.user, registrations__status=REGISTERED)
        .order_by("starts_at")
    )
    for event in events:
        calendar.add_component(_vevent(event, url=request.build_absolute_uri(event.url), host=request.get_host()))
    return calendar.to_ical()


# --- Pages -----------------------------------------------------------------------------------


def event_listing(index, request):
    now = timezone.now()
    events = EventPage.objects.live().public().descendant_of(index).select_related("chapter")
    kind = request.GET.get("kind")
    if kind in EventKind.values:
        events = events.filter(kind=kind)
    return {
        "upcoming_events": events.filter(ends_at__gt=now).order_by("starts_at"),
        "past_events": events.filter(ends_at__lte=now).order_by("-starts_at")[:20],
        "kinds": EventKind.choices,
        "selected_kind": kind if kind in EventKind.values else "",
        "display_zone": time_zone_for(request),
        "can_create_events": bool(moderated_chapters(request.user)),
    }


def event_page_context(event, request, now=None):
    from .qna import qna_context

    now = now or timezone.now()
    user = request.user
    registration = registration_of(user, event)
    seats_taken = _seats_taken(event)
    context = {
        "now": now,
        "phase": phase(event, now),
        "registration": registration,
        "waitlist_position": waitlist_position(registration),
        "seats_taken": seats_taken,
        "seats_left": None if event.capacity is None else max(event.capacity - seats_taken, 0),
        "waiting_count": Registration.objects.filter(event=event, status=WAITLISTED).count(),
        "refusal": registration_refusal(user, event, now) if user.is_authenticated else None,
        "registration_closes_at": registration_closes_at(event),
        "link_visible": online_link_visible(user, event, now),
        "link_opens_at": link_opens_at(event),
        "materials_visible": materials_visible(user, event, now),
        "can_moderate": can_moderate(user, event),
        "display_zone": time_zone_for(request),
        "lecturers": event.lecturers,
    }
    if registration and registration.status == REGISTERED and event.kind != EventKind.ONLINE_SEMINAR and event.venue:
        context["check_in_qr"] = check_in_qr_svg(registration)
    if context["can_moderate"] and user.is_authenticated and is_staff_user(user):
        context["attendance_url"] = reverse("alumni_event_admin:attendance", args=[event.pk])
    context.update(qna_context(event, request))
    return context


def upcoming_for(user, now=None):
    now = now or timezone.now()
    return (
        Registration.objects.filter(user=user, event__ends_at__gt=now, event__live=True)
        .exclude(status=CANCELLED)
        .select_related("event")
        .order_by("event__starts_at")
    )


# --- Chapter events by moderators ------------------------------------------------------------


def moderated_chapters(user):
    from .models import Chapter

    if not user.is_authenticated:
        return Chapter.objects.none()
    if is_staff_user(user):
        return Chapter.objects.all()
    return Chapter.objects.filter(moderators=user)


def events_index():
    return EventIndexPage.objects.live().first()


def create_chapter_event(user, chapter, data):
    """A chapter moderator's event: for that chapter's alumni, published at once under the index."""
    if not is_chapter_moderator(user, chapter):
        raise PermissionDenied
    index = events_index()
    if index is None:
        raise EventError(_("The events section has not been set up yet. Ask the staff."))
    slug_base = slugify(f"{data['title']}-{chapter.slug}")[:70] or "event"
    slug, number = slug_base, 1
    while index.get_children().filter(slug=slug).exists():
        number += 1
        slug = f"{slug_base}-{number}"
    description = data.get("description", "").strip()
    event = EventPage(
        title=data["title"],
        slug=slug,
        kind=data["kind"],
        summary=data.get("summary", ""),
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        time_zone=data["time_zone"],
        venue=data.get("venue", ""),
        city=data.get("city", ""),
        online_link=data.get("online_link", ""),
        capacity=data.get("capacity"),
        registration_deadline=data.get("registration_deadline"),
        audience=Audience.CHAPTER,
        chapter=chapter,
        description=linebreaks(description, autoescape=True) if description else "",
        owner=user,
    )
    with transaction.atomic():
        index.add_child(instance=event)
        event.hosts.add(user)
        revision = event.save_revision(user=user, log_action=True)
        # Our rule (chapter moderator) allows it; moderators hold no Wagtail page permissions.
        revision.publish(user=user, skip_permission_checks=True)
    event.refresh_from_db()
    return event
