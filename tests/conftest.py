import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import DataError, connection
from django.utils import translation

from lms import celery_app


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Uploaded files go to a throwaway folder; fast hashing keeps logins cheap.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth remembers used TOTP codes (per user id) and rate-limit counters in the cache,
    and user ids repeat between tests whose rows are rolled back."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: playwright's own browser download is not possible here.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session", autouse=True)
def _patient_browser_assertions():
    """CI shares two cores between the live server, Chromium and the test: an assertion waits
    up to 15 s for the page (Playwright's default is 5 s) before it fails."""
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Playwright's wait_for_function evaluates a string in the page, which the site's
    # Content-Security-Policy forbids (no 'unsafe-eval'). The journeys run with CSP bypassed;
    # tests/security/test_csp_in_browser.py keeps it on and checks the pages under it.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture(autouse=True)
def _celery_tasks_run_in_process(request):
    """Tasks run inline in tests, even where a broker is configured (the CI's second pass);
    only the tests marked ``services`` talk to a real worker."""
    if request.node.get_closest_marker("services"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _each_test_starts_in_english():
    """A request leaves its language (Russian, Arabic) active in the thread: reset it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def _refuse_nul_like_postgresql(execute, sql, params, many, context):
    rows = params if many else [params]
    for row in rows or ():
        values = row.values() if isinstance(row, dict) else (row or ())
        if any(isinstance(value, str) and "\x00" in value for value in values):
            raise DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    return execute(sql, params, many, context)


@pytest.fixture(autouse=True)
def _nul_bytes_fail_on_every_database():
    """PostgreSQL refuses NUL bytes in text; SQLite stores them. Refuse them here too, so the SQLite
    pass finds a NUL that reaches the database instead of leaving it to the PostgreSQL pass."""
    with connection.execute_wrapper(_refuse_nul_like_postgresql):
        yield
