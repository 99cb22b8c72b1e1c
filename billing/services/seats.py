"""Sponsored seats: a sponsor's pool of single-use codes, invitations, redemption and reassignment.

A code opens what its pool's offer opens (a course, a track or a bundle), whatever page the
trainee typed it on: the trainee is told which courses it opened.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from courses.models import CoursePage
from lms.accounts.services import interface_language

from ..exceptions import BillingError
from ..models import Entitlement, EntitlementSource, OfferKind, SeatCode, SeatPool
from .entitlements import grant


class SeatError(BillingError):
    """A seat code could not be used or changed; the message says why."""


@dataclass
class Redemption:
    entitlement: Entitlement
    courses: list = field(default_factory=list)
    already_yours: bool = False


def normalize_code(raw):
    """' abcd efgh-jkmn ' -> 'ABCD-EFGH-JKMN': people type codes with spaces, dashes or none."""
    letters = re.sub(r"[^A-Z0-9]", "", (raw or "").upper())
    if len(letters) != 12:
        return letters
    return "-".join(letters[i : i + 4] for i in (0, 4, 8))


def courses_opened_by(offer):
    """The live courses an offer opens today (a track pass: the track's advanced courses)."""
    if offer.kind == OfferKind.COURSE:
        courses = CoursePage.objects.filter(pk=offer.course_id)
    elif offer.kind == OfferKind.TRACK_PASS:
        courses = CoursePage.objects.child_of(offer.track).filter(level="advanced")
    else:
        courses = offer.courses.all()
    return list(courses.live().order_by("path"))


def course_has_sponsored_seats(course, at=None):
    """Whether a seat pool still open for redeeming covers ``course`` (directly, by track or bundle)."""
    at = at or timezone.now()
    scope = Q(offer__course__translation_key=course.translation_key) | Q(
        offer__courses__translation_key=course.translation_key
    )
    if course.track is not None:
        scope |= Q(offer__track__translation_key=course.track.translation_key)
    return SeatPool.objects.filter(scope).filter(Q(redeemable_until__isnull=True) | Q(redeemable_until__gt=at)).exists()


# --- Codes ---------------------------------------------------------------------------


def seats_left_to_issue(pool):
    """Seats of the pool without a live code (revoked codes do not hold a seat)."""
    return max(pool.seat_count - pool.codes.filter(revoked_at__isnull=True).count(), 0)


def generate_codes(pool):
    """Create codes until every seat of the pool has one; returns the new codes."""
    with transaction.atomic():
        pool = SeatPool.objects.select_for_update().get(pk=pool.pk)
        return [_new_code(pool) for _ in range(seats_left_to_issue(pool))]


def _new_code(pool, **fields):
    # A collision among 31^12 codes is practically impossible, but a unique index is cheap to respect.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return SeatCode.objects.create(pool=pool, **fields)
        except IntegrityError:
            continue
    raise SeatError(_("Could not create a unique code. Try again."))


def _unused(seat):
    if seat.redeemed_by_id:
        raise SeatError(_("Code %(code)s is already used: a used seat cannot be reassigned.") % {"code": seat.code})
    if seat.revoked_at:
        raise SeatError(_("Code %(code)s was revoked.") % {"code": seat.code})


def invite(pool, email):
    """Give a free code of the pool to ``email`` and send it. Returns the code."""
    email = email.strip().lower()
    with transaction.atomic():
        pool = SeatPool.objects.select_for_update().get(pk=pool.pk)
        if pool.codes.filter(invited_email__iexact=email, redeemed_at__isnull=True, revoked_at__isnull=True).exists():
            raise SeatError(_("%(email)s already has an unused code from this pool.") % {"email": email})
        seat = (
            pool.codes.select_for_update()
            .filter(redeemed_by__isnull=True, revoked_at__isnull=True, invited_email="")
            .order_by("created_at", "pk")
            .first()
        )
        if seat is None:
            if seats_left_to_issue(pool) == 0:
                raise SeatError(_("Every seat of this pool is taken or assigned."))
            seat = _new_code(pool)
        seat.invited_email = email
        seat.save(update_fields=["invited_email"])
        transaction.on_commit(lambda: _queue_invitation(seat.pk))
    return seat


def reassign(seat, email):
    """Point an unused code at another person (and send it to them)."""
    email = email.strip().lower()
    with transaction.atomic():
        seat = SeatCode.objects.select_for_update().get(pk=seat.pk)
        _unused(seat)
        seat.invited_email = email
        seat.save(update_fields=["invited_email"])
        if email:
            transaction.on_commit(lambda: _queue_invitation(seat.pk))
    return seat


def revoke_and_replace(seat):
    """Withdraw an unused code (leaked, sent to the wrong person) and issue a new one for the same seat."""
    with transaction.atomic():
        seat = SeatCode.objects.select_for_update().get(pk=seat.pk)
        _unused(seat)
        seat.revoked_at = timezone.now()
        seat.save(update_fields=["revoked_at"])
        replacement = _new_code(seat.pool, invited_email=seat.invited_email)
        if replacement.invited_email:
            transaction.on_commit(lambda: _queue_invitation(replacement.pk))
    return replacement


def _queue_invitation(seat_id):
    from ..tasks import send_seat_invitation

    send_seat_invitation.delay(seat_id)


def redeem_url(seat=None):
    site = (getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    url = site + reverse("billing_account:redeem")
    return f"{url}?code={seat.code}" if seat else url


def send_invitation(seat_id):
    seat = SeatCode.objects.select_related("pool__sponsor", "pool__offer").get(pk=seat_id)
    if not seat.invited_email or seat.redeemed_at or seat.revoked_at:
        return False
    courses = courses_opened_by(seat.pool.offer)
    site = (getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    context = {
        "seat": seat,
        "sponsor": seat.pool.sponsor,
        "offer": seat.pool.offer,
        "courses": [(course.title, site + course.url) for course in courses],
        "redeem_url": redeem_url(seat),
        "valid_until": seat.pool.redeemable_until,
    }
    language = _language_for_email(seat.invited_email)
    with translation.override(language):
        subject = _("%(sponsor)s gives you a seat at MKA e-class") % {"sponsor": seat.pool.sponsor.name}
        body = render_to_string("billing/email/seat_invitation.txt", context)
    send_mail(subject, body, None, [seat.invited_email])
    return True


def _language_for_email(email):
    from lms.accounts.models import TraineeProfile

    profile = TraineeProfile.objects.filter(user__email__iexact=email).only("preferred_language").first()
    return interface_language(profile.preferred_language if profile else "") or settings.LANGUAGE_CODE


# --- Redemption ----------------------------------------------------------------------


def redeem(user, raw_code, at=None):
    """Use a seat code: the trainee gets the pool's offer for free. Exactly one person ever gets a code."""
    at = at or timezone.now()
    code = normalize_code(raw_code)
    if not code:
        raise SeatError(_("Type the code from your invitation."))
    with transaction.atomic():
        # Locked: of two people redeeming the same code at once, the second waits here and
        # then sees the code taken.
        seat = SeatCode.objects.select_for_update().filter(code=code).first()
        if seat is None:
            raise SeatError(_("There is no seat code %(code)s. Check the code in your invitation.") % {"code": code})
        pool = SeatPool.objects.select_related("offer", "sponsor").get(pk=seat.pool_id)
        if seat.redeemed_by_id == user.pk:
            return Redemption(
                entitlement=Entitlement.objects.get(seat=seat),
                courses=courses_opened_by(pool.offer),
                already_yours=True,
            )
        if seat.redeemed_by_id:
            raise SeatError(_("This code was already used by someone else. Ask your sponsor for a new one."))
        if seat.revoked_at:
            raise SeatError(_("This code was withdrawn by your sponsor. Ask them for a new one."))
        if pool.redeemable_until and pool.redeemable_until < at:
            raise SeatError(
                _("This code could be used until %(date)s. Ask your sponsor for a new one.")
                % {"date": formats.date_format(timezone.localtime(pool.redeemable_until), "DATE_FORMAT")}
            )
        if SeatCode.objects.filter(pool=pool, redeemed_by=user).exists():
            # One seat per person per pool: a second code would only burn a colleague's seat.
            raise SeatError(_("You already have a seat from this sponsor for %(offer)s.") % {"offer": pool.offer})
        seat.redeemed_by = user
        seat.redeemed_at = at
        seat.save(update_fields=["redeemed_by", "redeemed_at"])
        entitlement = grant(
            user,
            pool.offer,
            source=EntitlementSource.SPONSOR_SEAT,
            starts_at=at,
            days=pool.access_days,
            seat=seat,
            note=str(pool.sponsor)[:300],
        )
    return Redemption(entitlement=entitlement, courses=courses_opened_by(pool.offer))
