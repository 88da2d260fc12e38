"""Reads of the exam: a category's exam rules, sittings and their places, where an application
stands for a retake, the candidates, graders and scores the pages show; and the small helpers
that say a sitting's date and a score in the association's time zone and number format. The
writes, and the result rule, are in ``reviews.services.exams``."""

import calendar
import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import Association, User
from accounts.selectors import role_holders
from competencies.enums import ExamKind, RequirementKind
from competencies.models import EndorsementCategory, Requirement
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from reviews.enums import ExamResult
from reviews.models import ExamRegistration, ExamSitting, VignetteScore
from reviews.notes import sitting_text

DEFAULT_QUESTIONS = 60
DEFAULT_PASS_PERCENT = 80
DEFAULT_GRADERS = 2

# Applications that may be registered for a sitting: first attempt, or a retake.
REGISTRABLE_STATES = [S.APPROVED, S.EXAM_FAILED]


# --- the requirement --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExamRules:
    """What a category's exam rows say, with the portal's defaults where a value is empty."""

    part1: Requirement | None
    part2: Requirement | None
    retake_wait_months: int
    max_attempts: int | None

    @property
    def questions(self) -> int:
        return (self.part1 and self.part1.questions) or DEFAULT_QUESTIONS

    @property
    def part1_pass_percent(self) -> int:
        return (self.part1 and self.part1.pass_percent) or DEFAULT_PASS_PERCENT

    @property
    def graders(self) -> int:
        return (self.part2 and self.part2.graders) or DEFAULT_GRADERS

    @property
    def part2_pass_percent(self) -> int:
        return (self.part2 and self.part2.pass_percent) or DEFAULT_PASS_PERCENT


def exam_rules(category: EndorsementCategory) -> ExamRules | None:
    """The category's exam, or None when it has none (uses ``requirements.all()``: prefetch
    ``category__requirements`` to read it for many applications)."""
    rows = [r for r in category.requirements.all() if r.kind == RequirementKind.EXAM]
    if not rows:
        return None
    part1 = next(
        (r for r in rows if r.exam_kind == ExamKind.MULTIPLE_CHOICE),
        next((r for r in rows if r.exam_part == 1 and r.exam_kind != ExamKind.VIGNETTES), None),
    )
    part2 = next(
        (r for r in rows if r.exam_kind == ExamKind.VIGNETTES),
        next((r for r in rows if r.exam_part == 2 and r is not part1), None),
    )
    waits = [r.retake_wait_months for r in rows if r.retake_wait_months]
    limits = [r.max_attempts for r in rows if r.max_attempts]
    return ExamRules(
        part1=part1,
        part2=part2,
        retake_wait_months=max(waits, default=0),
        max_attempts=min(limits, default=None),
    )


# --- small helpers ----------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_date(moment: datetime.datetime, association: Association) -> datetime.date:
    return timezone.localtime(moment, zoneinfo.ZoneInfo(association.time_zone)).date()


def sitting_label(sitting: ExamSitting) -> str:
    """“12 March 2027, 09:00, Northfield University” in the association's time zone."""
    return sitting_text(
        sitting_local_start(sitting), is_online=sitting.is_online, place=sitting.place
    )


def sitting_local_start(sitting: ExamSitting) -> datetime.datetime:
    """The sitting's start in the association's time zone."""
    return timezone.localtime(sitting.starts_at, zoneinfo.ZoneInfo(sitting.association.time_zone))


def sitting_started(sitting: ExamSitting) -> bool:
    """Whether the sitting has started. ``starts_at`` is an aware moment (typed in the
    association's time zone, stored in UTC), so it compares with the current moment as is."""
    return sitting.starts_at <= timezone.now()


def scoring_opens_text(sitting: ExamSitting) -> str:
    """The sentence that says from when a sitting's scores can be entered (its start, in the
    association's time zone)."""
    return _("Scores can be entered from %(when)s, when the sitting starts.") % {
        "when": formats.date_format(sitting_local_start(sitting), "DATETIME_FORMAT")
    }


def scoring_wait(sitting: ExamSitting) -> str:
    """Empty once the sitting has started (its scores can be entered); before, the sentence
    that says from when."""
    return "" if sitting_started(sitting) else scoring_opens_text(sitting)


def percent_value(numerator, denominator) -> Decimal:
    """A percentage with at most one decimal (79.5), never rounded up to a pass mark."""
    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_DOWN
    )
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return value


def percent_text(numerator, denominator) -> str:
    """``percent_value`` in the active language's number format."""
    return formats.number_format(percent_value(numerator, denominator))


# --- sittings ---------------------------------------------------------------------------------


def sittings_of(association: Association) -> QuerySet[ExamSitting]:
    """The association's sittings, each with ``registered`` and ``free`` (places left)."""
    return (
        ExamSitting.objects.filter(association=association)
        .select_related("association")
        .annotate(registered=Count("registrations"))
        .annotate(free=F("capacity") - F("registered"))
    )


def sittings_upcoming(
    *, association: Association, on_or_after: datetime.date | None = None
) -> QuerySet[ExamSitting]:
    """Future sittings with a free place (from ``on_or_after``, in the association's days)."""
    start = timezone.now()
    if on_or_after is not None:
        local_midnight = datetime.datetime.combine(
            on_or_after, datetime.time(), tzinfo=zoneinfo.ZoneInfo(association.time_zone)
        )
        start = max(start, local_midnight)
    return sittings_of(association).filter(starts_at__gt=start, free__gt=0)


# --- registration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RetakeStatus:
    """Where an application stands for (another) registration."""

    attempts: int  # attempts registered so far
    max_attempts: int | None
    possible_from: datetime.date | None  # for a retake: the first day a sitting may be on

    @property
    def limit_reached(self) -> bool:
        return self.max_attempts is not None and self.attempts >= self.max_attempts


def retake_status(application: Application) -> RetakeStatus | None:
    """Attempts so far and when the next may be; None when the category has no exam."""
    rules = exam_rules(application.category)
    if rules is None:
        return None
    registrations = list(
        application.exam_registrations.select_related("sitting__association").order_by("attempt")
    )
    possible_from = None
    if application.state == S.EXAM_FAILED and registrations:
        last = registrations[-1]
        possible_from = add_months(
            local_date(last.sitting.starts_at, last.sitting.association), rules.retake_wait_months
        )
    return RetakeStatus(
        attempts=len(registrations), max_attempts=rules.max_attempts, possible_from=possible_from
    )


def applications_to_register(association: Association) -> QuerySet[Application]:
    """Applications of the association a coordinator may register: approved or failed, in a
    category with an exam."""
    has_exam = Requirement.objects.filter(category=OuterRef("category"), kind=RequirementKind.EXAM)
    return (
        Application.objects.filter(association=association, state__in=REGISTRABLE_STATES)
        .filter(Exists(has_exam))
        .select_related("applicant", "category")
        .order_by("applicant__full_name", "id")
    )


# --- scores -----------------------------------------------------------------------------------


def exam_graders_of(association: Association) -> QuerySet[User]:
    """People holding the exam grader role in the association."""
    return role_holders(association=association, role=Role.EXAM_GRADER)


def registrations_of_sitting(sitting: ExamSitting) -> QuerySet[ExamRegistration]:
    """The sitting's candidates with what the coordinator's page shows, in constant queries."""
    return (
        ExamRegistration.objects.filter(sitting=sitting)
        .select_related("application__applicant", "application__category")
        .prefetch_related(
            "application__category__requirements",
            Prefetch(
                "vignette_scores",
                queryset=VignetteScore.objects.select_related("grader").order_by("id"),
            ),
        )
        .order_by("application__applicant__full_name", "id")
    )


def grader_assignments(*, grader: User, association: Association) -> QuerySet[VignetteScore]:
    """The grader's vignettes to score in the association, newest sitting first."""
    return (
        VignetteScore.objects.filter(grader=grader, registration__sitting__association=association)
        .select_related(
            "registration__sitting__association",
            "registration__application__applicant",
            "registration__application__category",
        )
        .order_by("submitted_at", "registration__sitting__starts_at", "id")
    )


def part1_waiting(association: Association) -> QuerySet[ExamRegistration]:
    """Candidates of sittings that took place whose Part 1 score is still to be entered."""
    has_part1 = Requirement.objects.filter(
        category=OuterRef("application__category"),
        kind=RequirementKind.EXAM,
        exam_kind=ExamKind.MULTIPLE_CHOICE,
    )
    return (
        ExamRegistration.objects.filter(
            sitting__association=association,
            sitting__starts_at__lte=timezone.now(),
            result=ExamResult.PENDING,
            part1_correct__isnull=True,
        )
        .filter(Exists(has_part1))
        .select_related("sitting__association", "application__applicant", "application__category")
        .order_by("sitting__starts_at", "application__applicant__full_name", "id")
    )


def scores_all_in(registration: ExamRegistration) -> bool:
    rows = list(registration.vignette_scores.all())
    return bool(rows) and all(row.submitted_at is not None for row in rows)


def other_scores_visible(*, score_row: VignetteScore) -> list[VignetteScore]:
    """The other graders' scores of the same candidate: shown only once every score is in
    (empty until then, so nobody is influenced)."""
    rows = list(
        VignetteScore.objects.filter(registration_id=score_row.registration_id)
        .select_related("grader")
        .order_by("id")
    )
    if not rows or any(row.submitted_at is None for row in rows):
        return []
    return [row for row in rows if row.pk != score_row.pk]


# --- the pages' lookups -----------------------------------------------------------------------


def sittings_with_association() -> QuerySet[ExamSitting]:
    """Sittings with their association (a page looks its own up in them)."""
    return ExamSitting.objects.select_related("association")


def sittings_newest_first(association: Association) -> QuerySet[ExamSitting]:
    """``sittings_of`` the association, the latest first."""
    return sittings_of(association).order_by("-starts_at", "-id")


def sitting_counted(sitting: ExamSitting) -> ExamSitting:
    """The sitting read again with ``registered`` and ``free`` (``sittings_of``; 1 query)."""
    return sittings_of(sitting.association).get(pk=sitting.pk)


def sitting_has_registrations(sitting: ExamSitting) -> bool:
    return sitting.registrations.exists()


def has_applications_to_register(association: Association) -> bool:
    return applications_to_register(association).exists()


def sittings_to_choose(
    *, association: Association, on_or_after: datetime.date | None
) -> QuerySet[ExamSitting]:
    """The sittings an applicant may choose (``sittings_upcoming``), the soonest first."""
    return sittings_upcoming(association=association, on_or_after=on_or_after).order_by(
        "starts_at", "id"
    )


def association_sittings(association: Association) -> QuerySet[ExamSitting]:
    return ExamSitting.objects.filter(association=association)


def candidate_rows(sitting: ExamSitting) -> list[dict]:
    """The sitting's candidates as its page lists them: each registration with its exam
    rules, the graders' scores, whether all are in, whether the result is open and the Part 1
    percentage (``registrations_of_sitting``: constant queries)."""
    rows = []
    for registration in registrations_of_sitting(sitting):
        rules = exam_rules(registration.application.category)
        scores = list(registration.vignette_scores.all())
        rows.append(
            {
                "registration": registration,
                "rules": rules,
                "scores": scores,
                "all_in": scores_all_in(registration),
                "pending": registration.result == ExamResult.PENDING,
                "part1_percent": (
                    percent_text(registration.part1_correct, rules.questions)
                    if rules and registration.part1_correct is not None
                    else ""
                ),
            }
        )
    return rows


def registrations_with_pages() -> QuerySet[ExamRegistration]:
    """Registrations with the sitting, applicant and category their pages show."""
    return ExamRegistration.objects.select_related(
        "sitting__association", "application__applicant", "application__category"
    )


def graders_chosen(registration: ExamRegistration) -> list[int]:
    """The ids of the registration's Part 2 graders."""
    return [row.grader_id for row in registration.vignette_scores.all()]


def graders_eligible(registration: ExamRegistration) -> QuerySet[User]:
    """The exam graders of the sitting's association who may grade the candidate: not the
    applicant, nor their advisor."""
    application = registration.application
    return exam_graders_of(registration.sitting.association).exclude(
        pk__in=[application.applicant_id, application.advisor_id or 0]
    )


def exam_applications_of(applicant: User) -> QuerySet[Application]:
    """The applicant's own applications with what the exam page reads."""
    return (
        Application.objects.select_related("association", "category")
        .prefetch_related("category__requirements")
        .filter(applicant=applicant)
    )


def pending_registration(application: Application) -> ExamRegistration | None:
    """The application's registration whose result is still open, with its sitting."""
    return (
        application.exam_registrations.select_related("sitting")
        .filter(result=ExamResult.PENDING)
        .first()
    )


def score_rows_of(grader: User) -> QuerySet[VignetteScore]:
    """The grader's own vignette scores, with the sitting and candidate their page shows."""
    return VignetteScore.objects.select_related(
        "registration__sitting__association",
        "registration__application__applicant",
        "registration__application__category",
    ).filter(grader=grader)
