from django.utils.functional import SimpleLazyObject


def alumni_nav(request):
    """``is_alumnus`` for the site menu and the archive link of the alumni menu; lazy, so pages
    that do not use them cost no query."""
    from .models import NewsletterIndexPage
    from .services import is_alumnus

    user = getattr(request, "user", None)

    def archive_url():
        archive = NewsletterIndexPage.objects.live().first()
        return archive.url if archive else ""

    return {
        "is_alumnus": SimpleLazyObject(lambda: bool(user is not None and is_alumnus(user))),
        "alumni_archive_url": SimpleLazyObject(archive_url),
    }
