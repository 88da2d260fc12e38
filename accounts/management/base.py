"""The shape shared by the commands that copy a shipped data file into associations."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Association


class AssociationsCommand(BaseCommand):
    """``--association SLUG`` (repeatable; default every association) and ``--file PATH``.

    A subclass sets ``default_file`` and ``file_help`` and loops over
    ``self.associations(associations)`` in ``handle``.
    """

    default_file = None
    file_help = ""

    def add_arguments(self, parser):
        parser.add_argument(
            "--association",
            action="append",
            dest="associations",
            metavar="SLUG",
            help="Only this association (repeat for several).",
        )
        parser.add_argument(
            "--file", default=str(self.default_file), metavar="PATH", help=self.file_help
        )

    def associations(self, slugs: list[str] | None) -> list[Association]:
        """The associations named by ``slugs`` in that order (an unknown slug is an error), or
        every association by slug when none is named."""
        if slugs:
            found = {a.slug: a for a in Association.objects.filter(slug__in=slugs)}
            missing = [slug for slug in slugs if slug not in found]
            if missing:
                raise CommandError(f"No association with slug: {', '.join(missing)}.")
            return [found[slug] for slug in dict.fromkeys(slugs)]
        targets = list(Association.objects.order_by("slug"))
        if not targets:
            self.stdout.write("There are no associations yet; nothing loaded.")
        return targets
