from .models import TraineeProfile


def get_profile(user):
    """The user's trainee profile, created empty on first use."""
    profile, _created = TraineeProfile.objects.get_or_create(user=user)
    return profile


def has_complete_profile(user):
    profile = TraineeProfile.objects.filter(user=user).first()
    return bool(profile and profile.is_complete)


def is_staff_user(user):
    """Staff means anyone who can reach the Wagtail admin, not only is_staff."""
    return user.is_authenticated and (
        user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")
    )
