"""Demo data: two associations, a login for every role in each, applicants at different stages.

Safe to run twice: everything is looked up before it is created.

Each applicant's history is a story over the past weeks and months (``STORIES``). Every step is
taken through the services, so every rule of the workflow applies; then the rows each step wrote
are dated back to the step's day, all in one go (``back_date``). So the pipeline shows days in
state, timelines read in order, and Ben's portfolio is a few weeks from the inactivity hold.

Every portfolio that is submitted could have been submitted through the portal: its evidence
(``PORTFOLIOS``) meets the category's requirements, its raters were asked and answered through
their links, and the agreements are signed; before each submission the requirement check is
made and the command stops if anything is missing. Gus's portfolio is complete too: what his
reviewers ask him to amend (a training on attachment, a fuller rating from his RS/C provider) is
beyond the check. Ben's portfolio is still being built.

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
from portfolios.agreements import agreement_sign, agreement_texts_in_force
from portfolios.enums import (
    AgreementKind,
    RaterRelationship,
    RatingScore,
    RSCFormat,
    TrainingFormat,
)
from portfolios.models import (
    Education,
    EvidenceChange,
    Reference,
    RSCEntry,
    Signature,
    Training,
    WorkExperience,
)
from portfolios.references import reference_invite, reference_submit_rating
from portfolios.requirements import requirement_check
from portfolios.services import evidence_save
from reviews.enums import Recommendation, RubricScore
from reviews.models import Comment, ExamRegistration, ExamSitting, ReviewAssignment, VignetteScore
from reviews.selectors.exams import sitting_label, sitting_local_start, sittings_upcoming
from reviews.selectors.reviewing import review_areas
from reviews.services.advising import advisor_assign, advisor_request, comment_add
from reviews.services.exams import exam_register, graders_assign, sitting_create
from reviews.services.reviewing import review_assign, review_decide, review_save

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
    days before today, at 09:00. A ``rating`` is the answer of the portfolio's ``rater``-th rater.
    """

    days_ago: int
    time: str
    action: str
    note: str = ""
    reviewer: str = ""
    recommend: str = ""
    due_in: int = 0
    sitting_days_ago: int = 0
    rater: int = 0


def _reviewed(
    *, submit: int, assign: int, due_in: int, reviews: tuple[int, int], recommend: str
) -> list[Step]:
    """Submitted, reviewers assigned, the reviews in (the second where there are two); the
    numbers are days ago."""
    amend = {
        "reviewer": "Add a training on attachment, separation and trauma: none of yours covers it.",
        "reviewer2": "Ask your RS/C provider for a fuller rating: five items are marked "
        "“not enough information”.",
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


def _complete(*, register: int, accept: int, portfolio: int) -> list[Step]:
    """``_building``, then the three raters asked the next evening; they answer within two
    weeks (days ago). The agreements are signed when the portfolio is submitted."""
    answers = ((4, "13:20"), (8, "09:40"), (13, "17:05"))
    return [
        *_building(register=register, accept=accept, portfolio=portfolio),
        Step(portfolio - 1, "20:30", "ask_references"),
        *(
            Step(portfolio - days, time, "rating", rater=rater)
            for rater, (days, time) in enumerate(answers)
        ),
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
    "carla": [*_complete(register=120, accept=116, portfolio=100), Step(9, "22:15", "submit")],
    # In review: one reviewer is overdue (Northfield's second reviewer has sent a review).
    "dmitri": [
        *_complete(register=200, accept=197, portfolio=170),
        Step(40, "22:15", "submit"),
        Step(36, "10:30", "assign_reviewers", due_in=21),
        Step(20, "08:50", "review", reviewer="reviewer2", recommend=Recommendation.APPROVE),
    ],
    "gus": [
        *_complete(register=150, accept=147, portfolio=130),
        *_reviewed(
            submit=75, assign=72, due_in=21, reviews=(60, 58), recommend=Recommendation.DEFER
        ),
        Step(
            55,
            "11:15",
            "defer",
            note="Please add a training on attachment, separation and trauma, and ask your "
            "reflective supervision/consultation provider for a fuller reference rating.",
        ),
    ],
    # Approved a few weeks ago: to register for the exam sitting ahead.
    "erin": [
        *_complete(register=260, accept=256, portfolio=230),
        *_reviewed(
            submit=70, assign=66, due_in=28, reviews=(44, 39), recommend=Recommendation.APPROVE
        ),
        Step(24, "11:15", "approve"),
    ],
    # Approved some weeks ago, registered for the sitting that took place a few days ago, the two
    # graders assigned: her Part 1 score and the graders' vignette scores are to be entered.
    "hana": [
        *_complete(register=240, accept=236, portfolio=214),
        *_reviewed(
            submit=90, assign=86, due_in=28, reviews=(66, 61), recommend=Recommendation.APPROVE
        ),
        Step(45, "11:15", "approve"),
        Step(42, "10:00", "plan_sitting", sitting_days_ago=4),
        Step(38, "20:45", "register_exam"),
        Step(12, "10:40", "assign_graders"),
    ],
    "farah": [
        *_complete(register=300, accept=296, portfolio=280),
        *_reviewed(
            submit=75, assign=71, due_in=30, reviews=(55, 45), recommend=Recommendation.APPROVE
        ),
        Step(30, "11:15", "approve"),
        Step(20, "09:30", "award"),
    ],
}

# --- the demo's portfolios ----------------------------------------------------------------------
# Each applicant's evidence, dated from the day they entered it (``on``): years or months before.
# Competency items are named as in competencies/data/framework.yaml; a training lists the items it
# addresses, and those outside the applicant's category are left out.

ATTACHMENT = "Attachment, separation, trauma, grief & loss"

# key: (title, provider, format, hours, about DEI, about providing RS/C, items addressed)
TRAININGS = {
    "foundations": (
        "Infant Mental Health Foundations",
        "Northfield AIMH",
        TrainingFormat.SERIES,
        18,
        False,
        False,
        (
            "Pregnancy & early parenthood",
            "Infant/very young child development & behavior",
            "Infant/very young child & family-centered practice",
            "Relationship-focused practice",
            "Family relationships & dynamics",
            ATTACHMENT,
            "Relationship-focused therapeutic practice",
            "Disorders of infancy/early childhood",
        ),
    ),
    "early_years": (
        "Early development and family-centred home visiting",
        "Early Head Start Training Institute",
        TrainingFormat.ONLINE,
        12,
        False,
        False,
        (
            "Pregnancy & early parenthood",
            "Infant/very young child development & behavior",
            "Infant/very young child & family-centered practice",
            "Relationship-focused practice",
            "Family relationships & dynamics",
            "Relationship-focused therapeutic practice",
            "Disorders of infancy/early childhood",
        ),
    ),
    "ethics_policy": (
        "Ethics, law and agency policy in work with families",
        "State Department of Health and Human Services",
        TrainingFormat.WORKSHOP,
        6,
        False,
        False,
        (
            "Ethical practice",
            "Government, law & regulation",
            "Agency policy",
            "Service delivery systems",
            "Community resources",
        ),
    ),
    "observation": (
        "Observation, screening and developmental guidance",
        "Lakeshore University Extension",
        TrainingFormat.ONLINE,
        8,
        False,
        False,
        (
            "Observation & listening",
            "Screening & assessment",
            "Developmental guidance",
            "Life skills",
            "Safety",
            "Advocacy",
            "Treatment planning",
            "Evidence-based interventions",
        ),
    ),
    "reflective_practice": (
        "Reflective practice in relationship-based work",
        "Northfield AIMH",
        TrainingFormat.WORKSHOP,
        6,
        False,
        False,
        (
            "Responding with empathy",
            "Contemplation",
            "Curiosity",
            "Self-awareness",
            "Emotional response",
            "Parallel process",
            "Professional/personal development",
            "Listening",
            "Maintaining perspective",
        ),
    ),
    "partnering": (
        "Partnering with families and teams (annual conference)",
        "Great Lakes Infant Mental Health Conference",
        TrainingFormat.CONFERENCE,
        7,
        False,
        False,
        (
            "Building & maintaining relationships",
            "Mentoring others",
            "Collaborating",
            "Resolving conflict",
            "Speaking",
            "Writing",
            "Analyzing information",
            "Exercising sound judgment",
            "Understanding group process",
            "Planning & organizing",
        ),
    ),
    "cultural_humility": (
        "Cultural humility and equity with infants and families",
        "Northfield AIMH",
        TrainingFormat.WORKSHOP,
        4,
        True,
        False,
        ("Cultural competence",),
    ),
    # Ben's: his advisor asks which of his trainings covered cultural competence.
    "culturally_responsive": (
        "Culturally responsive practice with families",
        "Northfield AIMH",
        TrainingFormat.WORKSHOP,
        3,
        True,
        False,
        (),
    ),
    "cpp": (
        "Child–parent psychotherapy: intensive training",
        "Lakeshore University Department of Psychiatry",
        TrainingFormat.SERIES,
        16,
        False,
        False,
        (
            "Relationship-focused therapeutic practice",
            "Disorders of infancy/early childhood",
            "Psychotherapeutic & behavioral theories of change",
            ATTACHMENT,
            "Treatment planning",
            "Evidence-based interventions",
        ),
    ),
    "parental_mental_health": (
        "Parental mental health: depression, anxiety and substance use",
        "Riverbend Family Counseling",
        TrainingFormat.WORKSHOP,
        6,
        False,
        False,
        (
            "Mental & behavioral disorders in adults",
            "Pregnancy & early parenthood",
            "Screening & assessment",
        ),
    ),
    "diagnostic_classification": (
        "Diagnostic classification of mental health disorders in infancy and early childhood",
        "Infant Mental Health Training Collaborative",
        TrainingFormat.ONLINE,
        14,
        False,
        False,
        (
            "Disorders of infancy/early childhood",
            "Screening & assessment",
            "Treatment planning",
            "Analyzing information",
        ),
    ),
    "providing_rsc": (
        "Providing reflective supervision/consultation",
        "Northfield AIMH",
        TrainingFormat.SERIES,
        16,
        False,
        True,
        (
            "Reflective supervision",
            "Coaching & mentoring",
            "Parallel process",
            "Adult learning theory & practice",
            "Mentoring others",
        ),
    ),
    "program_leadership": (
        "Leading infant and early childhood mental health programs",
        "Lakeshore University School of Social Work",
        TrainingFormat.COLLEGE_COURSE,
        15,
        False,
        False,
        (
            "Program management",
            "Agency policy",
            "Service delivery systems",
            "Planning & organizing",
            "Understanding group process",
        ),
    ),
    "research_methods": (
        "Research and evaluation methods in early childhood",
        "Northfield State University",
        TrainingFormat.COLLEGE_COURSE,
        9,
        False,
        False,
        (
            "Statistics",
            "Research & evaluation",
            "Research & evaluation methods",
            "Analyzing information",
        ),
    ),
    "equity_in_supervision": (
        "Equity and anti-bias practice in reflective supervision",
        "Great Lakes Infant Mental Health Conference",
        TrainingFormat.WORKSHOP,
        3,
        True,
        False,
        ("Cultural competence", "Reflective supervision"),
    ),
}

FOUNDATION_COURSES = [
    "foundations",
    "ethics_policy",
    "observation",
    "reflective_practice",
    "partnering",
    "cultural_humility",
]
MENTOR_COURSES = [
    *FOUNDATION_COURSES,
    "cpp",
    "parental_mental_health",
    "providing_rsc",
    "program_leadership",
    "research_methods",
]


@dataclass(frozen=True)
class Work:
    employer: str
    role: str
    kind: str
    years_ago: float  # started, years before the portfolio was entered
    until_years_ago: float | None  # ended; None: still there
    hours_per_week: int
    population: str
    supervisor: str
    is_dyadic: bool = True


@dataclass(frozen=True)
class RSC:
    provider: str
    number: str  # the provider's endorsement number; "{prefix}" is the association's
    format: str
    months_ago: int  # from, months before the portfolio was entered
    until_months_ago: int
    hours: int
    about_rsc_provided: bool = False


@dataclass(frozen=True)
class Rater:
    name: str
    email: str
    relationship: str
    comment: str
    waive: bool = False
    not_enough_information: int = 0  # the first items of the category, not rated


@dataclass(frozen=True)
class Portfolio:
    """An applicant's evidence. ``partial``: a portfolio still being built (no coverage check);
    ``not_covered``: competency items no training addresses, on purpose."""

    education: tuple[tuple[str, str, str, float, float], ...]  # level, credential, where, years
    work: tuple[Work, ...]
    trainings: tuple[tuple[str, int], ...]  # (TRAININGS key, months before)
    rsc: tuple[RSC, ...]
    raters: tuple[Rater, ...] = ()
    partial: bool = False
    not_covered: tuple[str, ...] = ()


def _courses(keys: list[str], *, start: int, every: int) -> tuple[tuple[str, int], ...]:
    """The trainings in ``keys``, the first ``start`` months before, then one every ``every``."""
    return tuple((key, start - i * every) for i, key in enumerate(keys))


PORTFOLIOS = {
    "ben": Portfolio(
        education=(
            (
                EducationLevel.CDA,
                "CDA credential, infant/toddler setting",
                "Northfield Community College",
                3,
                2,
            ),
        ),
        work=(
            Work(
                "Early Head Start of Northfield",
                "Home visitor",
                WorkKind.PAID_INFANT_FAMILY,
                3,
                None,
                35,
                "Families with infants and toddlers",
                "Sam Supervisor",
            ),
        ),
        trainings=(("foundations", 8), ("early_years", 6), ("culturally_responsive", 3)),
        rsc=(RSC("Robin Reflective", "{prefix}-IMHM-2019-0007", RSCFormat.GROUP, 12, 1, 14),),
        partial=True,
    ),
    "carla": Portfolio(
        education=(
            (EducationLevel.MASTER, "MSW, clinical social work", "Lakeshore University", 7, 5),
            (
                EducationLevel.MH_LICENSE,
                "Licensed Clinical Social Worker (LCSW)",
                "State Board of Behavioral Health",
                5,
                4,
            ),
        ),
        work=(
            Work(
                "Northfield Early Head Start",
                "Home visitor",
                WorkKind.PAID_INFANT_FAMILY,
                9,
                7,
                35,
                "Families with infants and toddlers",
                "Marcus Bell",
            ),
            Work(
                "Riverbend Family Counseling",
                "Infant–parent psychotherapist",
                WorkKind.POSTGRAD_DYADIC,
                4.5,
                None,
                40,
                "Parents and babies referred by pediatric clinics and child welfare",
                "Dr. Helen Okafor",
            ),
        ),
        trainings=(
            *_courses(FOUNDATION_COURSES, start=52, every=5),
            ("cpp", 20),
            ("parental_mental_health", 9),
        ),
        rsc=(
            RSC(
                "Dr. Miriam Castellanos", "{prefix}-IMHM-2015-0021", RSCFormat.INDIVIDUAL, 20, 1, 38
            ),
            RSC("Dr. Miriam Castellanos", "{prefix}-IMHM-2015-0021", RSCFormat.GROUP, 14, 1, 18),
        ),
        raters=(
            Rater(
                "Dr. Helen Okafor",
                "helen.okafor@riverbend.example.org",
                RaterRelationship.CURRENT_SUPERVISOR,
                "Carla builds trust with families quickly and writes careful, useful notes.",
            ),
            Rater(
                "Dr. Miriam Castellanos",
                "m.castellanos@example.org",
                RaterRelationship.RSC_PROVIDER,
                "Open to reflection; she notices her own responses and uses them in her work.",
                waive=True,
            ),
            Rater(
                "Dr. Samuel Reyes",
                "samuel.reyes@northfield-pediatrics.example.org",
                RaterRelationship.OTHER,
                "Our clinic refers families to Carla; she keeps us informed and involved.",
            ),
        ),
    ),
    "dmitri": Portfolio(
        education=(
            (
                EducationLevel.MASTER,
                "MA, clinical psychology",
                "Northfield State University",
                16,
                14,
            ),
        ),
        work=(
            Work(
                "Harbor Infant Mental Health Clinic",
                "Infant mental health therapist",
                WorkKind.POSTGRAD_DYADIC,
                13.5,
                6,
                40,
                "Infants, toddlers and their parents",
                "Linda Marsh",
            ),
            Work(
                "Harbor Infant Mental Health Clinic",
                "Clinical director",
                WorkKind.PRACTICE_LEADER,
                6,
                None,
                40,
                "A team of twelve infant mental health clinicians",
                "Linda Marsh",
                is_dyadic=False,
            ),
            Work(
                "Northfield County Home Visiting",
                "Reflective supervisor (contract)",
                WorkKind.PROVIDING_RSC,
                10,
                None,
                12,
                "Home visitors and their supervisors",
                "Grace Whitaker",
                is_dyadic=False,
            ),
        ),
        trainings=_courses(MENTOR_COURSES, start=110, every=9),
        rsc=(
            RSC("Dr. Joan Whitfield", "{prefix}-IMHM-2012-0003", RSCFormat.INDIVIDUAL, 22, 1, 30),
            RSC(
                "Dr. Joan Whitfield",
                "{prefix}-IMHM-2012-0003",
                RSCFormat.GROUP,
                20,
                1,
                28,
                about_rsc_provided=True,
            ),
        ),
        raters=(
            Rater(
                "Linda Marsh",
                "linda.marsh@harbor-imh.example.org",
                RaterRelationship.CURRENT_SUPERVISOR,
                "Dmitri leads the clinic's practice with steadiness and warmth.",
            ),
            Rater(
                "Dr. Joan Whitfield",
                "joan.whitfield@example.org",
                RaterRelationship.RSC_PROVIDER,
                "A thoughtful supervisor who brings real curiosity to consultation.",
                waive=True,
            ),
            Rater(
                "Kayla Brooks",
                "kayla.brooks@northfield-homevisiting.example.org",
                RaterRelationship.SUPERVISEE,
                "His reflective supervision has changed how our team works with families.",
            ),
        ),
    ),
    "gus": Portfolio(
        education=(
            (
                EducationLevel.ASSOCIATE,
                "AA, early childhood education",
                "Lakeshore Community College",
                8,
                6,
            ),
        ),
        work=(
            Work(
                "Lakeshore Healthy Start",
                "Family support specialist",
                WorkKind.PAID_INFANT_FAMILY,
                4,
                None,
                40,
                "Expectant parents and families with babies under 2",
                "Carmen Ruiz",
            ),
        ),
        # No training about attachment, separation, trauma, grief and loss: the reviewers ask
        # for one.
        trainings=_courses(["early_years", *FOUNDATION_COURSES[1:]], start=34, every=5),
        rsc=(RSC("Tomás Alvarez", "{prefix}-IFS-2018-0044", RSCFormat.GROUP, 16, 1, 26),),
        raters=(
            Rater(
                "Carmen Ruiz",
                "carmen.ruiz@lakeshore-healthystart.example.org",
                RaterRelationship.CURRENT_SUPERVISOR,
                "Gus is reliable and families ask for him by name.",
            ),
            # The RS/C group met monthly: five items the provider could not judge (the most that
            # still counts), which the reviewers ask him to have rated more fully.
            Rater(
                "Tomás Alvarez",
                "tomas.alvarez@example.org",
                RaterRelationship.RSC_PROVIDER,
                "I see Gus in a monthly group only, so some items I cannot judge.",
                not_enough_information=5,
            ),
            Rater(
                "Beth Sandoval, RN",
                "beth.sandoval@lakeshore-health.example.org",
                RaterRelationship.OTHER,
                "We visit families together; Gus is patient and observant.",
            ),
        ),
        not_covered=(ATTACHMENT,),
    ),
    "erin": Portfolio(
        education=((EducationLevel.MASTER, "MSW, social work", "Lakeshore University", 15, 13),),
        work=(
            Work(
                "Lakeshore Children's Hospital, Infant–Parent Program",
                "Infant–parent psychotherapist",
                WorkKind.POSTGRAD_DYADIC,
                12,
                4.5,
                40,
                "Infants and toddlers with their parents, hospital and home based",
                "Dr. Robert Chen",
            ),
            Work(
                "Lakeshore Children's Hospital, Infant–Parent Program",
                "Program manager",
                WorkKind.PRACTICE_LEADER,
                4.5,
                None,
                40,
                "The program's clinical and home-visiting staff",
                "Dr. Robert Chen",
                is_dyadic=False,
            ),
            Work(
                "Lakeshore Early Intervention Network",
                "Reflective consultant",
                WorkKind.PROVIDING_RSC,
                9,
                None,
                14,
                "Early intervention providers",
                "Sandra Boyle",
                is_dyadic=False,
            ),
        ),
        trainings=(
            *_courses(MENTOR_COURSES, start=96, every=8),
            ("diagnostic_classification", 7),
        ),
        rsc=(
            RSC("Patricia Nowak", "{prefix}-IMHM-2014-0010", RSCFormat.INDIVIDUAL, 24, 2, 32),
            RSC(
                "Patricia Nowak",
                "{prefix}-IMHM-2014-0010",
                RSCFormat.INDIVIDUAL,
                18,
                2,
                26,
                about_rsc_provided=True,
            ),
        ),
        raters=(
            Rater(
                "Dr. Robert Chen",
                "robert.chen@lakeshore-childrens.example.org",
                RaterRelationship.CURRENT_SUPERVISOR,
                "Erin runs our program with skill; staff and families trust her.",
            ),
            Rater(
                "Patricia Nowak",
                "patricia.nowak@example.org",
                RaterRelationship.RSC_PROVIDER,
                "Erin reflects deeply and holds the parallel process with care.",
            ),
            Rater(
                "Jasmine Ortiz",
                "jasmine.ortiz@lakeshore-ei.example.org",
                RaterRelationship.SUPERVISEE,
                "Erin helps me slow down and think about what a baby is telling us.",
                waive=True,
            ),
        ),
    ),
    "hana": Portfolio(
        education=(
            (
                EducationLevel.DOCTORATE,
                "PsyD, clinical psychology",
                "Great Lakes School of Professional Psychology",
                14,
                10,
            ),
        ),
        work=(
            Work(
                "Northfield Family Center",
                "Staff psychologist, infant and early childhood team",
                WorkKind.POSTGRAD_DYADIC,
                10,
                5,
                40,
                "Children under 3 and their caregivers",
                "Dr. Michael Adeyemi",
            ),
            Work(
                "Northfield Family Center",
                "Clinical team lead",
                WorkKind.PRACTICE_LEADER,
                5,
                None,
                40,
                "The infant and early childhood team",
                "Dr. Michael Adeyemi",
                is_dyadic=False,
            ),
            Work(
                "Northfield Family Center",
                "Reflective supervisor",
                WorkKind.PROVIDING_RSC,
                8,
                None,
                15,
                "Clinicians and family support staff",
                "Dr. Michael Adeyemi",
                is_dyadic=False,
            ),
        ),
        trainings=(
            *_courses(MENTOR_COURSES, start=84, every=7),
            ("equity_in_supervision", 5),
        ),
        rsc=(
            RSC("Dr. Ruth Lindqvist", "{prefix}-IMHM-2011-0002", RSCFormat.INDIVIDUAL, 21, 1, 27),
            RSC(
                "Dr. Ruth Lindqvist",
                "{prefix}-IMHM-2011-0002",
                RSCFormat.GROUP,
                21,
                1,
                30,
                about_rsc_provided=True,
            ),
        ),
        raters=(
            Rater(
                "Dr. Michael Adeyemi",
                "michael.adeyemi@northfield-family.example.org",
                RaterRelationship.CURRENT_SUPERVISOR,
                "Hana is an excellent clinician and a generous team lead.",
            ),
            Rater(
                "Dr. Ruth Lindqvist",
                "ruth.lindqvist@example.org",
                RaterRelationship.RSC_PROVIDER,
                "Hana uses consultation well and is honest about what is hard.",
            ),
            Rater(
                "Daniel Kim",
                "daniel.kim@northfield-family.example.org",
                RaterRelationship.SUPERVISEE,
                "Her supervision is safe, curious and practical.",
            ),
        ),
    ),
    "farah": Portfolio(
        education=(
            (
                EducationLevel.BACHELOR,
                "BA, child development",
                "Northfield State University",
                11,
                7,
            ),
        ),
        work=(
            Work(
                "Northfield County Early Intervention",
                "Early intervention service coordinator",
                WorkKind.PAID_INFANT_FAMILY,
                6,
                None,
                37,
                "Infants and toddlers with developmental delays and their families",
                "Olivia Grant",
            ),
        ),
        trainings=_courses(FOUNDATION_COURSES, start=40, every=6),
        rsc=(RSC("Denise Harmon", "{prefix}-IMHM-2016-0012", RSCFormat.INDIVIDUAL, 20, 1, 30),),
        raters=(
            Rater(
                "Olivia Grant",
                "olivia.grant@northfield-ei.example.org",
                RaterRelationship.CURRENT_SUPERVISOR,
                "Farah is organised, kind and clear with families and colleagues.",
            ),
            Rater(
                "Denise Harmon",
                "denise.harmon@example.org",
                RaterRelationship.RSC_PROVIDER,
                "She brings hard cases to supervision and reflects on them well.",
                waive=True,
            ),
            Rater(
                "Priya Natarajan",
                "priya.natarajan@northfield-ei.example.org",
                RaterRelationship.OTHER,
                "A dependable colleague; our shared families feel heard.",
            ),
        ),
    ),
}

# The raters' scores, in turn over the items (each rater starts elsewhere in the cycle).
SCORES = (
    RatingScore.STRONG,
    RatingScore.COMPETENT,
    RatingScore.STRONG,
    RatingScore.EXCEPTIONAL,
    RatingScore.STRONG,
    RatingScore.COMPETENT,
)


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
    (Reference, ("created", "updated", "sent_at", "completed_at")),
    (Signature, ("signed_at",)),
    (EvidenceChange, ("at",)),
    (Endorsement, ("created",)),
    (ExamSitting, ("created", "starts_at")),
    (ExamRegistration, ("registered_at",)),
    (VignetteScore, ("created",)),
]


def demo_portfolio(application: Application) -> Portfolio:
    """The demo applicant's evidence, by the name before the @ of their e-mail (ana, ben …)."""
    return PORTFOLIOS[application.applicant.email.split("@")[0]]


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
            self._seed_portfolio(application, on=day.date())
        elif action == "ask_references":
            self._ask_references(application)
        elif action == "rating":
            self._rating(application, step.rater)
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
            if action == "submit":
                self._sign_and_check(application)
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
                "Strong work experience; two things to amend (see what to amend)."
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

    def _seed_portfolio(self, application: Application, *, on: datetime.date) -> None:
        """The applicant's evidence (``PORTFOLIOS``), entered ``on`` that day, about education,
        work and training before it. A complete portfolio's trainings address every competency
        item of the category (but those ``not_covered`` on purpose)."""
        user = application.applicant
        portfolio = demo_portfolio(application)
        prefix = application.association.number_prefix

        def years_before(years: float) -> datetime.date:
            return on - datetime.timedelta(days=round(years * 365.25))

        def months_before(months: int) -> datetime.date:
            return on - datetime.timedelta(days=round(months * 30.44))

        evidence = [
            Education(
                level=level,
                credential=credential,
                institution=institution,
                start=years_before(started),
                end=years_before(ended),
            )
            for level, credential, institution, started, ended in portfolio.education
        ]
        evidence += [
            WorkExperience(
                employer=work.employer,
                role=work.role,
                start=years_before(work.years_ago),
                end=None if work.until_years_ago is None else years_before(work.until_years_ago),
                hours_per_week=Decimal(work.hours_per_week),
                population_served=work.population,
                work_kind=work.kind,
                is_paid=True,
                is_dyadic=work.is_dyadic,
                supervisor_name=work.supervisor,
            )
            for work in portfolio.work
        ]
        evidence += [
            RSCEntry(
                provider_name=rsc.provider,
                provider_endorsement_number=rsc.number.format(prefix=prefix),
                format=rsc.format,
                start=months_before(rsc.months_ago),
                end=months_before(rsc.until_months_ago),
                hours=Decimal(rsc.hours),
                about_rsc_provided=rsc.about_rsc_provided,
            )
            for rsc in portfolio.rsc
        ]
        for instance in evidence:
            evidence_save(application=application, instance=instance, by=user)
        items = {
            item.name: item for item in Competency.objects.filter(categories=application.category)
        }
        known = set(
            Competency.objects.filter(area__framework=application.framework).values_list(
                "name", flat=True
            )
        )
        covered = set()
        for key, months in portfolio.trainings:
            title, provider, format_, hours, dei, rsc, names = TRAININGS[key]
            unknown = set(names) - known
            if unknown:
                raise CommandError(f"Training {key!r}: no such competency item {sorted(unknown)}.")
            addressed = [items[name] for name in names if name in items]
            covered |= {item.name for item in addressed}
            training = Training(
                title=title,
                provider=provider,
                hours=Decimal(hours),
                date=months_before(months),
                format=format_,
                is_dei=dei,
                is_rsc=rsc,
            )
            evidence_save(
                application=application,
                instance=training,
                by=user,
                save_m2m=lambda t=training, c=addressed: t.competencies.set(c),
            )
        uncovered = set(items) - covered
        if not portfolio.partial and uncovered != set(portfolio.not_covered):
            raise CommandError(
                f"{user.email}: the trainings leave {sorted(uncovered)} uncovered, "
                f"not {sorted(portfolio.not_covered)}."
            )

    def _ask_references(self, application: Application) -> None:
        """The applicant asks each of their raters (``PORTFOLIOS``) through the portal."""
        user = application.applicant
        for rater in demo_portfolio(application).raters:
            reference_invite(
                application=application,
                rater_name=rater.name,
                rater_email=rater.email,
                relationship=rater.relationship,
                waive=rater.waive,
                by=user,
            )

    def _rating(self, application: Application, index: int) -> None:
        """The ``index``-th rater answers through their link: every item of the category, the
        first few "not enough information" where the rater says so."""
        rater = demo_portfolio(application).raters[index]
        reference = Reference.objects.get(application=application, rater_email=rater.email)
        items = Competency.objects.filter(categories=application.category).order_by(
            "area__order", "order", "id"
        )
        scores = {
            pk: RatingScore.NOT_ENOUGH_INFORMATION
            if i < rater.not_enough_information
            else SCORES[(i + 2 * index) % len(SCORES)]
            for i, pk in enumerate(items.values_list("pk", flat=True))
        }
        reference_submit_rating(reference=reference, scores=scores, comment=rater.comment)

    def _sign_and_check(self, application: Application) -> None:
        """Before submitting: the applicant signs the agreements in force, and the requirement
        check (as the submit page makes it) must have nothing missing."""
        user = application.applicant
        association = application.association
        texts = agreement_texts_in_force(
            association=association, language=user.preferred_language, on=association.today()
        )
        for kind in AgreementKind.values:
            if kind in texts:
                agreement_sign(
                    application=application,
                    agreement=texts[kind],
                    by=user,
                    typed_name=user.full_name,
                    ip_address="203.0.113.24",
                )
        missing = requirement_check(application=application).missing
        if missing:
            raise CommandError(
                f"{user.email} ({application.category.code}) cannot submit; missing: "
                + " ".join(item.detail for item in missing)
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
