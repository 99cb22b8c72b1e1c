"""Print the demo accounts created by ``seed_demo``, with the current TOTP code for staff."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand

from certificates.models import Certificate, CertificateStatus
from lms.accounts.models import User
from seeds import datafiles

SITE_URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = "Print the demo logins; for staff also the TOTP secret, current code and recovery codes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default=SITE_URL, help=f"Base URL of the running site (default {SITE_URL})."
        )

    def handle(self, *args, url, **options):
        url = url.rstrip("/") + "/"
        accounts = datafiles.load("accounts")
        period = mfa_settings.TOTP_PERIOD
        now = time.time()
        seconds_left = period - int(now) % period
        rule = "─" * 72
        missing = []

        lines = [
            rule,
            " MKA e-class demo (fictional data: never use these accounts on a real site)",
            rule,
            f" Site:   {url}",
            f" Admin:  {url}admin/",
            "",
            " Trainees (learner dashboard, catalog, lessons, certificates)",
        ]
        for spec in accounts["trainees"]:
            user = User.objects.filter(email=spec["email"]).first()
            if user is None:
                missing.append(spec["email"])
                continue
            profile = spec.get("profile", {})
            lines.append(f"   {spec['email']:<26} password: {spec['password']}")
            lines.append(
                f"   {'':<26} {profile.get('name_latin', '')} / {profile.get('name_native', '')}"
            )
            certificates = Certificate.objects.filter(
                enrollment__user=user, status=CertificateStatus.VALID
            ).order_by("pk")
            for certificate in certificates:
                lines.append(
                    f"   {'':<26} certificate {certificate.serial}: {certificate.course_title}"
                )

        from seeds.billing_accounts import unused_demo_code

        if seat := unused_demo_code():
            lines += ["", f" Sponsored seat code (unused, any trainee): {seat.code} opens {seat.pool.offer}"]

        lines += ["", " Staff (Wagtail admin; two-factor authentication is required)"]
        for spec in accounts["staff"]:
            user = User.objects.filter(email=spec["email"]).first()
            if user is None:
                missing.append(spec["email"])
                continue
            lines.append(f"   {spec['email']:<26} password: {spec['password']}")
            lines.append(f"   {'':<26} {spec.get('role', '')}")
            totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
            if totp is not None:
                secret = decrypt(totp.data["secret"])
                counter = int(now) // period
                code, next_code = (
                    format_hotp_value(hotp_value(secret, counter + step)) for step in (0, 1)
                )
                lines.append(f"   {'':<26} TOTP secret: {secret}")
                lines.append(
                    f"   {'':<26} TOTP code: {code} for {seconds_left} s more, then {next_code}"
                )
            codes = Authenticator.objects.filter(
                user=user, type=Authenticator.Type.RECOVERY_CODES
            ).first()
            if codes is not None:
                unused = RecoveryCodes(codes).get_unused_codes()[:2]
                lines.append(f"   {'':<26} recovery codes (each works once): {', '.join(unused)}")
            lines.append("")

        lines += [
            " For a fresh TOTP code run `manage.py demo_logins` again, or add the secret",
            " to an authenticator app. Regenerate everything with `manage.py seed_demo`.",
            rule,
        ]
        if missing:
            lines.insert(-1, f" Not seeded yet: {', '.join(missing)}. Run `manage.py seed_demo`.")
        if not settings.DEBUG:
            lines.insert(1, " WARNING: DEBUG is off. Is this a production database?")
        self.stdout.write("\n".join(lines))
