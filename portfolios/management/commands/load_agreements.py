"""Copy the shipped sample agreement texts into associations.

    python manage.py load_agreements                       # every association
    python manage.py load_agreements --association northfield --association lakeshore
    python manage.py load_agreements --file path/to/agreements.yaml

Safe to run again: it only adds what is missing and never changes a text an association has.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Association
from portfolios.agreements import DEFAULT_PATH, agreements_data_read, agreements_load


class Command(BaseCommand):
    help = (
        "Load the sample Code of Ethics and Endorsement Agreement into each association "
        "(default: all). Adds what is missing and keeps each association's own texts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--association",
            action="append",
            dest="associations",
            metavar="SLUG",
            help="Only this association (repeat for several).",
        )
        parser.add_argument(
            "--file",
            default=str(DEFAULT_PATH),
            metavar="PATH",
            help="The texts file (default: portfolios/data/agreements.yaml).",
        )

    def handle(self, *args, associations=None, file=None, **options):
        try:
            texts = agreements_data_read(file)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        if associations:
            found = {a.slug: a for a in Association.objects.filter(slug__in=associations)}
            missing = [slug for slug in associations if slug not in found]
            if missing:
                raise CommandError(f"No association with slug: {', '.join(missing)}.")
            targets = [found[slug] for slug in dict.fromkeys(associations)]
        else:
            targets = list(Association.objects.order_by("slug"))
            if not targets:
                self.stdout.write("There are no associations yet; nothing loaded.")
                return
        for association in targets:
            added = agreements_load(association=association, texts=texts)
            if options["verbosity"] >= 1:
                self.stdout.write(f"{association.slug}: {len(added)} agreement texts added.")
