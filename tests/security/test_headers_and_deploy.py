"""Production settings pass Django's deploy checks; every page carries the security headers
and a Content-Security-Policy without inline scripts or styles."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from lms.accounts.factories import StaffUserFactory
from tests.production import run_in_production

from .world import build_world

ROOT = Path(settings.BASE_DIR)


def test_production_settings_pass_the_deploy_checks():
    result = run_in_production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_turn_on_https_and_hsts():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_NAME, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['upgrade-insecure-requests'])"
    )
    result = run_in_production("shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "__Host-sessionid",
        "True",
    ], result.stderr


# --- Headers -----------------------------------------------------------------------


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


@pytest.fixture
def world(db):
    return build_world()


def public_urls(world):
    lesson = world.video_lesson
    return [
        "/",
        world.course.get_parent().url,
        world.course.url,
        lesson.url,
        reverse("courses:dashboard"),
        reverse("courses:exam", args=[world.course.pk]),
        reverse("courses:attempt", args=[world.open_attempt.pk]),
        reverse("courses:attempt_result", args=[world.graded_attempt.pk]),
        reverse("certificates:verify", args=[world.certificate.public_code]),
        reverse("certificates:lookup"),
        reverse("certificates:transcript"),
        reverse("accounts:profile"),
        reverse("accounts:personal_data"),
        reverse("accounts:delete_account"),
        reverse("mfa_index"),
    ]


def test_public_pages_send_a_strict_policy_and_the_security_headers(client, world):
    client.force_login(world.owner)
    client.get("/")  # and one anonymous page: the login form
    for url in public_urls(world) + ["anonymous:" + reverse("account_login")]:
        if url.startswith("anonymous:"):
            client.logout()
            url = url.removeprefix("anonymous:")
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], url
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert "fullscreen=(self)" in response["Permissions-Policy"]


def test_the_admin_gets_its_own_same_origin_policy(client, db):
    client.force_login(StaffUserFactory(email="editor@mka.example", is_superuser=True))

    response = client.get("/admin/")

    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert not any(
        source.startswith(("http", "*")) for sources in policy.values() for source in sources
    )


# --- No inline script or style in what we render ------------------------------------


class InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
        if "style" in attrs:
            self.problems.append(f'<{tag} style="{attrs["style"]}">')
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            # JSON data blocks (json_script, allauth's) are not executed, so CSP allows them.
            self._in_script = not attrs.get("src") and attrs.get("type") != "application/json"

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def test_rendered_pages_have_no_inline_scripts_handlers_or_styles(client, world):
    client.force_login(world.owner)
    found = {}
    for url in public_urls(world) + [reverse("account_signup")]:
        finder = InlineFinder()
        finder.feed(client.get(url).content.decode())
        if finder.problems:
            found[url] = finder.problems
    client.logout()
    for url in ("/", reverse("account_login"), reverse("account_signup")):
        finder = InlineFinder()
        finder.feed(client.get(url).content.decode())
        if finder.problems:
            found[url] = finder.problems
    assert not found


TEMPLATE_DIRS = [
    ROOT / "lms" / "templates",
    *(
        ROOT / app / "templates"
        for app in ("lms/home", "lms/accounts", "courses", "certificates", "billing", "alumni")
    ),
]
INLINE_PATTERNS = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE),
    re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    re.compile(r"\sstyle\s*=", re.IGNORECASE),
]


def test_site_templates_have_no_inline_scripts_handlers_or_styles():
    """Admin templates, PDF layouts (rendered by WeasyPrint, never served) and e-mail bodies
    (mail clients drop <style> blocks; no browser policy applies to them) are exempt."""
    offenders = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html") if folder.exists() else []:
            relative = path.relative_to(folder).as_posix()
            if any(part in f"/{relative}" for part in ("/admin/", "/pdf/", "/email/")):
                continue
            text = path.read_text()
            offenders += [
                f"{path.relative_to(ROOT)}: {p.pattern}" for p in INLINE_PATTERNS if p.search(text)
            ]
    assert not offenders


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/verify/%00/",
        "/billing/sandbox/checkout/sbx_cs%00/",
        "/alumni/events/feed/x%00.ics",
        "/courses/%00/",
        "/?q=%00",
        "/alumni/directory/?country=UZ&specialty=a%00b",
        "/accounts/login/?next=/%00",
    ],
)
def test_a_url_with_a_nul_byte_is_refused_as_malformed(client, path):
    # PostgreSQL refuses NUL in text parameters: without this check these were server errors there.
    assert client.get(path).status_code == 400
