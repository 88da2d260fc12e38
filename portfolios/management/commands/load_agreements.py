"""Copy the shipped sample agreement texts into associations.

    python manage.py load_agreements                       # every association
    python manage.py load_agreements --association northfield --association lakeshore
    python manage.py load_agreements --file path/to/agreements.yaml

Safe to run again: it only adds what is missing and never changes a text an association has.
"""

from django.core.management.base import CommandError

from accounts.management.base import AssociationsCommand
from portfolios.agreements import DEFAULT_PATH, agreements_data_read, agreements_load


class Command(AssociationsCommand):
    help = (
        "Load the sample Code of Ethics and Endorsement Agreement into each association "
        "(default: all). Adds what is missing and keeps each association's own texts."
    )
    default_file = DEFAULT_PATH
    file_help = "The texts file (default: portfolios/data/agreements.yaml)."

    def handle(self, *args, associations=None, file=None, **options):
        try:
            texts = agreements_data_read(file)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        for association in self.associations(associations):
            added = agreements_load(association=association, texts=texts)
            if options["verbosity"] >= 1:
                self.stdout.write(f"{association.slug}: {len(added)} agreement texts added.")
