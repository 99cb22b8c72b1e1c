"""Every URL of the Wagtail admin and the Django admin stays shut until a staff member has a
second factor, and is never open to an anonymous visitor or a trainee."""

import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse

from lms.accounts.factories import StaffUserFactory, TraineeFactory

ADMIN_PREFIXES = ("admin/", "django-admin/")
LOGIN_REDIRECTS = ("/admin/login/", "/django-admin/login/", "/accounts/login/")
# Wagtail's translation catalog and icon sprite: static assets, the same for everyone.
PUBLIC_ADMIN_ASSETS = ("/admin/jsi18n/", "/admin/sprite/")


def _concrete(route):
    """A URL that matches the route, with 1, "x" or a UUID for each parameter."""
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<uuid:\w+>", str(uuid.UUID(int=1)), route)
    route = re.sub(r"<(?:\w+:)?\w+>", "x", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"\([^)]*\)", "1", route)
    return "/" + route.replace("^", "").replace("$", "").replace("\\", "")


def admin_urls():
    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    urls = set()
    for route, pattern in walk(get_resolver(), ""):
        if not route.startswith(ADMIN_PREFIXES):
            continue
        url = _concrete(route)
        try:
            if resolve(url).func is not pattern.callback:
                continue  # shadowed by an earlier pattern (the login redirects)
        except Resolver404:
            continue
        urls.add(url)
    return sorted(urls)


ADMIN_URLS = admin_urls()


def test_the_admin_url_list_is_not_empty():
    assert len(ADMIN_URLS) > 100
    assert "/django-admin/" in ADMIN_URLS and "/admin/" in ADMIN_URLS


def _is_login_only_url(url):
    return url in LOGIN_REDIRECTS or url.startswith(("/admin/logout/", "/django-admin/logout/"))


@pytest.mark.django_db
def test_staff_without_a_second_factor_are_sent_to_set_one_up_from_every_admin_url(client):
    client.force_login(
        StaffUserFactory(email="editor@mka.example", is_superuser=True, totp_secret=False)
    )

    open_urls = []
    for url in ADMIN_URLS:
        if _is_login_only_url(url):
            continue
        response = client.get(url)
        if response.status_code != 302 or urlsplit(response["Location"]).path != reverse(
            "mfa_activate_totp"
        ):
            open_urls.append((url, response.status_code))
    assert not open_urls


@pytest.mark.django_db
def test_no_admin_url_opens_to_an_anonymous_visitor_or_a_trainee(client):
    for who in (None, TraineeFactory(email="aziz@example.org")):
        if who:
            client.force_login(who)
        opened = [
            url
            for url in ADMIN_URLS
            if url not in PUBLIC_ADMIN_ASSETS and client.get(url).status_code == 200
        ]
        assert not opened, (who, opened)
