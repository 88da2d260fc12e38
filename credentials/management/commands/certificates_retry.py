"""Produce again every current certificate that could not be produced (e.g. after fixing a
missing font), as the application page's "Try again" does one at a time.

    python manage.py certificates_retry                      # every association
    python manage.py certificates_retry --association northfield

Safe to run again: a certificate already being produced or ready is left alone.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Association
from credentials.models import Certificate, CertificateState
from credentials.services import RetryRefused, certificate_retry


class Command(BaseCommand):
    help = "Queue every current certificate that could not be produced to be produced again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--association", metavar="SLUG", help="Only this association's certificates."
        )

    def handle(self, *args, association=None, **options):
        failed = Certificate.objects.filter(
            state=CertificateState.FAILED, superseded_at__isnull=True
        ).order_by("pk")
        if association:
            if not Association.objects.filter(slug=association).exists():
                raise CommandError(f"No association with slug: {association}.")
            failed = failed.filter(endorsement__association__slug=association)
        queued = 0
        for certificate in failed:
            try:
                certificate_retry(certificate=certificate)
            except RetryRefused:  # changed meanwhile
                continue
            queued += 1
        if options["verbosity"] >= 1:
            self.stdout.write(f"{queued} certificates queued to be produced again.")
