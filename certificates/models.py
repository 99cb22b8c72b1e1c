"""Certificates are snapshots: what they certify is copied on issue and never read live again."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_public_code():
    # 128 bits: unguessable, and short enough for a QR code and a URL.
    return secrets.token_urlsafe(16)


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded by a corrected certificate")


class Certificate(models.Model):
    enrollment = models.ForeignKey(
        "courses.Enrollment", on_delete=models.PROTECT, related_name="certificates"
    )
    public_code = models.CharField(max_length=32, unique=True, default=new_public_code, editable=False)
    serial = models.CharField(max_length=20, unique=True, editable=False)
    status = models.CharField(max_length=20, choices=CertificateStatus.choices, default=CertificateStatus.VALID)
    issued_at = models.DateTimeField(auto_now_add=True)

    # The snapshot.
    holder_name_latin = models.CharField(max_length=150)
    holder_name_native = models.CharField(max_length=150, blank=True)
    course_title = models.CharField(max_length=255)
    track_title = models.CharField(max_length=255, blank=True)
    cme_credit_hours = models.DecimalField(max_digits=5, decimal_places=1)
    credit_type = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField()
    issuer = models.CharField(max_length=200)

    pdf = models.FileField(upload_to="certificates/", blank=True, editable=False)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True, editable=False)

    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            # One valid certificate per enrollment: a second completion issues nothing new.
            models.UniqueConstraint(
                fields=["enrollment"], condition=models.Q(status="valid"), name="one_valid_certificate_per_enrollment"
            )
        ]

    def __str__(self):
        return f"{self.serial} – {self.holder_name_latin}"

    @property
    def is_valid(self):
        return self.status == CertificateStatus.VALID

    @property
    def revoke_label(self):
        return _("Revoke…") if self.is_valid else ""

    @property
    def surname(self):
        return self.holder_name_latin.split()[-1] if self.holder_name_latin else ""


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved: corrected certificate issued")
    REJECTED = "rejected", _("Rejected")


class NameCorrectionRequest(models.Model):
    """A trainee asks for their name to be printed differently; an admin decides."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="correction_requests")
    name_latin = models.CharField(_("name in Latin letters"), max_length=150)
    name_native = models.CharField(_("name in your own script"), max_length=150, blank=True)
    reason = models.TextField(_("why the name must change"))
    status = models.CharField(max_length=20, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("name correction request")

    def __str__(self):
        return f"{self.certificate.serial}: {self.name_latin}"
