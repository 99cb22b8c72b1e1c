"""Issuing, rendering, verifying and revoking certificates."""

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrollment
from lms.accounts.services import get_profile, user_language

from .models import Certificate, CertificateStatus, new_public_code

logger = logging.getLogger(__name__)


class CertificateError(Exception):
    """A rule said no; ``str(error)`` is meant for a person."""


def issue_certificate(enrollment_id):
    """Issue the certificate of a completed enrollment, once. Returns it (new or existing)."""
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update().select_related("user", "course").filter(pk=enrollment_id).first()
        )
        if enrollment is None or enrollment.completed_at is None:
            return None
        existing = Certificate.objects.filter(enrollment=enrollment, status=CertificateStatus.VALID).first()
        if existing:
            return existing
        try:
            with transaction.atomic():
                certificate = _create_with_serial(enrollment=enrollment, **snapshot(enrollment))
        except IntegrityError:  # issued by a concurrent run of the task
            return Certificate.objects.get(enrollment=enrollment, status=CertificateStatus.VALID)
    return certificate


def _create_with_serial(**fields):
    """The serial is built from the row id, so the row gets a placeholder first."""
    certificate = Certificate.objects.create(serial=new_public_code()[:20], **fields)
    certificate.serial = format_serial(certificate)
    certificate.save(update_fields=["serial"])
    return certificate


def format_serial(certificate):
    """MKA-2026-000123: readable on the phone to a ministry clerk; the number is the row id."""
    return f"{settings.CERTIFICATE_SERIAL_PREFIX}-{certificate.issued_at:%Y}-{certificate.pk:06d}"


def snapshot(enrollment, name_latin=None, name_native=None):
    """What the certificate says, copied now so later edits to the profile or course change nothing."""
    from .designs import current_signatories

    profile = get_profile(enrollment.user)
    course = enrollment.course
    track = course.track
    return {
        "holder_name_latin": name_latin or profile.name_latin or enrollment.user.get_full_name() or enrollment.user.email,
        "holder_name_native": profile.name_native if name_native is None else name_native,
        "course_title": course.title,
        "track_title": track.title if track else "",
        "cme_credit_hours": course.cme_credit_hours,
        "credit_type": course.cme_credit_type or "Medical Korea Academy CME",
        "completed_on": timezone.localdate(enrollment.completed_at),
        "issuer": settings.CERTIFICATE_ISSUER,
        "language": second_language(enrollment.user),
        "signatories": current_signatories(),
    }


def second_language(user):
    """The language printed under the English wording: the holder's, when it is not English."""
    language = user_language(user)
    return "" if language == "en" else language


def render_pdf(certificate_id):
    """Render the PDF from the snapshot and store it (tasks call this, never a request)."""
    from .rendering import render_certificate_pdf

    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return None
    pdf = render_certificate_pdf(certificate)
    if certificate.pdf:
        certificate.pdf.delete(save=False)
    certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(pdf), save=False)
    certificate.pdf_rendered_at = timezone.now()
    certificate.save(update_fields=["pdf", "pdf_rendered_at"])
    return certificate


def revoke(certificate, reason, revoked_by):
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give a reason for revoking the certificate."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status != CertificateStatus.VALID:
            raise CertificateError(_("Only a valid certificate can be revoked."))
        certificate.status = CertificateStatus.REVOKED
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason
        certificate.revoked_by = revoked_by
        certificate.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"])
    return certificate


def current_version(certificate):
    """Follow corrections to the certificate that replaced this one."""
    seen = {certificate.pk}
    while certificate.superseded_by_id and certificate.superseded_by_id not in seen:
        certificate = certificate.superseded_by
        seen.add(certificate.pk)
    return certificate


def find_by_serial(serial, surname):
    """A third party's lookup: both the serial and the holder's surname must match."""
    serial, surname = serial.strip().upper(), " ".join(surname.split()).casefold()
    if not serial or not surname:
        return None
    certificate = Certificate.objects.filter(serial=serial).first()
    if certificate and certificate.surname.casefold() == surname:
        return certificate
    return None


def certificates_of(user):
    return Certificate.objects.filter(enrollment__user=user).exclude(status=CertificateStatus.SUPERSEDED)


# --- Name corrections ----------------------------------------------------------------


def request_name_correction(user, certificate, name_latin, name_native, reason):
    from .models import CorrectionStatus, NameCorrectionRequest

    if certificate.enrollment.user_id != user.pk or certificate.status != CertificateStatus.VALID:
        raise CertificateError(_("You can ask to correct only your own valid certificates."))
    if NameCorrectionRequest.objects.filter(certificate=certificate, status=CorrectionStatus.PENDING).exists():
        raise CertificateError(_("A correction for this certificate is already waiting for review."))
    return NameCorrectionRequest.objects.create(
        certificate=certificate, name_latin=name_latin, name_native=name_native, reason=reason
    )


def decide_name_correction(correction, approve, decided_by, note=""):
    """Approving supersedes the old certificate with a corrected one; the old code then points to it."""
    from .models import CorrectionStatus, NameCorrectionRequest
    from .tasks import render_certificate_pdf

    with transaction.atomic():
        correction = NameCorrectionRequest.objects.select_for_update().select_related("certificate").get(pk=correction.pk)
        if correction.status != CorrectionStatus.PENDING:
            raise CertificateError(_("This request was already decided."))
        correction.decided_by, correction.decided_at, correction.decision_note = decided_by, timezone.now(), note
        if not approve:
            correction.status = CorrectionStatus.REJECTED
            correction.save()
            return None
        old = Certificate.objects.select_for_update().get(pk=correction.certificate_id)
        if old.status != CertificateStatus.VALID:
            raise CertificateError(_("Only a valid certificate can be corrected."))
        old.status = CertificateStatus.SUPERSEDED
        old.save(update_fields=["status"])
        facts = {
            field: getattr(old, field)
            for field in (
                "course_title", "track_title", "cme_credit_hours", "credit_type", "completed_on", "issuer", "language",
                "signatories",
            )
        }
        new = _create_with_serial(
            enrollment=old.enrollment,
            holder_name_latin=correction.name_latin,
            holder_name_native=correction.name_native,
            **facts,
        )
        old.superseded_by = new
        old.save(update_fields=["superseded_by"])
        correction.status = CorrectionStatus.APPROVED
        correction.save()
        transaction.on_commit(lambda: render_certificate_pdf.delay(new.pk))
    return new


# --- Bulk re-rendering -------------------------------------------------------------


def start_rerender(requested_by=None, batch_size=25):
    """Queue every certificate's PDF for re-rendering in batches; snapshots and codes stay as they are."""
    from .models import RenderJob
    from .tasks import render_batch

    ids = list(Certificate.objects.order_by("pk").values_list("pk", flat=True))
    job = RenderJob.objects.create(requested_by=requested_by, total=len(ids))
    batches = [ids[start : start + batch_size] for start in range(0, len(ids), batch_size)]
    if not batches:
        RenderJob.objects.filter(pk=job.pk).update(finished_at=timezone.now())
    transaction.on_commit(lambda: [render_batch.delay(job.pk, batch) for batch in batches])
    return job


def render_batch(job_id, certificate_ids):
    from django.db.models import F

    from .models import RenderJob

    done = failed = 0
    for certificate_id in certificate_ids:
        try:
            render_pdf(certificate_id)
            done += 1
        except Exception:  # one broken certificate must not stop the batch
            logger.exception("Could not render certificate %s", certificate_id)
            failed += 1
    RenderJob.objects.filter(pk=job_id).update(done=F("done") + done, failed=F("failed") + failed)
    RenderJob.objects.filter(pk=job_id, finished_at__isnull=True).filter(
        total__lte=F("done") + F("failed")
    ).update(finished_at=timezone.now())


# --- Transcript --------------------------------------------------------------------


def transcript(user):
    """Valid certificates with hours, and totals per credit type."""
    certificates = list(
        Certificate.objects.filter(enrollment__user=user, status=CertificateStatus.VALID).order_by("completed_on")
    )
    totals = {}
    for certificate in certificates:
        totals[certificate.credit_type] = totals.get(certificate.credit_type, 0) + certificate.cme_credit_hours
    return {"certificates": certificates, "totals": sorted(totals.items())}


def transcript_file_name(user, certificates):
    """Named after what it lists, so a new or revoked certificate means a new file."""
    fingerprint = hashlib.sha256(
        "|".join(f"{c.pk}:{c.serial}:{c.status}" for c in certificates).encode()
    ).hexdigest()[:16]
    return f"transcripts/{user.pk}-{fingerprint}.pdf"


def render_transcript(user_id):
    from django.contrib.auth import get_user_model
    from django.core.files.storage import default_storage

    from .transcripts import render_transcript_pdf

    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    data = transcript(user)
    name = transcript_file_name(user, data["certificates"])
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(render_transcript_pdf(user, data)))
    return name
