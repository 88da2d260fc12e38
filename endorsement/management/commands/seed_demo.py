"""Demo data: two associations, a login for every role in each, applicants at different stages.

Safe to run twice: everything is looked up before it is created.
"""

import base64
import datetime
import hashlib
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Association, Membership, User
from accounts.services import membership_record, role_grant
from competencies.enums import EducationLevel, WorkKind
from competencies.models import Competency
from competencies.selectors import framework_in_force
from endorsement.awards import endorsement_award
from endorsement.enums import ApplicationState
from endorsement.models import Application
from endorsement.services import application_register, application_transition
from portfolios.enums import RSCFormat, TrainingFormat
from portfolios.models import Education, RSCEntry, Training, WorkExperience
from portfolios.services import evidence_save
from reviews.advising import advisor_assign, comment_add
from reviews.exams import sitting_create
from reviews.reviewing import review_assign

DEMO_PASSWORD = "demo-endorse-2026"  # noqa: S105 - printed for the demo on purpose

ASSOCIATIONS = [
    {
        "name": "Northfield Association for Infant Mental Health",
        "slug": "northfield",
        "number_prefix": "NFAIMH",
        "brand_colour": "#1f5f8b",
        "time_zone": "America/New_York",
        "reviewers_per_portfolio": 2,
    },
    {
        "name": "Lakeshore Association for Infant and Early Childhood Mental Health",
        "slug": "lakeshore",
        "number_prefix": "LAIECMH",
        "brand_colour": "#2d6a4f",
        "time_zone": "America/Chicago",
        "reviewers_per_portfolio": 1,
    },
]

STAFF = [
    (Role.COORDINATOR, "coordinator", "Casey Coordinator"),
    (Role.ADVISOR, "advisor", "Avery Advisor"),
    (Role.REVIEWER, "reviewer", "Riley Reviewer"),
    (Role.REVIEWER, "reviewer2", "Rowan Reviewer"),
    (Role.EXAM_GRADER, "grader", "Gabriel Grader"),
    (Role.EXAM_GRADER, "grader2", "Greta Grader"),
    (Role.ASSOCIATION_ADMIN, "admin", "Alex Admin"),
]

# (local part, name, category code, the stage to walk the application to, preferred language)
APPLICANTS = [
    ("ana", "Ana Applicant", "IFS", ApplicationState.REGISTERED, "es"),
    ("ben", "Ben Builder", "IFA", ApplicationState.ACCEPTED, "en"),
    ("carla", "Carla Submitted", "IMHS", ApplicationState.SUBMITTED, "en"),
    ("dmitri", "Dmitri Reviewed", "IMHM-C", ApplicationState.IN_REVIEW, "en"),
    ("gus", "Gus Deferred", "IFS", ApplicationState.DEFERRED, "en"),
    ("erin", "Erin Examinee", "IMHM-C", ApplicationState.APPROVED, "en"),
    ("farah", "Farah Endorsed", "IFS", ApplicationState.AWARDED, "en"),
]
# The steps each demo applicant has taken: (step, who takes it, note).
_REVIEWED = [("accept", "coordinator", ""), ("submit", "applicant", ""), ("review", "", "")]
STEPS = {
    ApplicationState.REGISTERED: [],
    ApplicationState.ACCEPTED: [("accept", "coordinator", ""), ("advise", "", "")],
    ApplicationState.SUBMITTED: [("accept", "coordinator", ""), ("submit", "applicant", "")],
    ApplicationState.IN_REVIEW: _REVIEWED,
    ApplicationState.DEFERRED: [
        *_REVIEWED,
        (
            "defer",
            "coordinator",
            "Please add a training on attachment and trauma, and a reference rating from your "
            "reflective supervision/consultation provider.",
        ),
    ],
    ApplicationState.APPROVED: [*_REVIEWED, ("approve", "coordinator", "")],
    ApplicationState.AWARDED: [*_REVIEWED, ("approve", "coordinator", ""), ("award", "", "")],
}

PLATFORM_ADMIN = "platform-admin@example.org"


def demo_totp_secret(email: str) -> str:
    """A fixed secret per demo account, so `manage.py demo_codes` can show its current code."""
    digest = hashlib.sha256(f"demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def demo_staff_emails() -> list[str]:
    emails = [PLATFORM_ADMIN]
    for association in ASSOCIATIONS:
        emails += [f"{local}@{association['slug']}.example.org" for _, local, _ in STAFF]
    return emails


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
            admin = self._user(PLATFORM_ADMIN, "Pat Platform", superuser=True)
            self._totp(admin)
            rows.append(("platform admin (all associations)", PLATFORM_ADMIN, "yes"))
        for spec in ASSOCIATIONS:
            association, _ = Association.objects.get_or_create(
                slug=spec["slug"],
                defaults={**spec, "contact_email": f"office@{spec['slug']}.example.org"},
            )
            call_command("load_framework", "--association", association.slug, verbosity=0)
            call_command("load_agreements", "--association", association.slug, verbosity=0)
            with transaction.atomic():
                rows += self._seed_association(association)
        if options["verbosity"] >= 1:
            self._print(rows)

    def _seed_association(self, association: Association) -> list[tuple[str, str, str]]:
        rows = []
        domain = f"{association.slug}.example.org"
        staff = {}
        for role, local, name in STAFF:
            user = self._user(f"{local}@{domain}", name)
            role_grant(association=association, user=user, role=role)
            self._totp(user)
            staff[local] = user
            rows.append((f"{Role(role).label} – {association.slug}", user.email, "yes"))
        coordinator = staff["coordinator"]
        self._sitting(association, coordinator)
        framework = framework_in_force(association=association)
        categories = {c.code: c for c in framework.categories.all()}
        for local, name, code, stage, language in APPLICANTS:
            user = self._user(f"{local}@{domain}", name, language=language)
            if not Membership.objects.filter(user=user, association=association).exists():
                membership_record(
                    association=association,
                    user=user,
                    joined_on=datetime.date(timezone.localdate().year, 1, 15),
                    member_number=f"{association.number_prefix}-{user.pk:05d}",
                )
            if not Application.objects.filter(applicant=user, association=association).exists():
                application = application_register(applicant=user, category=categories[code])
                if stage != ApplicationState.REGISTERED:
                    self._seed_portfolio(application, user)
                for action, who, note in STEPS[stage]:
                    application = self._step(application, action, who, note, staff)
            rows.append(
                (f"applicant, {code}, {stage.label} – {association.slug}", user.email, "no")
            )
        return rows

    def _step(self, application, action, who, note, staff):
        coordinator = staff["coordinator"]
        if action == "advise":
            application = advisor_assign(
                application=application, advisor=staff["advisor"], by=coordinator
            )
            comment_add(
                application=application,
                by=staff["advisor"],
                section="training",
                body="Good start. Which of these trainings covered cultural competence?",
            )
            return application
        if action == "review":
            reviewers = [staff["reviewer"], staff["reviewer2"]]
            review_assign(
                application=application,
                reviewers=reviewers[: application.association.reviewers_per_portfolio],
                due_on=timezone.localdate() + datetime.timedelta(days=30),
                by=coordinator,
            )
            return Application.objects.get(pk=application.pk)
        if action == "award":
            endorsement_award(application=application, by=coordinator)
            return Application.objects.get(pk=application.pk)
        by = application.applicant if who == "applicant" else coordinator
        return application_transition(application=application, action=action, by=by, note=note)

    def _sitting(self, association, coordinator) -> None:
        """An exam sitting about two months ahead, for the approved Mentor applicant."""
        if association.exam_sittings.filter(starts_at__gt=timezone.now()).exists():
            return
        start = timezone.now().replace(minute=0, second=0, microsecond=0)
        sitting_create(
            association=association,
            starts_at=start + datetime.timedelta(days=60),
            capacity=12,
            place="Northfield State University, Room 214",
            by=coordinator,
        )

    def _seed_portfolio(self, application: Application, user: User) -> None:
        """Some evidence in every section but references, so the checklist shows progress."""
        today = timezone.localdate()
        mentor_or_specialist = application.category.code.startswith(("IMH", "ECMH"))
        level, credential = (
            (EducationLevel.MASTER, "MSW, Social Work")
            if mentor_or_specialist
            else (EducationLevel.CDA, "CDA credential, infant/toddler setting")
        )
        evidence = [
            Education(
                level=level,
                credential=credential,
                institution="Northfield State University",
                start=datetime.date(2012, 9, 1),
                end=datetime.date(2014, 5, 31),
            ),
            WorkExperience(
                employer="Early Head Start of Northfield",
                role="Home visitor",
                start=today - datetime.timedelta(days=3 * 365 + 1),
                hours_per_week=Decimal(35),
                population_served="Families with infants and toddlers",
                work_kind=WorkKind.PAID_INFANT_FAMILY,
                is_paid=True,
                is_dyadic=True,
                supervisor_name="Sam Supervisor",
            ),
            RSCEntry(
                provider_name="Robin Reflective",
                provider_endorsement_number="NFAIMH-IMHM-2019-0007",
                format=RSCFormat.GROUP,
                start=today - datetime.timedelta(days=365),
                end=today - datetime.timedelta(days=30),
                hours=Decimal(14),
            ),
        ]
        for instance in evidence:
            evidence_save(application=application, instance=instance, by=user)
        items = list(Competency.objects.filter(categories=application.category).order_by("id"))
        trainings = [
            ("Foundations of infant mental health", "Northfield AIMH", 12, False, items[:4]),
            (
                "Attachment, separation, trauma, grief and loss",
                "Lakeshore University",
                10,
                False,
                items[3:7],
            ),
            (
                "Culturally responsive practice with families",
                "Northfield AIMH",
                3,
                True,
                items[6:9],
            ),
        ]
        for title, provider, hours, dei, covered in trainings:
            training = Training(
                title=title,
                provider=provider,
                hours=Decimal(hours),
                date=today - datetime.timedelta(days=200 + hours),
                format=TrainingFormat.WORKSHOP,
                is_dei=dei,
            )
            evidence_save(
                application=application,
                instance=training,
                by=user,
                save_m2m=lambda t=training, c=covered: t.competencies.set(c),
            )

    def _user(self, email: str, name: str, *, superuser: bool = False, language: str = "en"):
        user = User.objects.filter(email=email).first()
        if user is None:
            create = User.objects.create_superuser if superuser else User.objects.create_user
            user = create(email=email, password=DEMO_PASSWORD, full_name=name)
            user.preferred_language = language
            user.save(update_fields=["preferred_language"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _totp(self, user: User) -> None:
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, demo_totp_secret(user.email))

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
