import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from .models import Specialty, TraineeProfile, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"trainee{n}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        # allauth's mandatory verification: factory users have a verified address by default.
        if create and extracted is not False:
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )


class TraineeProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TraineeProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    name_latin = factory.Faker("name")
    country = "UZ"
    specialty = Specialty.CARDIOLOGY
    institution = "Tashkent Medical Academy"
    preferred_language = "en"


class TraineeFactory(UserFactory):
    """A verified user with a complete profile, ready to enroll."""

    profile = factory.RelatedFactory(TraineeProfileFactory, factory_related_name="user")


class StaffUserFactory(UserFactory):
    """Staff must use MFA: by default the factory turns TOTP and recovery codes on."""

    is_staff = True

    @factory.post_generation
    def totp_secret(user, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, extracted or "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
            RecoveryCodes.activate(user)
