from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .services import speak_profile_language


@receiver(user_logged_in, dispatch_uid="accounts.speak_the_profile_language_from_login_on")
def speak_the_profile_language_from_login_on(sender, request, user, **kwargs):
    """The login request itself switches to the profile's language, so the "signed in" message
    queued right after this is written in the language of the page that will show it."""
    if request is not None:
        speak_profile_language(request, user)
