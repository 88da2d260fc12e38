"""Copy the shipped competency framework into associations.

    python manage.py load_framework                          # every association
    python manage.py load_framework --association northfield --association lakeshore
    python manage.py load_framework --file path/to/framework.yaml

Safe to run again: it only adds what is missing, and never touches a locked version.
"""

from django.core.management.base import CommandError

from accounts.management.base import AssociationsCommand
from competencies.framework_data import (
    DEFAULT_PATH,
    FrameworkDataError,
    framework_data_parse,
    framework_data_read,
)
from competencies.models import Framework
from competencies.services import framework_load


class Command(AssociationsCommand):
    help = (
        "Load the competency framework file into each association (default: all). Adds what is "
        "missing, keeps each association's edits and skips locked versions."
    )
    default_file = DEFAULT_PATH
    file_help = "The framework file (default: competencies/data/framework.yaml)."

    def handle(self, *args, associations=None, file=None, **options):
        self.verbosity = options["verbosity"]
        try:
            data = framework_data_read(path=file)
            framework_data_parse(data)
        except FrameworkDataError as error:
            raise CommandError(str(error)) from error

        for association in self.associations(associations):
            framework_load(association=association, data=data, report=self._report)

    def _report(self, framework: Framework, message: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(self.style.WARNING(message) if framework.is_locked else message)
