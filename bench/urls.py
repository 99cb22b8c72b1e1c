"""The site's URLs with one more: a bare view, the benchmark's yardstick (``bench/pages.py``)."""

from django.http import HttpResponse
from django.urls import path

from lms.urls import urlpatterns as site_urlpatterns


def bare_view(request):
    """What Django and the middleware cost without a page: no template, no query of its own."""
    return HttpResponse(b"ok", content_type="text/plain")


# Before the site's patterns, so Wagtail's catch-all never sees it.
urlpatterns = [path("_bench/bare/", bare_view), *site_urlpatterns]
