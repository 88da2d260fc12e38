"""Print the current authenticator codes of the demo staff accounts (demo only)."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from demo.accounts import demo_staff_emails, demo_totp_secret


class Command(BaseCommand):
    help = "Show the current two-factor codes of the demo staff accounts created by seed_demo."

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="*", help="Only these accounts.")

    def handle(self, *args, **options):
        emails = options["email"] or demo_staff_emails()
        counter = int(time.time()) // mfa_settings.TOTP_PERIOD
        remaining = mfa_settings.TOTP_PERIOD - int(time.time()) % mfa_settings.TOTP_PERIOD
        for email in emails:
            if email not in demo_staff_emails():
                self.stderr.write(f"{email} is not a demo account; no code shown.")
                continue
            code = format_hotp_value(hotp_value(demo_totp_secret(email), counter))
            self.stdout.write(f"{email.ljust(36)}  {code}")
        self.stdout.write(f"Codes change in {remaining} s.")
