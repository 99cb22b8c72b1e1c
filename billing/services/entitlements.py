"""Entitlements: the one record of who may study what, from when until when, and why."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Entitlement, OfferKind


def scope_of(offer):
    """The entitlement fields an offer grants: its course, its track or itself as a bundle."""
    if offer.kind == OfferKind.COURSE:
        return {"course": offer.course}
    if offer.kind == OfferKind.TRACK_PASS:
        return {"track": offer.track}
    return {"bundle": offer}


def grant(user, offer, *, source, starts_at=None, days=None, **links):
    """Create the entitlement an offer gives ``user``; ``days=None`` uses the offer's period."""
    starts_at = starts_at or timezone.now()
    days = offer.access_days if days is None else days
    ends_at = starts_at + timedelta(days=days) if days else None
    return Entitlement.objects.create(
        user=user, source=source, starts_at=starts_at, ends_at=ends_at, **scope_of(offer), **links
    )


@transaction.atomic
def end(entitlements, *, reason, at=None):
    """End access early (refund, subscription ended, staff revoke). Progress and certificates stay."""
    at = at or timezone.now()
    ids = list(entitlements.select_for_update().filter(revoked_at__isnull=True).values_list("pk", flat=True))
    return Entitlement.objects.filter(pk__in=ids).update(revoked_at=at, revoke_reason=reason[:300])


def covering(user, course, at=None):
    """Active entitlements of ``user`` that open ``course``.

    Matched by ``translation_key`` so a translated copy of a course or track is covered
    by the entitlement to the original. A track pass covers every course the track holds
    now, including courses added after the purchase.
    """
    if not user.is_authenticated:
        return Entitlement.objects.none()
    scope = Q(course__translation_key=course.translation_key) | Q(
        bundle__courses__translation_key=course.translation_key
    )
    track = course.track
    if track is not None:
        scope |= Q(track__translation_key=track.translation_key)
    return Entitlement.objects.active(at).filter(scope, user=user)
