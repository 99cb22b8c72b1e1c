"""Certificates are snapshots: what they certify is copied on issue and never read live again."""

import secrets

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, PreviewableMixin


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
    # The holder's interface language at issue (ru, ar): the wording is printed in it under the
    # English. Empty for English, and for certificates issued before certificates were bilingual.
    language = models.CharField(max_length=10, blank=True)
    # Who signs, copied from the active design on issue: [{"name", "title", "signature_image_id"}].
    # Empty for certificates issued before designs existed: those print the default signatories.
    signatories = models.JSONField(default=list, blank=True)

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


class RenderJob(models.Model):
    """A bulk re-render of certificate PDFs (after a design change), followed in the admin."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Re-render {self.done}/{self.total}"

    @property
    def percent(self):
        return 100 if not self.total else round(100 * (self.done + self.failed) / self.total)


class ColourInput(forms.TextInput):
    input_type = "color"  # the browser's colour picker: it always submits #rrggbb


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb, for example #0b4f71."))


class CertificateDesign(PreviewableMixin, ClusterableModel):
    """How certificates look: logo, wording, colours and who signs. Edited as a snippet.

    The active design's visuals are used whenever a PDF is rendered (so a re-render picks
    up a new logo or colour); its signatories are copied onto each certificate on issue.
    Only one design is active: ``certificates.designs.make_sole_active`` sees to that when
    the admin saves one.
    """

    name = models.CharField(max_length=100, help_text=_("For admins only, e.g. \"2026 design\"."))
    is_active = models.BooleanField(
        _("active"), default=False,
        help_text=_("The design used for certificates. Making this one active deactivates the others."),
    )
    logo = models.ForeignKey(
        get_image_model_string(), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    heading = models.CharField(max_length=100, default="Medical Korea Academy")
    subheading = models.CharField(max_length=100, blank=True, default="MKA e-class")
    title = models.CharField(max_length=100, default="Certificate of Completion")
    certify_text = models.CharField(max_length=200, default="This is to certify that")
    completed_text = models.CharField(max_length=200, default="has successfully completed the online course")
    primary_colour = models.CharField(
        max_length=7, default="#0b4f71", validators=[hex_colour], help_text=_("Frame, headings and names (#rrggbb).")
    )
    accent_colour = models.CharField(
        max_length=7, default="#b8963e", validators=[hex_colour], help_text=_("Gold lines and corners (#rrggbb).")
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("is_active"),
        MultiFieldPanel(
            [FieldPanel("logo"), FieldPanel("heading"), FieldPanel("subheading"), FieldPanel("title"),
             FieldPanel("certify_text"), FieldPanel("completed_text")],
            heading=_("Logo and wording"),
        ),
        MultiFieldPanel(
            [FieldPanel("primary_colour", widget=ColourInput), FieldPanel("accent_colour", widget=ColourInput)],
            heading=_("Colours"),
        ),
        InlinePanel("signatories", max_num=3, label=_("Signatory"), heading=_("Signatories")),
    ]

    class Meta:
        ordering = ["-is_active", "-updated_at"]
        verbose_name = _("certificate design")

    def __str__(self):
        return f"{self.name} (active)" if self.is_active else self.name

    # --- Preview: the certificate template with a sample holder, before saving -------------

    @property
    def default_preview_size(self):
        return "desktop"  # the certificate is an A4 landscape page

    def get_preview_template(self, request, mode_name):
        from .rendering import TEMPLATE_NAME

        return TEMPLATE_NAME

    def get_preview_context(self, request, mode_name):
        from .designs import sample_certificate
        from .rendering import certificate_context

        context = super().get_preview_context(request, mode_name)
        context.update(certificate_context(sample_certificate(self), design=self))
        return context


class CertificateSignatory(Orderable):
    design = ParentalKey(CertificateDesign, on_delete=models.CASCADE, related_name="signatories")
    name = models.CharField(max_length=150)
    title = models.CharField(max_length=200, blank=True)
    signature_image = models.ForeignKey(
        get_image_model_string(), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("A scan of the signature, ideally a PNG with a transparent background."),
    )

    panels = [FieldPanel("name"), FieldPanel("title"), FieldPanel("signature_image")]

    def __str__(self):
        return self.name
