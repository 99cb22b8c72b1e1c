"""Two-factor authentication: required for everyone who can reach the admin, open to all."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from lms.accounts.factories import StaffUserFactory, TraineeFactory, UserFactory

FACTORY_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "correct-horse-battery"  # the factories' password
ADMIN_URL = "/admin/"
MFA_MESSAGE = "Staff accounts must use two-factor authentication."


def totp_code(secret=FACTORY_SECRET):
    counters = list(yield_hotp_counters_from_time())
    current = counters[len(counters) // 2]
    return format_hotp_value(hotp_value(secret, current))


def wrong_code(secret=FACTORY_SECRET):
    valid = {
        format_hotp_value(hotp_value(secret, counter))
        for counter in yield_hotp_counters_from_time()
    }
    return next(code for code in ("000000", "111111", "123456", "654321") if code not in valid)


def is_logged_in(client):
    return SESSION_KEY in client.session


def log_in(client, email, password=PASSWORD, next_url=None):
    data = {"login": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("account_login"), data)


def confirm_password(client, password=PASSWORD):
    """allauth asks for the password again before security settings change."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response
    return response


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_sent_to_totp_setup(response, next_url):
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("mfa_activate_totp")
    assert parse_qs(location.query)["next"] == [next_url]
    assert any(MFA_MESSAGE in text for text in message_texts(response))


# --- Staff without an authenticator -------------------------------------------------


@pytest.mark.django_db
def test_staff_without_an_authenticator_are_sent_to_totp_setup(client):
    staff = StaffUserFactory(email="editor@mka.example", totp_secret=False)
    assert not Authenticator.objects.filter(user=staff).exists()
    client.force_login(staff)

    assert_sent_to_totp_setup(client.get(ADMIN_URL), ADMIN_URL)
    pages = reverse("wagtailadmin_explore_root")
    assert_sent_to_totp_setup(client.get(pages), pages)
    assert_sent_to_totp_setup(client.get("/django-admin/"), "/django-admin/")
    # Not only the admin: the rest of the site waits for the authenticator too.
    assert_sent_to_totp_setup(
        client.get(reverse("courses:dashboard")), reverse("courses:dashboard")
    )


@pytest.mark.django_db
def test_the_redirect_message_is_shown_to_the_staff_member(client):
    staff = StaffUserFactory(email="editor@mka.example", totp_secret=False)
    log_in(client, staff.email)

    response = client.get(ADMIN_URL, follow=True)

    # allauth first asks for the password again (it guards every MFA change), then sets up TOTP.
    assert any(
        url.startswith(reverse("mfa_activate_totp")) for url, _status in response.redirect_chain
    )
    assert response.status_code == 200
    assert MFA_MESSAGE in response.content.decode()


@pytest.mark.django_db
def test_a_curriculum_editor_without_is_staff_must_set_up_totp_too(client):
    editor = UserFactory(email="writer@mka.example")
    editor.groups.add(Group.objects.get(name="Curriculum editors"))
    assert not editor.is_staff
    assert editor.has_perm("wagtailadmin.access_admin")
    client.force_login(editor)

    assert_sent_to_totp_setup(client.get(ADMIN_URL), ADMIN_URL)


@pytest.mark.django_db
def test_a_curriculum_publisher_without_is_staff_must_set_up_totp_too(client):
    publisher = UserFactory(email="chief@mka.example")
    publisher.groups.add(Group.objects.get(name="Curriculum publishers"))
    client.force_login(publisher)

    assert_sent_to_totp_setup(client.get(ADMIN_URL), ADMIN_URL)


@pytest.mark.django_db
def test_a_superuser_without_an_authenticator_is_sent_to_totp_setup(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root@mka.example", PASSWORD)
    client.force_login(admin)

    assert_sent_to_totp_setup(client.get(ADMIN_URL), ADMIN_URL)


@pytest.mark.django_db
def test_staff_without_an_authenticator_may_still_set_it_up_and_log_out(client):
    staff = StaffUserFactory(email="editor@mka.example", totp_secret=False)
    client.force_login(staff)

    # The middleware lets the account pages through (otherwise the redirect would loop).
    response = client.get(reverse("mfa_activate_totp"))
    assert urlsplit(response.get("Location", "")).path != reverse("mfa_activate_totp")
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_setting_up_totp_opens_the_admin(client):
    staff = StaffUserFactory(email="editor@mka.example", is_superuser=True, totp_secret=False)
    log_in(client, staff.email, next_url=ADMIN_URL)

    setup_url = client.get(ADMIN_URL)["Location"]
    confirm_password(client)
    page = client.get(setup_url)
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post(setup_url, {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=staff, type="totp").exists()

    client.post(setup_url, {"code": totp_code(secret)})
    assert Authenticator.objects.filter(user=staff, type="totp").exists()
    assert client.get(ADMIN_URL).status_code == 200


@pytest.mark.django_db
def test_the_rule_can_be_switched_off(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    staff = StaffUserFactory(email="editor@mka.example", is_superuser=True, totp_secret=False)
    client.force_login(staff)

    assert client.get(ADMIN_URL).status_code == 200


# --- Staff with an authenticator ------------------------------------------------------


@pytest.mark.django_db
def test_staff_with_totp_get_the_wagtail_dashboard(client):
    # is_staff alone is a Django-admin flag; Wagtail wants access_admin (a superuser or a group).
    staff = StaffUserFactory(email="editor@mka.example", is_superuser=True)
    assert Authenticator.objects.filter(user=staff, type="totp").exists()
    client.force_login(staff)

    response = client.get(ADMIN_URL)

    assert response.status_code == 200
    assert "wagtailadmin/home.html" in [template.name for template in response.templates]


@pytest.mark.django_db
def test_an_editor_with_totp_gets_the_wagtail_dashboard(client):
    editor = StaffUserFactory(email="writer@mka.example", is_staff=False)
    editor.groups.add(Group.objects.get(name="Curriculum editors"))
    client.force_login(editor)

    assert client.get(ADMIN_URL).status_code == 200


# --- Trainees -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_trainee_is_never_sent_to_mfa_setup(client):
    trainee = TraineeFactory(email="aziz@example.org")
    client.force_login(trainee)

    for url in (reverse("courses:dashboard"), reverse("accounts:profile")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not any(MFA_MESSAGE in text for text in message_texts(response))


@pytest.mark.django_db
def test_a_trainee_cannot_use_the_admin(client):
    trainee = TraineeFactory(email="aziz@example.org")
    client.force_login(trainee)

    response = client.get(ADMIN_URL)

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path != reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_mfa_is_available_to_trainees(client):
    trainee = TraineeFactory(email="aziz@example.org")
    log_in(client, trainee.email)
    assert is_logged_in(client)

    assert client.get(reverse("mfa_index")).status_code == 200
    confirm_password(client)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert "otpauth://totp/" in response.content.decode() or response.context.get("totp_url")

    client.post(
        reverse("mfa_activate_totp"), {"code": totp_code(client.session[SECRET_SESSION_KEY])}
    )
    assert Authenticator.objects.filter(user=trainee, type="totp").exists()


@pytest.mark.django_db
def test_the_profile_page_links_to_two_factor_settings(client):
    client.force_login(TraineeFactory(email="aziz@example.org"))

    assert reverse("mfa_index") in client.get(reverse("accounts:profile")).content.decode()


# --- Logging in with a second factor ---------------------------------------------------


@pytest.mark.django_db
def test_a_password_alone_does_not_log_staff_with_totp_in(client):
    StaffUserFactory(email="editor@mka.example", is_superuser=True)

    response = log_in(client, "editor@mka.example", next_url=ADMIN_URL)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not is_logged_in(client)
    response = client.get(ADMIN_URL)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")


@pytest.mark.django_db
def test_a_wrong_code_keeps_staff_out(client):
    StaffUserFactory(email="editor@mka.example", is_superuser=True)
    log_in(client, "editor@mka.example", next_url=ADMIN_URL)

    response = client.post(reverse("mfa_authenticate"), {"code": wrong_code()})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not is_logged_in(client)
    assert client.get(ADMIN_URL).status_code == 302


@pytest.mark.django_db
def test_the_current_totp_code_completes_the_login(client):
    staff = StaffUserFactory(email="editor@mka.example", is_superuser=True)
    log_in(client, "editor@mka.example", next_url=ADMIN_URL)
    assert client.get(reverse("mfa_authenticate")).status_code == 200

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert response.status_code == 302
    assert response["Location"] == ADMIN_URL
    assert is_logged_in(client)
    assert str(client.session[SESSION_KEY]) == str(staff.pk)
    assert client.get(ADMIN_URL).status_code == 200


@pytest.mark.django_db
def test_a_totp_code_cannot_be_replayed(client):
    StaffUserFactory(email="editor@mka.example")
    code = totp_code()
    log_in(client, "editor@mka.example")
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert is_logged_in(client)
    client.post(reverse("account_logout"))

    log_in(client, "editor@mka.example")
    client.post(reverse("mfa_authenticate"), {"code": code})

    assert not is_logged_in(client)


@pytest.mark.django_db
def test_a_recovery_code_completes_the_login_once(client):
    staff = StaffUserFactory(email="editor@mka.example", is_superuser=True)
    codes = RecoveryCodes(
        Authenticator.objects.get(user=staff, type="recovery_codes")
    ).get_unused_codes()
    assert codes

    log_in(client, "editor@mka.example", next_url=ADMIN_URL)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302
    assert is_logged_in(client)
    assert client.get(ADMIN_URL).status_code == 200

    client.post(reverse("account_logout"))
    log_in(client, "editor@mka.example")
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert not is_logged_in(client)
    unused = RecoveryCodes(
        Authenticator.objects.get(user=staff, type="recovery_codes")
    ).get_unused_codes()
    assert codes[0] not in unused


@pytest.mark.django_db
def test_the_mfa_stage_cannot_be_opened_without_a_password_first(client):
    response = client.get(reverse("mfa_authenticate"))

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")


@pytest.mark.django_db
def test_a_password_reset_does_not_skip_the_second_factor(client, mailoutbox):
    StaffUserFactory(email="editor@mka.example", is_superuser=True)
    client.post(reverse("account_reset_password"), {"email": "editor@mka.example"})
    link = next(
        word for word in mailoutbox[0].body.split() if "/password/reset/key/" in word
    ).replace("http://testserver", "")
    form_url = client.get(link)["Location"]
    client.post(form_url, {"password1": "New-Password-456", "password2": "New-Password-456"})
    assert not is_logged_in(client)

    response = log_in(client, "editor@mka.example", "New-Password-456", next_url=ADMIN_URL)

    assert response["Location"] == reverse("mfa_authenticate")
    assert not is_logged_in(client)
    assert client.get(ADMIN_URL).status_code == 302


# --- No second login form ----------------------------------------------------------


@pytest.mark.django_db
def test_the_wagtail_login_page_redirects_to_allauth(client):
    response = client.get("/admin/login/?next=/admin/pages/")

    assert response.status_code in (301, 302)
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert parse_qs(location.query)["next"] == ["/admin/pages/"]


@pytest.mark.django_db
def test_posting_a_password_to_the_wagtail_login_url_does_not_log_in(client):
    StaffUserFactory(email="editor@mka.example")

    response = client.post(
        "/admin/login/", {"username": "editor@mka.example", "password": PASSWORD}
    )

    assert response.status_code in (301, 302, 405)
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_the_django_admin_login_page_redirects_to_allauth(client):
    response = client.get("/django-admin/login/")

    assert response.status_code in (301, 302)
    assert urlsplit(response["Location"]).path == reverse("account_login")


@pytest.mark.django_db
def test_anonymous_admin_visitors_are_sent_to_the_allauth_login(client):
    response = client.get(ADMIN_URL)

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path in (reverse("account_login"), "/admin/login/")
    final = client.get(ADMIN_URL, follow=True)
    assert final.redirect_chain[-1][0].startswith(reverse("account_login"))
