"""Demo data: two associations, a login for every role in each, applicants at different stages.

Safe to run twice: everything is looked up before it is created.

Each applicant's history is a story over the past weeks and months (``demo.stories``), taken
through the services; then the rows each step wrote are dated back to the step's day, all in one
go (``demo.endorsement.back_date``). So the pipeline shows days in state, timelines read in
order, and Ben's portfolio is a few weeks from the inactivity hold.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from accounts.enums import Role
from accounts.models import Association
from credentials.keys import key_generate
from demo.accounts import (
    ASSOCIATIONS,
    DEMO_PASSWORD,
    PLATFORM_ADMIN,
    STAFF,
    applicant_seed,
    association_seed,
    platform_admin_seed,
    staff_seed,
)
from demo.addons import add_ons_seed
from demo.billing import fee_schedule_seed, payments_seed
from demo.competencies import categories_by_code, framework_load
from demo.endorsement import StepTimes, back_date
from demo.lifecycle import HOLDERS, LIFECYCLE_ASSOCIATION, lifecycle_seed
from demo.portfolios import agreements_load
from demo.reviews import sitting_ahead
from demo.stories import APPLICANTS, story_steps, story_take
from notifications.reminders import reminders_scan


class Command(BaseCommand):
    help = "Create demo associations, a login for each role and applicants at several stages."

    def add_arguments(self, parser):
        parser.add_argument(
            "--even-without-debug",
            action="store_true",
            help="Seed although DEBUG is off (tests only: demo accounts have a known password).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["even_without_debug"]:
            raise CommandError("Refusing to create demo accounts with DEBUG off.")
        # The demo's history (assignments, decisions, the award) e-mails nobody.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._seed(options)

    def _seed(self, options):
        rows = []
        with transaction.atomic():
            platform_admin_seed()
            rows.append(("platform admin (all associations)", PLATFORM_ADMIN, "yes"))
        for spec in ASSOCIATIONS:
            association = association_seed(spec)
            framework_load(association)
            agreements_load(association)
            # Its Open Badges signing key (kept when there is one): farah's badge downloads.
            key_generate(association=association)
            with transaction.atomic():
                rows += self._seed_association(association)
        # The reminders due today go out now, as the hourly scan would send them (tasks run
        # inline in the demo): the outbox shows them, and a second seeding sends none again.
        sent = reminders_scan()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Reminders sent: {sum(sent.values())} ({sent})")
            self._print(rows)

    def _seed_association(self, association: Association) -> list[tuple[str, str, str]]:
        rows = []
        staff = {}
        for role, local, name in STAFF:
            user = staff_seed(association=association, role=role, local=local, name=name)
            staff[local] = user
            rows.append((f"{Role(role).label} – {association.slug}", user.email, "yes"))
        sitting_ahead(association, staff["coordinator"])
        categories = categories_by_code(association)
        # Before the stories, so each registration and submission is invoiced as it happens.
        fee_schedule_seed(association, categories)
        taken: StepTimes = []
        applicants = [
            (local, name, code, stage.label, language)
            for local, name, code, stage, language in APPLICANTS
        ]
        if association.slug == LIFECYCLE_ASSOCIATION:
            # The holders of the renewal demo (``demo.lifecycle``), awarded in earlier years.
            applicants += [
                (local, name, code, label, language)
                for local, name, code, language, label in HOLDERS
            ]
        for local, name, code, stage, language in applicants:
            user = applicant_seed(
                association=association, local=local, name=name, language=language
            )
            story_take(
                user=user,
                category=categories[code],
                steps=story_steps(local, association),
                staff=staff,
                taken=taken,
            )
            rows.append((f"applicant, {code}, {stage} – {association.slug}", user.email, "no"))
        # Each holder's standing (renewal due, late, lapsed, emeritus), through the writer.
        lifecycle_seed(association, staff, taken)
        payments_seed(association, staff["admin"])
        back_date(taken)
        # After the stories: Farah's endorsement exists to carry the add-on.
        add_ons_seed(association, staff["coordinator"])
        return rows

    def _print(self, rows) -> None:
        self.stdout.write(self.style.SUCCESS("Demo data ready. Every password: " + DEMO_PASSWORD))
        width = max(len(role) for role, _, _ in rows)
        self.stdout.write(f"{'role'.ljust(width)}  {'e-mail'.ljust(36)}  code needed")
        for role, email, mfa in rows:
            self.stdout.write(f"{role.ljust(width)}  {email.ljust(36)}  {mfa}")
        self.stdout.write(
            "Staff accounts ask for a two-factor code after the password: "
            "run `make demo-codes` (or `python manage.py demo_codes`) to see the current codes."
        )
