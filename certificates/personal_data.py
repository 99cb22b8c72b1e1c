"""What certificates holds about a trainee: for the data download and for account deletion
(see lms.accounts.personal_data).

A deleted account's certificates stay verifiable (serial, course, hours, date, status) so a
ministry can still check one it was shown, but the holder's name is erased from the record
and the PDF (which prints it) is deleted. An empty holder name is what the verify page reads
as "the holder has deleted their account".
"""

from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from lms.accounts.personal_data import iso

from .models import Certificate, NameCorrectionRequest


def export_certificates(user):
    from django.conf import settings

    certificates = Certificate.objects.filter(enrollment__user=user).order_by("issued_at")
    corrections = NameCorrectionRequest.objects.filter(
        certificate__enrollment__user=user
    ).select_related("certificate")
    return {
        "certificates": [
            {
                "serial": certificate.serial,
                "status": certificate.status,
                "holder_name_latin": certificate.holder_name_latin,
                "holder_name_native": certificate.holder_name_native,
                "course": certificate.course_title,
                "track": certificate.track_title,
                "cme_credit_hours": str(certificate.cme_credit_hours),
                "credit_type": certificate.credit_type,
                "completed_on": iso(certificate.completed_on),
                "issued_at": iso(certificate.issued_at),
                "issuer": certificate.issuer,
                "verify_url": settings.SITE_URL
                + reverse("certificates:verify", args=[certificate.public_code]),
            }
            for certificate in certificates
        ],
        "name_correction_requests": [
            {
                "certificate": correction.certificate.serial,
                "name_latin": correction.name_latin,
                "name_native": correction.name_native,
                "reason": correction.reason,
                "status": correction.status,
                "requested_at": iso(correction.requested_at),
                "decided_at": iso(correction.decided_at),
            }
            for correction in corrections.order_by("requested_at")
        ],
    }


def anonymise_certificates(user):
    NameCorrectionRequest.objects.filter(certificate__enrollment__user=user).delete()
    files = []
    for certificate in Certificate.objects.filter(enrollment__user=user).select_for_update():
        if certificate.pdf:
            files.append(certificate.pdf.name)
        certificate.pdf = ""
        certificate.holder_name_latin = ""
        certificate.holder_name_native = ""
        certificate.pdf_rendered_at = None
        certificate.save(
            update_fields=["pdf", "holder_name_latin", "holder_name_native", "pdf_rendered_at"]
        )
    try:
        _folders, transcripts = default_storage.listdir("transcripts")
    except FileNotFoundError:
        transcripts = []
    files += [f"transcripts/{name}" for name in transcripts if name.startswith(f"{user.pk}-")]
    # Files go only once the rows are committed: a rolled-back deletion keeps its PDFs.
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
