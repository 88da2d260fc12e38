"""Generate, rotate and list the associations' Open Badges signing keys.

manage.py credential_keys --association northfield            # a key if it has none
manage.py credential_keys --association northfield --rotate   # a new current key
manage.py credential_keys [--association northfield] --list   # the keys and their state
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Association
from credentials.keys import key_generate, published_keys


class Command(BaseCommand):
    help = (
        "Generate an association's Ed25519 key for its Open Badges credentials (when it has "
        "none), rotate it (--rotate: the old key is retired but still published, so what it "
        "signed still verifies) or list the keys (--list)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--association", metavar="SLUG", help="The association's slug.")
        parser.add_argument(
            "--rotate", action="store_true", help="Make a new current key; retire the old one."
        )
        parser.add_argument("--list", action="store_true", help="List the keys; change nothing.")

    def handle(self, *args, **options):
        slug = options["association"]
        if options["list"]:
            if options["rotate"]:
                raise CommandError("--list and --rotate do not go together.")
            associations = Association.objects.all()
            if slug:
                associations = associations.filter(slug=slug)
                if not associations.exists():
                    raise CommandError(f"No association has the slug {slug!r}.")
            for association in associations:
                keys = published_keys(association)
                if not keys:
                    self.stdout.write(f"{association.slug}: no key")
                for key in keys:
                    state = "current" if key.is_current else f"retired {key.retired_at:%Y-%m-%d}"
                    self.stdout.write(
                        f"{association.slug}: {key.kid} created {key.created:%Y-%m-%d} {state}"
                    )
            return
        if not slug:
            raise CommandError("Say which association: --association SLUG (or --list).")
        association = Association.objects.filter(slug=slug).first()
        if association is None:
            raise CommandError(f"No association has the slug {slug!r}.")
        key, created = key_generate(association=association, rotate=options["rotate"])
        if options["rotate"]:
            self.stdout.write(f"{slug}: new current key {key.kid}; the old one is retired.")
        elif created:
            self.stdout.write(f"{slug}: new key {key.kid}.")
        else:
            self.stdout.write(f"{slug}: already has the key {key.kid} (--rotate for a new one).")
