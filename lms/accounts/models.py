import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account; the e-mail address is the login."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_case_insensitive_unique")]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = self.email.strip().lower()

    def save(self, *args, **kwargs):
        # One account per address whatever the case it is typed in (admin forms too).
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def display_name(self):
        profile = getattr(self, "profile", None)
        if profile and profile.name_latin:
            return profile.name_latin
        return self.get_full_name() or self.email


# Apostrophes and the Uzbek/Hawaiian ʻokina are part of many Latin-script names.
NAME_PUNCTUATION = " -'.’ʻʼ"


def normalize_name(value):
    """One spelling per name: composed accents (NFC) and single spaces."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def validate_latin_name(value):
    """Passport names in the Latin alphabet: letters (with diacritics), spaces, - ' and ."""
    value = normalize_name(value)
    if value and not any(char.isalpha() for char in value):
        raise ValidationError(_("Enter your name in letters."), code="no_letters")
    for char in value:
        if unicodedata.category(char).startswith("M") or char in NAME_PUNCTUATION:
            continue  # a combining accent left after normalisation belongs to its letter
        if char.isalpha():
            if not unicodedata.name(char, "").startswith("LATIN"):
                raise ValidationError(
                    _("Use Latin letters only, as printed on your passport. "
                      "Write your name in your own script in the next field."),
                    code="not_latin",
                )
        else:
            raise ValidationError(
                _("Only letters, spaces, hyphens, apostrophes and full stops are allowed."),
                code="invalid_character",
            )


class Specialty(models.TextChoices):
    GENERAL_SURGERY = "general-surgery", _("General surgery")
    INTERNAL_MEDICINE = "internal-medicine", _("Internal medicine")
    CARDIOLOGY = "cardiology", _("Cardiology")
    ONCOLOGY = "oncology", _("Oncology")
    RARE_DISEASES = "rare-diseases", _("Rare diseases / medical genetics")
    PLASTIC_SURGERY = "plastic-surgery", _("Plastic surgery")
    DERMATOLOGY = "dermatology", _("Dermatology")
    DENTISTRY = "dentistry", _("Dentistry / implantology")
    OBSTETRICS = "obstetrics-gynaecology", _("Obstetrics, gynaecology and infertility")
    RADIOLOGY = "radiology", _("Radiology / imaging diagnosis")
    BURN_CARE = "burn-care", _("Burn care")
    HAIR_TRANSPLANT = "hair-transplant", _("Hair restoration")
    ANAESTHESIOLOGY = "anaesthesiology", _("Anaesthesiology")
    EMERGENCY = "emergency-medicine", _("Emergency medicine")
    PAEDIATRICS = "paediatrics", _("Paediatrics")
    HOSPITAL_MANAGEMENT = "hospital-management", _("Hospital management")
    MEDICAL_ICT = "medical-ict", _("Medical ICT / digital health")
    PHARMA_BIO = "pharma-bio-devices", _("Pharma, bio and medical devices")
    NURSING = "nursing", _("Nursing")
    OTHER = "other", _("Other")


class TraineeProfile(models.Model):
    """What the certificate, the directory and the reports need to know about a trainee."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    name_latin = models.CharField(
        _("full name in Latin letters"),
        max_length=150,
        blank=True,
        validators=[validate_latin_name],
        help_text=_("Exactly as on your passport. It is printed on your certificates."),
    )
    name_native = models.CharField(
        _("full name in your own script"),
        max_length=150,
        blank=True,
        help_text=_("Optional: Cyrillic, Arabic, Chinese, Korean or any other script."),
    )
    country = CountryField(_("country"), blank=True)
    specialty = models.CharField(_("specialty"), max_length=40, choices=Specialty.choices, blank=True)
    institution = models.CharField(_("hospital or institution"), max_length=200, blank=True)
    licence_number = models.CharField(
        _("medical licence number"), max_length=60, blank=True, help_text=_("Optional.")
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.PREFERRED_LANGUAGES, default="en"
    )
    updated_at = models.DateTimeField(auto_now=True)

    REQUIRED_FIELDS = ("name_latin", "country", "specialty", "institution", "preferred_language")

    class Meta:
        verbose_name = _("trainee profile")

    def __str__(self):
        return self.name_latin or str(self.user)

    @property
    def is_complete(self):
        return all(getattr(self, field) for field in self.REQUIRED_FIELDS)
