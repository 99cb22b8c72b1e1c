"""Every login path is allauth's one form: rate-limited, MFA for staff, fresh session each time."""

from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth import views as auth_views
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse

from lms.accounts.factories import StaffUserFactory, TraineeFactory
from tests.production import run_in_production

from .conftest import PASSWORD

LOGIN_PATHS = ["/accounts/login/", "/admin/login/", "/django-admin/login/", "/_util/login/"]
TOO_MANY = "Too many failed login attempts"
FACTORY_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret=FACTORY_SECRET):
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def wrong_code(secret=FACTORY_SECRET):
    valid = {format_hotp_value(hotp_value(secret, c)) for c in yield_hotp_counters_from_time()}
    return next(code for code in ("000000", "111111", "123456", "654321") if code not in valid)


def login_form_url(client, path):
    """Where a browser ends up when it opens this login path."""
    response = client.get(path, follow=True)
    assert response.status_code == 200
    return response.request["PATH_INFO"]


def post_login(client, email, password, path="/accounts/login/"):
    return client.post(login_form_url(client, path), {"login": email, "password": password})


def is_logged_in(client):
    return SESSION_KEY in client.session


# --- One login form ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_every_login_path_leads_to_the_allauth_form(client, path):
    assert login_form_url(client, path) == reverse("account_login")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/", "/_util/login/"])
def test_posting_a_password_to_another_login_url_logs_nobody_in(client, path):
    StaffUserFactory(email="editor@mka.example", is_superuser=True)

    client.post(path, {"username": "editor@mka.example", "password": PASSWORD})

    assert not is_logged_in(client)
    assert client.get("/admin/").status_code == 302


def _all_routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _all_routes(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def test_no_url_serves_a_django_login_view_beside_allauth():
    """A password form outside allauth would skip its rate limits and the second factor
    (Wagtail's /_util/login/ did)."""
    offenders = []
    for route, pattern in _all_routes():
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class and issubclass(view_class, auth_views.LoginView):
            concrete = "/" + route.replace("^", "").replace("$", "")
            if resolve(concrete).func is pattern.callback:
                offenders.append(route)
    assert not offenders, (
        f"Login views outside allauth: {offenders}; redirect them to account_login in lms/urls.py"
    )


# --- Rate limits ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/", "/django-admin/login/"])
def test_after_five_wrong_passwords_even_the_right_one_is_refused(client, real_cache, path):
    trainee = TraineeFactory(email="aziz@example.org")

    for _attempt in range(5):
        response = post_login(client, trainee.email, "wrong-password", path)
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()

    response = post_login(client, trainee.email, PASSWORD, path)

    assert TOO_MANY in response.content.decode()
    assert not is_logged_in(client)
    # Another address from the same place is not locked out by it.
    other = TraineeFactory(email="olga@example.org")
    assert post_login(client, other.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_counters_are_shared_by_every_process(real_cache):
    """Two clients (think: two gunicorn workers behind one proxy) count against one limit."""
    trainee = TraineeFactory(email="aziz@example.org")
    first, second = Client(), Client()
    for _attempt in range(3):
        post_login(first, trainee.email, "wrong-password")
    for _attempt in range(2):
        post_login(second, trainee.email, "wrong-password")

    response = post_login(Client(), trainee.email, PASSWORD)

    assert TOO_MANY in response.content.decode()


@pytest.mark.django_db
def test_many_logins_from_one_address_get_429(client, real_cache, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "5/m/ip"}
    TraineeFactory(email="aziz@example.org")
    statuses = [
        client.post(
            reverse("account_login"), {"login": f"nobody{n}@example.org", "password": "x"}
        ).status_code
        for n in range(6)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429


@pytest.mark.django_db
def test_wrong_mfa_codes_are_rate_limited_too(client, real_cache):
    StaffUserFactory(email="editor@mka.example", is_superuser=True)
    assert post_login(client, "editor@mka.example", PASSWORD)["Location"] == reverse(
        "mfa_authenticate"
    )

    for _attempt in range(5):
        response = client.post(reverse("mfa_authenticate"), {"code": wrong_code()})
        assert response.status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert not is_logged_in(client)
    assert "Too many" in response.content.decode()


def test_production_refuses_a_per_process_cache():
    result = run_in_production("check", CACHE_URL="locmemcache://")
    assert result.returncode != 0
    assert "CACHE_URL must name a shared cache" in result.stderr


# --- Staff and MFA ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", LOGIN_PATHS)
def test_staff_reach_the_admin_only_after_the_second_factor(client, path):
    StaffUserFactory(email="editor@mka.example", is_superuser=True)

    response = post_login(client, "editor@mka.example", PASSWORD, path)

    assert response["Location"] == reverse("mfa_authenticate")
    assert not is_logged_in(client)
    for admin_url in ("/admin/", "/django-admin/"):
        assert client.get(admin_url).status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.get("/admin/").status_code == 200
    assert client.get("/django-admin/").status_code == 200


# --- Sessions --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_session_key_changes_at_login(client):
    trainee = TraineeFactory(email="aziz@example.org")
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    assert before

    post_login(client, trainee.email, PASSWORD)

    assert is_logged_in(client)
    assert client.session.session_key != before


@pytest.mark.django_db
def test_after_logout_the_old_session_cookie_no_longer_authenticates(client):
    trainee = TraineeFactory(email="aziz@example.org")
    post_login(client, trainee.email, PASSWORD)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("courses:dashboard")).status_code == 200

    client.post(reverse("account_logout"))

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    response = replay.get(reverse("courses:dashboard"))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")


@pytest.mark.django_db
def test_a_password_change_elsewhere_ends_other_sessions(client):
    trainee = TraineeFactory(email="aziz@example.org")
    post_login(client, trainee.email, PASSWORD)
    trainee.set_password("A-new-password-2026")
    trainee.save()

    assert client.get(reverse("courses:dashboard")).status_code == 302
