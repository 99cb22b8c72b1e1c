"""The certificate design: which one is active, who signs, and the sample shown in the preview."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from .models import Certificate, CertificateDesign

# Signatories printed when no design exists, and on certificates issued before designs did
# (settings.CERTIFICATE_SIGNATORIES overrides them).
DEFAULT_SIGNATORIES = (
    {"name": "Prof. Kim Jae-won", "title": "Director, Medical Korea Academy", "signature_image_id": None},
    {"name": "Prof. Lee Soo-jin", "title": "Dean of Education", "signature_image_id": None},
)


def default_signatories():
    return [dict(entry) for entry in getattr(settings, "CERTIFICATE_SIGNATORIES", DEFAULT_SIGNATORIES)]


def active_design():
    """The design certificates are printed with, or None (then the built-in default is used)."""
    return CertificateDesign.objects.filter(is_active=True).order_by("-updated_at", "-pk").first()


def make_sole_active(design):
    """Called when an admin saves ``design``: if it is active, no other design stays active."""
    if not design.is_active:
        return
    with transaction.atomic():
        others = CertificateDesign.objects.filter(is_active=True)
        if design.pk:
            others = others.exclude(pk=design.pk)
        # update(): deactivating must not bump the others' updated_at or run their save().
        others.update(is_active=False)


def signatories_of(design):
    """The snapshot of who signs: [{"name", "title", "signature_image_id"}], in panel order.

    Works on an unsaved design too (the preview): modelcluster keeps the inline rows in memory.
    """
    rows = sorted(design.signatories.all(), key=lambda row: (row.sort_order is None, row.sort_order or 0))
    return [
        {"name": row.name, "title": row.title, "signature_image_id": row.signature_image_id}
        for row in rows
        if row.name
    ]


def current_signatories():
    """What a certificate issued now is signed by: the active design's signatories, or the defaults."""
    design = active_design()
    return signatories_of(design) if design is not None else default_signatories()


def sample_certificate(design):
    """An unsaved certificate with made-up facts, to preview ``design`` before it is saved."""
    today = datetime.date.today()
    return Certificate(
        holder_name_latin="Fatima Al-Zahra",
        holder_name_native="فاطمة الزهراء",
        course_title="Echocardiography Basics for Clinical Practice",
        track_title="Cardiology",
        cme_credit_hours=Decimal("12.0"),
        credit_type="KMA CME credits",
        completed_on=today,
        issuer=settings.CERTIFICATE_ISSUER,
        serial=f"{settings.CERTIFICATE_SERIAL_PREFIX}-{today:%Y}-000000",
        public_code="SAMPLE-preview-only",
        signatories=signatories_of(design),
    )
