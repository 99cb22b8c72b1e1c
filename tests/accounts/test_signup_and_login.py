"""Sign-up, e-mail verification, login by e-mail, password reset and logout (allauth)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.urls import reverse

from lms.accounts.factories import UserFactory

PASSWORD = "Seoul-Clinic-2026!"
LINK_RE = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth keeps rate-limit counters in the cache; do not let tests share them.
    cache.clear()
    yield
    cache.clear()


def links_in(message):
    bodies = [message.body] + [
        content for content, _mimetype in getattr(message, "alternatives", [])
    ]
    return [link for body in bodies for link in LINK_RE.findall(body)]


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def is_logged_in(client):
    return SESSION_KEY in client.session


def sign_up(client, email, password=PASSWORD):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}
    )


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


# --- Sign-up and verification -------------------------------------------------------


@pytest.mark.django_db
def test_sign_up_sends_one_verification_mail_and_login_waits_for_confirmation(
    client, mailoutbox, django_user_model
):
    response = sign_up(client, "aziz@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = django_user_model.objects.get(email="aziz@example.org")
    assert user.check_password(PASSWORD)
    assert not EmailAddress.objects.get(user=user, email="aziz@example.org").verified
    assert not is_logged_in(client)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["aziz@example.org"]
    assert message.subject.startswith("[MKA e-class]")
    confirm_prefix = reverse("account_confirm_email", args=["KEY"]).replace("KEY/", "")
    confirm_links = [link for link in links_in(message) if confirm_prefix in link]
    assert confirm_links, message.body
    confirm_path = path_of(confirm_links[0])

    # Before confirming, the right e-mail and password do not open a session.
    client.logout()
    response = log_in(client, "aziz@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not is_logged_in(client)
    assert client.get(reverse("courses:dashboard")).status_code == 302  # still anonymous

    # Opening the link only shows a confirmation page (mail scanners must not confirm).
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "aziz@example.org" in page.content.decode()
    assert not EmailAddress.objects.get(user=user).verified
    assert not is_logged_in(client)

    # Confirming verifies the address and logs the user in.
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user, email="aziz@example.org").verified
    assert is_logged_in(client)
    assert str(client.session[SESSION_KEY]) == str(user.pk)
    # A new trainee is sent to complete the profile first.
    assert response["Location"].startswith(reverse("accounts:profile"))


@pytest.mark.django_db
def test_a_confirmed_user_can_log_in_after_verification(client, mailoutbox, django_user_model):
    sign_up(client, "fatima@example.org")
    confirm_path = path_of(
        next(link for link in links_in(mailoutbox[0]) if "/confirm-email/" in link)
    )
    client.post(confirm_path)
    client.post(reverse("account_logout"))
    assert not is_logged_in(client)

    response = log_in(client, "fatima@example.org")

    assert response.status_code == 302
    assert response["Location"] != reverse("account_email_verification_sent")
    assert is_logged_in(client)


@pytest.mark.django_db
def test_a_bad_confirmation_key_verifies_nothing(client, mailoutbox):
    sign_up(client, "nobody@example.org")
    response = client.post(reverse("account_confirm_email", args=["not-a-real-key"]))
    assert not EmailAddress.objects.get(email="nobody@example.org").verified
    assert not is_logged_in(client)
    assert response.status_code in (200, 302, 404)


# --- E-mail is the login ------------------------------------------------------------


@pytest.mark.django_db
def test_login_and_signup_forms_ask_for_an_email_and_no_username(client):
    login_form = client.get(reverse("account_login")).context["form"]
    signup_form = client.get(reverse("account_signup")).context["form"]

    assert "username" not in login_form.fields
    assert "username" not in signup_form.fields
    assert "email" in signup_form.fields
    assert 'name="username"' not in client.get(reverse("account_signup")).content.decode()
    assert 'type="email"' in client.get(reverse("account_login")).content.decode()


@pytest.mark.django_db
def test_a_verified_user_logs_in_with_the_email_address(client):
    user = UserFactory(email="minjun@example.org", password=PASSWORD)

    response = log_in(client, "minjun@example.org")

    assert response.status_code == 302
    assert is_logged_in(client)
    assert str(client.session[SESSION_KEY]) == str(user.pk)


@pytest.mark.django_db
def test_the_email_address_is_not_case_sensitive_at_login(client):
    UserFactory(email="minjun@example.org", password=PASSWORD)

    log_in(client, "MinJun@Example.ORG")

    assert is_logged_in(client)


@pytest.mark.django_db
def test_a_wrong_password_shows_an_error_and_does_not_log_in(client):
    UserFactory(email="minjun@example.org", password=PASSWORD)

    response = log_in(client, "minjun@example.org", "not-the-password")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "not correct" in response.content.decode()
    assert not is_logged_in(client)


# --- One account per address --------------------------------------------------------


@pytest.mark.django_db
def test_the_same_email_in_another_case_cannot_sign_up_twice(client, mailoutbox, django_user_model):
    sign_up(client, "aziz@example.org")
    client.logout()

    response = sign_up(client, "AZIZ@Example.org", "Another-Password-77")

    assert django_user_model.objects.filter(email__iexact="aziz@example.org").count() == 1
    assert EmailAddress.objects.filter(email__iexact="aziz@example.org").count() == 1
    assert not is_logged_in(client)
    # Either the form says the address is taken, or allauth's enumeration prevention
    # pretends all went well and mails the owner instead; never a second account.
    if response.status_code == 200:
        assert "email" in response.context["form"].errors
    else:
        assert response["Location"] == reverse("account_email_verification_sent")


@pytest.mark.django_db
def test_an_existing_verified_user_cannot_be_signed_up_again_in_another_case(
    client, django_user_model
):
    UserFactory(email="minjun@example.org", password=PASSWORD)

    sign_up(client, "MINJUN@EXAMPLE.ORG", "Another-Password-77")

    assert django_user_model.objects.filter(email__iexact="minjun@example.org").count() == 1
    assert not is_logged_in(client)
    # The original password still works; the second sign-up did not take the account over.
    log_in(client, "minjun@example.org")
    assert is_logged_in(client)


@pytest.mark.django_db
def test_an_admin_cannot_create_a_second_account_for_the_same_email_in_another_case(
    client, django_user_model
):
    from lms.accounts.factories import StaffUserFactory

    UserFactory(email="aziz@example.org")
    client.force_login(StaffUserFactory(email="root@mka.example", is_superuser=True))

    client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "AZIZ@example.org",
            "first_name": "Aziz",
            "last_name": "Karimov",
            "password1": "Another-Password-77",
            "password2": "Another-Password-77",
        },
    )

    assert django_user_model.objects.filter(email__iexact="aziz@example.org").count() == 1


# --- Password reset -----------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_by_mailed_link(client, mailoutbox):
    UserFactory(email="anh@example.org", password="old-Password-123")

    response = client.post(reverse("account_reset_password"), {"email": "anh@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["anh@example.org"]
    reset_links = [link for link in links_in(message) if "/password/reset/key/" in link]
    assert reset_links, message.body

    # The key link hides the key from the address bar: it redirects to the form.
    response = client.get(path_of(reset_links[0]), follow=True)
    assert response.status_code == 200
    form_path = (
        response.redirect_chain[-1][0] if response.redirect_chain else path_of(reset_links[0])
    )
    assert "password1" in response.context["form"].fields

    response = client.post(
        form_path, {"password1": "New-Password-456", "password2": "New-Password-456"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    client.logout()
    log_in(client, "anh@example.org", "old-Password-123")
    assert not is_logged_in(client)
    log_in(client, "anh@example.org", "New-Password-456")
    assert is_logged_in(client)


@pytest.mark.django_db
def test_a_reset_link_works_only_once(client, mailoutbox):
    UserFactory(email="anh@example.org", password="old-Password-123")
    client.post(reverse("account_reset_password"), {"email": "anh@example.org"})
    link = path_of(next(link for link in links_in(mailoutbox[0]) if "/password/reset/key/" in link))
    response = client.get(link, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else link
    client.post(form_path, {"password1": "New-Password-456", "password2": "New-Password-456"})
    client.logout()

    response = client.get(link, follow=True)
    assert response.context.get("token_fail")


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_sends_no_reset_link(client, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "ghost@example.org"})

    assert response.status_code in (200, 302)
    assert not any(
        "/password/reset/key/" in link for message in mailoutbox for link in links_in(message)
    )


# --- Logout -------------------------------------------------------------------------


@pytest.mark.django_db
def test_logout_is_a_post_and_ends_the_session(client):
    user = UserFactory(email="minjun@example.org")
    client.force_login(user)

    # A GET (a link, an <img>) only asks for confirmation.
    response = client.get(reverse("account_logout"))
    assert response.status_code == 200
    assert is_logged_in(client)

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not is_logged_in(client)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
