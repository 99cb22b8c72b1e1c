"""Interface languages: which language a visitor gets, right-to-left Arabic, the switcher,
e-mails in the recipient's language, and complete Russian and Arabic catalogues."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from lms.accounts.factories import TraineeFactory, UserFactory
from lms.accounts.models import TraineeProfile
from lms.accounts.services import get_profile

SKIP_LINK = {"en": "Skip to content", "ru": "Перейти к содержимому", "ar": "انتقل إلى المحتوى"}


def language_of(response):
    html = response.content.decode()
    found = [code for code, text in SKIP_LINK.items() if text in html]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def trainee(db):
    return TraineeFactory(email="olga@example.org")


def set_profile_language(user, code):
    TraineeProfile.objects.filter(user=user).update(preferred_language=code)


# --- Profile > cookie > Accept-Language ------------------------------------------------


def test_the_browser_language_is_used_without_a_cookie_or_profile(client, db):
    assert language_of(client.get("/", HTTP_ACCEPT_LANGUAGE="ru,en;q=0.5")) == "ru"
    assert language_of(client.get("/", HTTP_ACCEPT_LANGUAGE="fr,en;q=0.5")) == "en"


def test_the_cookie_beats_the_browser(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert language_of(client.get("/", HTTP_ACCEPT_LANGUAGE="ru")) == "ar"


def test_the_profile_beats_the_cookie_and_the_browser(client, trainee):
    set_profile_language(trainee, "ru")
    client.force_login(trainee)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert language_of(response) == "ru"
    assert response["Content-Language"] == "ru"


def test_the_signed_in_message_is_in_the_language_of_the_page_that_shows_it(client, trainee):
    # Logged out, the browser asks for English; the profile says Russian, and wins from login on.
    set_profile_language(trainee, "ru")
    response = client.post(
        reverse("account_login"),
        {"login": trainee.email, "password": "correct-horse-battery"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert language_of(response) == "ru"
    html = response.content.decode()
    assert "Успешный вход под именем" in html and "Successfully signed in" not in html


def test_a_profile_language_the_interface_lacks_leaves_the_choice_to_the_cookie(client, trainee):
    set_profile_language(trainee, "vi")
    client.force_login(trainee)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert language_of(client.get("/", HTTP_ACCEPT_LANGUAGE="ru")) == "ar"
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert language_of(client.get("/", HTTP_ACCEPT_LANGUAGE="ru")) == "ru"


# --- Right to left ------------------------------------------------------------------


@pytest.mark.parametrize(("code", "direction"), [("ar", "rtl"), ("ru", "ltr"), ("en", "ltr")])
def test_the_html_element_carries_the_language_and_its_direction(client, db, code, direction):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    html = client.get("/").content.decode()
    assert f'<html lang="{code}" dir="{direction}">' in html


def test_pages_that_do_not_extend_the_site_layout_are_right_to_left_too(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get(reverse("account_login"))
    assert '<html lang="ar" dir="rtl">' in response.content.decode()
    assert "تسجيل الدخول" in response.content.decode()


# --- The switcher -----------------------------------------------------------------------


def test_the_switcher_sets_the_cookie_and_returns_to_the_page(client, db):
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/courses/"})
    assert response.status_code == 302 and response["Location"] == "/courses/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert language_of(client.get("/")) == "ar"


def test_the_switcher_saves_the_choice_on_the_profile(client, trainee):
    client.force_login(trainee)
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert TraineeProfile.objects.get(user=trainee).preferred_language == "ru"
    # Another device, no cookie: the profile still says Russian.
    client.cookies.clear()
    client.force_login(trainee)
    assert language_of(client.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "ru"


def test_the_switcher_keeps_a_preference_for_a_language_the_interface_lacks(client, trainee):
    set_profile_language(trainee, "vi")
    client.force_login(trainee)
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert TraineeProfile.objects.get(user=trainee).preferred_language == "vi"
    assert language_of(client.get("/")) == "ru"  # the cookie carries the choice


def test_the_switcher_ignores_an_unknown_language_and_a_foreign_next_url(client, trainee):
    client.force_login(trainee)
    response = client.post(
        reverse("set_language"), {"language": "tlh", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and "evil" not in response["Location"]
    assert TraineeProfile.objects.get(user=trainee).preferred_language == "en"
    assert client.get(reverse("set_language")).status_code == 405


def test_the_switcher_works_without_javascript(client, db):
    html = client.get("/").content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language"' in html and "Change language" in html  # a real submit button


def test_a_new_profile_starts_in_the_language_the_trainee_signed_up_in(client, db):
    user = UserFactory(email="fatimah@example.org")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert get_profile(user).preferred_language == "ar"
    assert language_of(client.get("/")) == "ar"


# --- Formats ----------------------------------------------------------------------------


def test_numbers_and_dates_follow_the_locale(db):
    import datetime
    from decimal import Decimal

    from django.template import engines
    from django.utils import translation

    template = engines["django"].from_string('{{ d|date:"DATE_FORMAT" }} {{ n|floatformat:1 }}')
    context = {"d": datetime.date(2026, 11, 23), "n": Decimal("2.5")}
    with translation.override("ru"):
        assert template.render(context) == "23 ноября 2026 г. 2,5"
    with translation.override("en"):
        assert template.render(context) == "Nov. 23, 2026 2.5"


# --- E-mails ----------------------------------------------------------------------------


def test_allauth_emails_go_out_in_the_recipients_profile_language(client, trainee):
    set_profile_language(trainee, "ru")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # asked from an English page
    response = client.post(reverse("account_reset_password"), {"email": trainee.email})
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == [trainee.email]
    assert "Сброс пароля" in message.subject or "пароль" in message.body.lower(), message.subject


def test_emails_to_unknown_addresses_use_the_page_language(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    message = mail.outbox[-1]
    assert any("\u0600" <= char <= "\u06ff" for char in message.subject + message.body)


# --- Complete catalogues ----------------------------------------------------------------


# Folders of the project that hold no interface strings of ours.
NOT_SCANNED = {".venv", ".git", "tests", "bench", "media", "staticfiles", "node_modules", "locale"}


def test_every_interface_string_is_translated_into_russian_and_arabic(
    tmp_path, settings, monkeypatch
):
    """Fails when a template or module gains a string that locale/ does not translate.

    makemessages writes into the locale folder beside the scanned files, so it scans a
    mirror of the project (symlinks) next to a copy of locale/: the real catalogues are
    never touched.
    """
    if shutil.which("xgettext") is None:
        pytest.skip("gettext is not installed (make installs it)")
    project = Path(settings.BASE_DIR)
    for item in project.iterdir():
        if item.is_dir() and item.name not in NOT_SCANNED and not item.name.endswith(".egg-info"):
            (tmp_path / item.name).symlink_to(item, target_is_directory=True)
    shutil.copytree(project / "locale", tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["ru", "ar"], symlinks=True, verbosity=0)
    problems = []
    for code in ("ru", "ar"):
        catalogue = polib.pofile(str(tmp_path / "locale" / code / "LC_MESSAGES" / "django.po"))
        assert len(catalogue) > 500  # the scan found the project's strings
        for entry in catalogue:
            if entry.obsolete:
                continue
            forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            if "fuzzy" in entry.flags or not all(form.strip() for form in forms):
                problems.append(f"{code}: {entry.msgid!r}")
    assert not problems, "untranslated or fuzzy:\n" + "\n".join(problems)


def test_the_compiled_catalogues_are_up_to_date():
    """The committed .mo files match the .po files (run `make messages` after editing)."""
    for code in ("ru", "ar"):
        folder = Path(settings.BASE_DIR) / "locale" / code / "LC_MESSAGES"
        compiled = polib.mofile(str(folder / "django.mo"))
        source = polib.pofile(str(folder / "django.po"))
        translated = {(e.msgctxt, e.msgid): e.msgstr for e in compiled if not e.msgid_plural}
        for entry in source:
            if entry.msgid and not entry.msgid_plural and not entry.obsolete:
                assert translated.get((entry.msgctxt, entry.msgid)) == entry.msgstr, entry.msgid
