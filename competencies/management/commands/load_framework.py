"""Copy the shipped competency framework into associations.

    python manage.py load_framework                          # every association
    python manage.py load_framework --association northfield --association lakeshore
    python manage.py load_framework --file path/to/framework.yaml

Safe to run again: it only adds what is missing, and never touches a locked version.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Association
from competencies.framework_data import (
    DEFAULT_PATH,
    FrameworkDataError,
    framework_data_parse,
    framework_data_read,
)
from competencies.models import Framework
from competencies.services import framework_load


class Command(BaseCommand):
    help = (
        "Load the competency framework file into each association (default: all). Adds what is "
        "missing, keeps each association's edits and skips locked versions."
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
            help="The framework file (default: competencies/data/framework.yaml).",
        )

    def handle(self, *args, associations=None, file=None, **options):
        self.verbosity = options["verbosity"]
        try:
            data = framework_data_read(path=file)
            framework_data_parse(data)
        except FrameworkDataError as error:
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
            framework_load(association=association, data=data, report=self._report)

    def _report(self, framework: Framework, message: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(self.style.WARNING(message) if framework.is_locked else message)
