"""Reads of the exam: a category's exam rules, sittings and their places, where an application
stands for a retake, the candidates, graders and scores the pages show; and the small helpers
that say a sitting's date and a score in the association's time zone and number format. The
writes, and the result rule, are in ``reviews.services.exams``."""

import calendar
import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
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
    return exam_rules_of([r for r in category.requirements.all() if r.kind == RequirementKind.EXAM])


def exam_rules_of(rows: list[Requirement]) -> ExamRules | None:
    """The exam that a category's exam rows make (``exam_rules``), or None without rows."""
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


def part1_passes(correct: int, rules: ExamRules) -> bool:
    """Part 1's rule: the correct answers reach the pass mark (48 of 60 at 80%)."""
    return correct * 100 >= rules.part1_pass_percent * rules.questions


def part1_check_text(correct: int, rules: ExamRules) -> str:
    """“23 of 60 = 38.3%: below the pass mark (80%).”, said as a score is typed and beside a
    saved one, so that a typo shows at once."""
    values = {
        "correct": correct,
        "questions": rules.questions,
        "percent": percent_text(correct, rules.questions),
        "mark": rules.part1_pass_percent,
    }
    if part1_passes(correct, rules):
        return (
            _(
                "%(correct)s of %(questions)s = %(percent)s%%: at or above the pass mark "
                "(%(mark)s%%)."
            )
            % values
        )
    return _("%(correct)s of %(questions)s = %(percent)s%%: below the pass mark (%(mark)s%%).") % (
        values
    )


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
    """Attempts so far and when the next may be; None when the category has no exam. An
    application read by ``with_exam_attempts`` (and its category's requirements prefetched)
    costs no query."""
    rules = exam_rules(application.category)
    if rules is None:
        return None
    if hasattr(application, "exam_attempts"):
        attempts, last_starts_at = application.exam_attempts, application.exam_last_starts_at
    else:
        registrations = list(
            application.exam_registrations.select_related("sitting").order_by("attempt")
        )
        attempts = len(registrations)
        last_starts_at = registrations[-1].sitting.starts_at if registrations else None
    return retake_status_of(
        rules=rules,
        attempts=attempts,
        failed=application.state == S.EXAM_FAILED,
        last_day=last_starts_at and local_date(last_starts_at, application.association),
    )


def retake_status_of(
    *, rules: ExamRules, attempts: int, failed: bool, last_day: datetime.date | None
) -> RetakeStatus:
    """The rule of ``retake_status``: after a failed attempt, the next sitting may be on the
    day ``retake_wait_months`` after the last attempt's sitting (in the association's days)."""
    possible_from = None
    if failed and last_day is not None:
        possible_from = add_months(last_day, rules.retake_wait_months)
    return RetakeStatus(
        attempts=attempts, max_attempts=rules.max_attempts, possible_from=possible_from
    )


def retake_text(status: RetakeStatus) -> str:
    """What a failed applicant reads about a retake: when it becomes possible (a day in the
    association's calendar, in the page's date format) or that every attempt is used."""
    if status.limit_reached:
        if status.max_attempts == 1:
            return _("The one attempt allowed is used: no retake is possible.")
        return _("All %(n)s attempts are used: no retake is possible.") % {"n": status.max_attempts}
    if status.possible_from is None:
        return ""
    return _("You can retake the exam from %(date)s (at a sitting on or after that day).") % {
        "date": formats.date_format(status.possible_from, "DATE_FORMAT")
    }


def _attempts_subqueries(application_ref: str) -> dict:
    """The number of an application's registrations and its last attempt's sitting start."""
    registrations = ExamRegistration.objects.filter(application=OuterRef(application_ref))
    return {
        "exam_attempts": Coalesce(
            Subquery(
                registrations.order_by().values("application").annotate(n=Count("id")).values("n")
            ),
            0,
        ),
        "exam_last_starts_at": Subquery(
            registrations.order_by("-attempt", "-id").values("sitting__starts_at")[:1]
        ),
    }


def with_exam_attempts(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Applications with what ``retake_status`` reads, in the same query (and their
    category's requirements prefetched: one more)."""
    return (
        applications.select_related("association", "category")
        .annotate(**_attempts_subqueries("pk"))
        .prefetch_related("category__requirements")
    )


def retakes_of_applicant(applicant: User) -> dict[int, RetakeStatus]:
    """The applicant's failed applications (by id) with their ``RetakeStatus``, in one query:
    the exam rows of their categories, each with the application's attempts."""
    rows = (
        Requirement.objects.filter(
            kind=RequirementKind.EXAM,
            category__applications__applicant=applicant,
            category__applications__state=S.EXAM_FAILED,
        )
        .annotate(
            application_id=F("category__applications__id"),
            time_zone=F("category__applications__association__time_zone"),
        )
        .annotate(**_attempts_subqueries("application_id"))
        .order_by("application_id", "id")
    )
    by_application: dict[int, list[Requirement]] = {}
    for row in rows:
        by_application.setdefault(row.application_id, []).append(row)
    statuses = {}
    for application_id, requirements in by_application.items():
        first = requirements[0]
        last_starts_at = first.exam_last_starts_at
        statuses[application_id] = retake_status_of(
            rules=exam_rules_of(requirements),
            attempts=first.exam_attempts,
            failed=True,
            last_day=last_starts_at
            and timezone.localtime(last_starts_at, zoneinfo.ZoneInfo(first.time_zone)).date(),
        )
    return statuses


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


def applications_near_a_sitting(association: Association) -> list[Application]:
    """What the "register an applicant" choice of a sitting weighs: the applications
    ``applications_to_register`` gives, and those already registered (state "exam") with their
    open registration's sitting (``pending_sitting_id``, ``pending_starts_at``); each read
    ``with_exam_attempts`` (two queries)."""
    has_exam = Requirement.objects.filter(category=OuterRef("category"), kind=RequirementKind.EXAM)
    pending = ExamRegistration.objects.filter(
        application=OuterRef("pk"), result=ExamResult.PENDING
    ).order_by("-attempt", "-id")
    return list(
        with_exam_attempts(
            Application.objects.filter(
                association=association, state__in=[*REGISTRABLE_STATES, S.EXAM]
            ).filter(Exists(has_exam))
        )
        .select_related("applicant")
        .annotate(
            pending_sitting_id=Subquery(pending.values("sitting_id")[:1]),
            pending_starts_at=Subquery(pending.values("sitting__starts_at")[:1]),
        )
        .order_by("applicant__full_name", "id")
    )


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
                "part1_check": (
                    part1_check_text(registration.part1_correct, rules)
                    if rules and rules.part1 and registration.part1_correct is not None
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
