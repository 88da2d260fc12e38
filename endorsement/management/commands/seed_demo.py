"""Demo data: two associations, a login for every role in each, applicants at different stages.

Safe to run twice: everything is looked up before it is created.

Each applicant's history is a story over the past weeks and months (``STORIES``). Every step is
taken through the services, so every rule of the workflow applies; then the rows each step wrote
are dated back to the step's day, all in one go (``back_date``). So the pipeline shows days in
state, timelines read in order, and Ben's portfolio is a few weeks from the inactivity hold.

A new sitting must be in the future, so the sitting Hana sat is planned for tomorrow; she
registers for it and her graders are assigned, then ``back_date`` moves it to a few days ago
with the rest. Her scores are left for the demo's coordinator and graders to enter.
"""

import base64
import datetime
import hashlib
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Replace
from django.test.utils import override_settings
from django.utils import timezone

from accounts.enums import Role
from accounts.models import MEMBERSHIP_NEXT_YEAR_FROM, Association, Membership, User
from accounts.services import membership_record, role_grant
from competencies.enums import EducationLevel, WorkKind
from competencies.models import Competency, Framework
from competencies.selectors import framework_in_force
from endorsement.awards import endorsement_award
from endorsement.enums import ApplicationState
from endorsement.models import Application, ApplicationEvent, Endorsement
from endorsement.notes import note_values_json
from endorsement.services import application_register, application_transition
from portfolios.enums import RSCFormat, TrainingFormat
from portfolios.models import Education, EvidenceChange, RSCEntry, Training, WorkExperience
from portfolios.services import evidence_save
from reviews.advising import advisor_assign, advisor_request, comment_add
from reviews.enums import Recommendation, RubricScore
from reviews.exams import (
    exam_register,
    graders_assign,
    sitting_create,
    sitting_label,
    sitting_local_start,
    sittings_upcoming,
)
from reviews.models import Comment, ExamRegistration, ExamSitting, ReviewAssignment, VignetteScore
from reviews.reviewing import review_areas, review_assign, review_decide, review_save

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
    ("hana", "Hana Graded", "IMHM-C", ApplicationState.EXAM, "en"),
    ("farah", "Farah Endorsed", "IFS", ApplicationState.AWARDED, "en"),
]


@dataclass(frozen=True)
class Step:
    """One step of a demo applicant's story, taken ``days_ago`` days before today at ``time``
    (the association's local time).

    ``note`` is the step's note, the advisor's comment or what a reviewer asks to amend;
    ``reviewer`` (a staff account's local part) writes a "review" recommending ``recommend``,
    and is skipped where the association has fewer reviewers per portfolio; reviewers are
    given ``due_in`` days. A sitting planned (``plan_sitting``) takes place ``sitting_days_ago``
    days before today, at 09:00.
    """

    days_ago: int
    time: str
    action: str
    note: str = ""
    reviewer: str = ""
    recommend: str = ""
    due_in: int = 0
    sitting_days_ago: int = 0


def _reviewed(
    *, submit: int, assign: int, due_in: int, reviews: tuple[int, int], recommend: str
) -> list[Step]:
    """Submitted, reviewers assigned, the reviews in (the second where there are two); the
    numbers are days ago."""
    amend = {
        "reviewer": "Add a training on attachment, separation and trauma.",
        "reviewer2": "The RS/C provider's reference rating is missing.",
    }
    return [
        Step(submit, "22:15", "submit"),
        Step(assign, "10:30", "assign_reviewers", due_in=due_in),
        *(
            Step(
                days_ago,
                time,
                "review",
                note=amend[reviewer] if recommend == Recommendation.DEFER else "",
                reviewer=reviewer,
                recommend=recommend,
            )
            for days_ago, time, reviewer in zip(
                reviews, ("16:40", "08:50"), ("reviewer", "reviewer2"), strict=True
            )
        ),
    ]


def _building(*, register: int, accept: int, portfolio: int) -> list[Step]:
    """Registered, accepted, the portfolio's evidence entered (days ago)."""
    return [
        Step(register, "19:05", "register"),
        Step(accept, "10:20", "accept"),
        Step(portfolio, "21:10", "portfolio"),
    ]


# What each demo applicant has done, oldest first; the last step leaves them in their stage.
STORIES = {
    "ana": [Step(3, "20:40", "register")],
    # Accepted a year ago, an advisor asked for and assigned, then eleven months without
    # activity: the inactivity hold (12 months) is a few weeks away.
    "ben": [
        *_building(register=372, accept=369, portfolio=361),
        Step(352, "20:30", "request_advisor"),
        Step(350, "09:45", "assign_advisor"),
        Step(
            340,
            "14:05",
            "comment",
            note="Good start. Which of these trainings covered cultural competence?",
        ),
    ],
    # Submitted last week: no reviewers yet.
    "carla": [*_building(register=120, accept=116, portfolio=100), Step(9, "22:15", "submit")],
    # In review: one reviewer is overdue (Northfield's second reviewer has sent a review).
    "dmitri": [
        *_building(register=200, accept=197, portfolio=170),
        Step(40, "22:15", "submit"),
        Step(36, "10:30", "assign_reviewers", due_in=21),
        Step(20, "08:50", "review", reviewer="reviewer2", recommend=Recommendation.APPROVE),
    ],
    "gus": [
        *_building(register=150, accept=147, portfolio=130),
        *_reviewed(
            submit=75, assign=72, due_in=21, reviews=(60, 58), recommend=Recommendation.DEFER
        ),
        Step(
            55,
            "11:15",
            "defer",
            note="Please add a training on attachment and trauma, and a reference rating from "
            "your reflective supervision/consultation provider.",
        ),
    ],
    # Approved a few weeks ago: to register for the exam sitting ahead.
    "erin": [
        *_building(register=260, accept=256, portfolio=230),
        *_reviewed(
            submit=70, assign=66, due_in=28, reviews=(44, 39), recommend=Recommendation.APPROVE
        ),
        Step(24, "11:15", "approve"),
    ],
    # Approved some weeks ago, registered for the sitting that took place a few days ago, the two
    # graders assigned: her Part 1 score and the graders' vignette scores are to be entered.
    "hana": [
        *_building(register=240, accept=236, portfolio=214),
        *_reviewed(
            submit=90, assign=86, due_in=28, reviews=(66, 61), recommend=Recommendation.APPROVE
        ),
        Step(45, "11:15", "approve"),
        Step(42, "10:00", "plan_sitting", sitting_days_ago=4),
        Step(38, "20:45", "register_exam"),
        Step(12, "10:40", "assign_graders"),
    ],
    "farah": [
        *_building(register=300, accept=296, portfolio=280),
        *_reviewed(
            submit=75, assign=71, due_in=30, reviews=(55, 45), recommend=Recommendation.APPROVE
        ),
        Step(30, "11:15", "approve"),
        Step(20, "09:30", "award"),
    ],
}

# Every timestamp a demo step may write, by model.
TIMESTAMPS = [
    (
        Application,
        (
            "created",
            "state_changed",
            "last_activity",
            "submitted_at",
            "advisor_requested_at",
            "ready_for_review_at",
        ),
    ),
    (ApplicationEvent, ("at",)),
    (Comment, ("created",)),
    (ReviewAssignment, ("created", "submitted_at")),
    (Education, ("created", "updated")),
    (WorkExperience, ("created", "updated")),
    (Training, ("created", "updated")),
    (RSCEntry, ("created", "updated")),
    (EvidenceChange, ("at",)),
    (Endorsement, ("created",)),
    (ExamSitting, ("created", "starts_at")),
    (ExamRegistration, ("registered_at",)),
    (VignetteScore, ("created",)),
]

# (from, to, moment): the steps were taken between from and to, and happened at moment; or a
# sitting planned ahead (from = to = its start) took place at moment.
StepTimes = list[tuple[datetime.datetime, datetime.datetime, datetime.datetime]]


def back_date(steps: StepTimes) -> None:
    """Date every timestamp written while a step was taken to that step's moment: one update
    per field for all the steps (a timestamp written outside them stays as it is). A sitting
    whose start moves is named by its new date and time in the notes that named it.

    Through each model's base manager: the event log refuses updates through its own (it is
    append-only for the portal; the demo writes its history once, here).
    """
    if not steps:
        return
    start = min(begin for begin, _end, _moment in steps)
    moving = Q()
    for begin, end, _moment in steps:
        moving |= Q(starts_at__range=(begin, end))
    sittings = ExamSitting.objects.select_related("association")
    labels = {sitting.pk: sitting_label(sitting) for sitting in sittings.filter(moving)}
    for model, fields in TIMESTAMPS:
        rows = model._base_manager.all()
        for field in fields:
            moments = [
                When(**{f"{field}__range": (begin, end)}, then=Value(moment))
                for begin, end, moment in steps
            ]
            rows.filter(**{f"{field}__gte": start}).update(
                **{field: Case(*moments, default=F(field))}
            )
    for sitting in sittings.filter(pk__in=labels):
        before, after = labels[sitting.pk], sitting_label(sitting)
        ApplicationEvent._base_manager.filter(note__contains=before).update(
            note=Replace("note", Value(before), Value(after))
        )
        # The sitting's note in the reader's language is rendered from its values.
        starts_at = note_values_json({"at": sitting_local_start(sitting)})["at"]
        events = ApplicationEvent._base_manager.filter(
            note_key="exam_sitting", note_values__sitting=sitting.pk
        )
        for event in events:
            ApplicationEvent._base_manager.filter(pk=event.pk).update(
                note_values={**event.note_values, "starts_at": starts_at}
            )


def award_period_start(association: Association) -> datetime.date:
    """The first day awarded today's endorsements share their validity and number year with:
    1 January, or 1 October from then on (``endorsement.awards``)."""
    today = association.today()
    if (today.month, today.day) >= MEMBERSHIP_NEXT_YEAR_FROM:
        return datetime.date(today.year, *MEMBERSHIP_NEXT_YEAR_FROM)
    return datetime.date(today.year, 1, 1)


def step_moment(association: Association, step: Step) -> datetime.datetime:
    """When the step was taken. The award's number, validity and note are those of an award
    made today, so it is never dated before ``award_period_start``."""
    day = association.today() - datetime.timedelta(days=step.days_ago)
    if step.action == "award":
        day = max(day, award_period_start(association))
    zone = zoneinfo.ZoneInfo(association.time_zone)
    moment = datetime.datetime.combine(day, datetime.time.fromisoformat(step.time), tzinfo=zone)
    return min(moment, timezone.now())


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
        taken: StepTimes = []
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
                self._story(user, categories[code], STORIES[local], staff, taken)
            rows.append(
                (f"applicant, {code}, {stage.label} – {association.slug}", user.email, "no")
            )
        back_date(taken)
        return rows

    def _story(
        self, user: User, category, steps: list[Step], staff: dict, taken: StepTimes
    ) -> None:
        """Take the applicant's steps one by one; ``taken`` gets when each was, for
        ``back_date``."""
        association = category.framework.association
        application = None
        for step in steps:
            moment = step_moment(association, step)
            begin = timezone.now()
            if step.action == "register":
                application = application_register(applicant=user, category=category)
                # The account was opened just before.
                User.objects.filter(pk=user.pk, date_joined__gt=moment).update(
                    date_joined=moment - datetime.timedelta(minutes=15)
                )
            elif step.action == "plan_sitting":
                ahead = self._plan_sitting(association, staff["coordinator"])
                held = step_moment(association, Step(step.sitting_days_ago, "09:00", "sitting"))
                taken.append((ahead, ahead, held))
            else:
                application = self._step(application, step, moment, staff)
            taken.append((begin, timezone.now(), moment))

    def _step(self, application: Application, step: Step, moment, staff: dict) -> Application:
        coordinator = staff["coordinator"]
        action = step.action
        day = timezone.localtime(moment, zoneinfo.ZoneInfo(application.association.time_zone))
        if action == "portfolio":
            self._seed_portfolio(application, application.applicant, on=day.date())
        elif action == "request_advisor":
            advisor_request(application=application, by=application.applicant)
        elif action == "assign_advisor":
            advisor_assign(application=application, advisor=staff["advisor"], by=coordinator)
        elif action == "comment":
            comment = comment_add(
                application=application, by=staff["advisor"], section="training", body=step.note
            )
            # Told to the applicant in the next morning's digest.
            Comment.objects.filter(pk=comment.pk).update(
                notified_at=min(moment + datetime.timedelta(hours=18), timezone.now())
            )
        elif action == "assign_reviewers":
            association = application.association
            reviewers = [staff["reviewer"], staff["reviewer2"]]
            due_in = datetime.timedelta(days=step.due_in)
            assignments = review_assign(
                application=application,
                reviewers=reviewers[: association.reviewers_per_portfolio],
                due_on=association.today() + due_in,
                by=coordinator,
            )
            ReviewAssignment.objects.filter(pk__in=[a.pk for a in assignments]).update(
                due_on=day.date() + due_in
            )
        elif action == "review":
            self._review(application, staff[step.reviewer], step)
        elif action in ("approve", "defer"):
            review_decide(application=application, decision=action, note=step.note, by=coordinator)
        elif action == "register_exam":
            # The applicant registers for the next sitting: the one just planned.
            sitting = sittings_upcoming(association=application.association).order_by(
                "starts_at", "id"
            )[0]
            exam_register(application=application, sitting=sitting, by=application.applicant)
        elif action == "assign_graders":
            graders_assign(
                registration=application.exam_registrations.get(),
                graders=[staff["grader"], staff["grader2"]],
                by=coordinator,
            )
        elif action == "award":
            endorsement = endorsement_award(application=application, by=coordinator)
            Endorsement.objects.filter(pk=endorsement.pk).update(awarded_on=day.date())
        else:
            by = application.applicant if action == "submit" else coordinator
            application_transition(application=application, action=action, by=by, note=step.note)
            if action == "submit":
                # The framework version is locked from its first submission on.
                Framework.objects.filter(
                    pk=application.category.framework_id, locked_at__gt=moment
                ).update(locked_at=moment)
        return Application.objects.get(pk=application.pk)

    def _review(self, application: Application, reviewer: User, step: Step) -> None:
        """The reviewer rates every area and submits; nothing where they are not assigned."""
        assignment = ReviewAssignment.objects.filter(
            application=application, reviewer=reviewer
        ).first()
        if assignment is None:
            return
        defer = step.recommend == Recommendation.DEFER
        areas = review_areas(application=application)
        ratings = {
            area.pk: RubricScore.EMERGING if defer and i == 0 else RubricScore.MEETS
            for i, area in enumerate(areas)
        }
        review_save(
            assignment=assignment,
            by=reviewer,
            ratings=ratings,
            comments=(
                "Strong work experience; two items are missing (see what to amend)."
                if defer
                else "Clear portfolio; the training hours are well documented."
            ),
            recommendation=step.recommend,
            amendments=step.note,
            submit=True,
        )

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

    def _plan_sitting(self, association, coordinator) -> datetime.datetime:
        """A sitting planned for tomorrow (a new one must be in the future), to be moved back to
        when it took place (``back_date``); its start is returned."""
        start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=1)
        sitting = sitting_create(
            association=association,
            starts_at=start,
            capacity=12,
            place="Northfield State University, Room 110",
            by=coordinator,
        )
        return sitting.starts_at

    def _seed_portfolio(self, application: Application, user: User, *, on: datetime.date) -> None:
        """Some evidence in every section but references, so the checklist shows progress;
        entered ``on`` that day, about work and training before it."""
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
                start=on - datetime.timedelta(days=3 * 365 + 1),
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
                start=on - datetime.timedelta(days=365),
                end=on - datetime.timedelta(days=30),
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
                date=on - datetime.timedelta(days=200 + hours),
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
