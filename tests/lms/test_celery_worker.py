"""A real Celery worker runs a real task through the broker (the CI's PostgreSQL + Redis pass)."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from lms.tasks import health_check

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db,  # so the test database exists even when this file runs alone
    pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs CELERY_BROKER_URL (a Redis broker)"),
]


@pytest.fixture
def worker(db):
    env = dict(os.environ)
    if connection.vendor == "postgresql":
        # The worker must use the test database pytest-django created, not the real one.
        params = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{params['NAME']}"
        )
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=solo", "--concurrency=1",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--hostname=ci-test@%h"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_worker_runs_a_task_through_the_broker(worker):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    started = time.monotonic()
    result = health_check.delay()
    outcome = result.get(timeout=60)
    assert outcome == {"database": True, "vendor": connection.vendor}
    assert worker.poll() is None, "the worker died"
    assert time.monotonic() - started < 60
