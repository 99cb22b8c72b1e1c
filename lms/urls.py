from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.accounts.views import set_language

urlpatterns = [
    # Staff log in through allauth, where MFA is enforced, never through a second login form.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("django-admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    # Wagtail's front-end login (for private pages) would log staff in with a password alone.
    path("_util/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),  # the header's language switcher
    path("accounts/profile/", include("lms.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("learn/", include("courses.urls")),
    path("billing/", include("billing.urls")),
    path("billing/", include("billing.urls_account")),  # seat codes, orders, receipts
    path("alumni/events/", include("alumni.urls_events")),
    path("alumni/", include("alumni.urls")),
    path("", include("certificates.urls")),
]

if settings.DEBUG:
    # Only image renditions are public; videos and documents go through access-checked views.
    for prefix in settings.PUBLIC_MEDIA_PREFIXES:
        urlpatterns.append(
            re_path(
                r"^%s(?P<path>%s.*)$" % (settings.MEDIA_URL.lstrip("/"), prefix),
                serve,
                {"document_root": settings.MEDIA_ROOT},
            )
        )

urlpatterns.append(path("", include(wagtail_urls)))
