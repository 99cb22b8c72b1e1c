from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Chapter(models.Model):
    """The alumni of one country. Created by staff; alumni join their country's chapter on admission."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), unique=True)
    country = CountryField(_("country"), unique=True)
    description = models.TextField(_("description"), blank=True)
    # Moderators post chapter news and create chapter events.
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("moderators"), blank=True, related_name="moderated_chapters"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        ordering = ["name"]

    def __str__(self):
        return self.name


class AdmissionSource(models.TextChoices):
    COMPLETION = "completion", _("Completed an online course")
    OFFLINE_PROGRAMME = "offline", _("Graduate of the offline programme (admitted by staff)")


class AlumniMembership(models.Model):
    """A trainee's alumni status: granted on the first completed course, or by staff (audited)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("alumnus"), on_delete=models.CASCADE, related_name="alumni_membership"
    )
    cohort_year = models.PositiveSmallIntegerField(_("cohort year"), db_index=True)
    source = models.CharField(_("admitted for"), max_length=20, choices=AdmissionSource.choices)
    chapter = models.ForeignKey(
        Chapter, verbose_name=_("chapter"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    admitted_at = models.DateTimeField(_("admitted"), auto_now_add=True)
    # The audit of a manual admission: who, and on what evidence.
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    admission_note = models.CharField(_("evidence / note"), max_length=500, blank=True)
    # The enrollment whose completion admitted them (none for offline graduates).
    first_completion = models.ForeignKey(
        "courses.Enrollment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("alumni membership")
        verbose_name_plural = _("alumni")
        ordering = ["-admitted_at"]

    def __str__(self):
        return f"{self.user} ({self.cohort_year})"
