"""Run a Django command in a subprocess with production settings: one complete environment
(every value production requires) that each test overrides to check a single refusal."""

import subprocess
import sys

from django.conf import settings


def production_environment(**overrides):
    return {
        "PATH": "/usr/bin:/bin",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "k3y-" + "s" * 60,
        "DJANGO_ALLOWED_HOSTS": "eclass.example.org",
        "CACHE_URL": "redis://127.0.0.1:6379/5",
        "DATABASE_URL": "sqlite:////tmp/mka-deploy-check.sqlite3",
        "STRIPE_SECRET_KEY": "sk_live_x",
        "STRIPE_WEBHOOK_SECRET": "whsec_x",
        **overrides,
    }


def run_in_production(*args, **overrides):
    """``manage.py *args`` (or ``python -c`` when args start with "-c") under production settings."""
    command = [sys.executable, *args] if args[0] == "-c" else [sys.executable, "manage.py", *args]
    return subprocess.run(
        command,
        check=False,
        cwd=settings.BASE_DIR,
        env=production_environment(**overrides),
        capture_output=True,
        text=True,
    )
