"""The exam: sittings, registrations, Part 1 scores, Part 2 vignette scores and the result.

A category has an exam when its requirement has rows of kind "exam" (``Requirement``): Part 1
(multiple choice: ``questions``, ``pass_percent``) and/or Part 2 (vignettes: ``graders``,
``pass_percent``); ``retake_wait_months`` and ``max_attempts`` limit retakes.

The result rule:

* Part 1 passes when the correct answers are at least ``pass_percent`` of the questions
  (48 of 60 at 80%).
* Part 2 passes when the **mean** of the graders' scores is at least its ``pass_percent``
  (80% and 79% make 79.5%: not passed). Each grader scores independently and does not see the
  other scores until every grader's score is in.
* Scores (Part 1 and Part 2) can be entered only once the sitting has started: its
  ``starts_at``, typed in the association's time zone.
* The exam passes when every part the requirement has passes. The result is decided as soon as
  the last missing score (Part 1 or a grader's) is entered, by that person's entry.

A retake is possible once the application has failed, at a sitting at least
``retake_wait_months`` after the date of the failed attempt's sitting, while the attempts used
are fewer than ``max_attempts`` (when set).

The application's state changes only through ``application_transition`` (``register_exam``,
``retake_exam``, ``pass_exam``, ``fail_exam``).
"""

import calendar
import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import Association, RoleGrant, User
from accounts.rules import is_coordinator_of, is_exam_grader_in
from accounts.selectors import role_holders
from competencies.enums import ExamKind, RequirementKind
from competencies.models import EndorsementCategory, Requirement
from endorsement.emails import application_email_on_commit, coordinators_of
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from endorsement.notes import note_values_json, sitting_text
from endorsement.services import TransitionNotAllowed, application_transition
from reviews.enums import ExamResult
from reviews.models import ExamRegistration, ExamSitting, VignetteScore

DEFAULT_QUESTIONS = 60
DEFAULT_PASS_PERCENT = 80
DEFAULT_GRADERS = 2

# Applications that may be registered for a sitting: first attempt, or a retake.
REGISTRABLE_STATES = [S.APPROVED, S.EXAM_FAILED]


class ExamRefused(TransitionNotAllowed):
    """Raised with a sentence a person can read; nothing was written."""


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


def _rules_or_refuse(category) -> ExamRules:
    rules = exam_rules(category)
    if rules is None:
        raise ExamRefused(_("This category has no exam."))
    return rules


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


def _require_started(sitting: ExamSitting) -> None:
    if wait := scoring_wait(sitting):
        raise ExamRefused(wait)


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


def _url(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


# --- sittings ---------------------------------------------------------------------------------


def _require_coordinator(by: User, association: Association) -> None:
    if not is_coordinator_of(by, association):
        raise ExamRefused(_("Only a coordinator of this association may do this."))


def _check_sitting(*, starts_at, place: str, is_online: bool, capacity: int) -> None:
    if capacity is None or capacity < 1:
        raise ExamRefused(_("A sitting needs at least one place."))
    if not is_online and not place.strip():
        raise ExamRefused(_("Give the place of the sitting, or mark it online."))
    if starts_at is None:
        raise ExamRefused(_("Give the date and time of the sitting."))


@transaction.atomic
def sitting_create(
    *,
    association: Association,
    starts_at: datetime.datetime,
    capacity: int,
    by: User,
    place: str = "",
    is_online: bool = False,
    note: str = "",
) -> ExamSitting:
    """A new exam sitting of the association (coordinators only)."""
    _require_coordinator(by, association)
    _check_sitting(starts_at=starts_at, place=place, is_online=is_online, capacity=capacity)
    if starts_at <= timezone.now():
        raise ExamRefused(_("A new sitting must be in the future."))
    return ExamSitting.objects.create(
        association=association,
        starts_at=starts_at,
        capacity=capacity,
        place=place.strip(),
        is_online=is_online,
        note=note.strip(),
    )


@transaction.atomic
def sitting_update(
    *,
    sitting: ExamSitting,
    by: User,
    starts_at: datetime.datetime,
    capacity: int,
    place: str = "",
    is_online: bool = False,
    note: str = "",
) -> ExamSitting:
    """Change a sitting; its capacity may not fall below the candidates registered."""
    sitting = (
        ExamSitting.objects.select_for_update().select_related("association").get(pk=sitting.pk)
    )
    _require_coordinator(by, sitting.association)
    _check_sitting(starts_at=starts_at, place=place, is_online=is_online, capacity=capacity)
    registered = sitting.registrations.count()
    if capacity < registered:
        raise ExamRefused(
            _("%(n)s candidates are registered: the sitting needs at least %(n)s places.")
            % {"n": registered}
        )
    sitting.starts_at = starts_at
    sitting.capacity = capacity
    sitting.place = place.strip()
    sitting.is_online = is_online
    sitting.note = note.strip()
    sitting.save()
    return sitting


@transaction.atomic
def sitting_delete(*, sitting: ExamSitting, by: User) -> None:
    """Delete a sitting nobody is registered for."""
    sitting = (
        ExamSitting.objects.select_for_update().select_related("association").get(pk=sitting.pk)
    )
    _require_coordinator(by, sitting.association)
    if sitting.registrations.exists():
        raise ExamRefused(_("Candidates are registered for this sitting: it cannot be deleted."))
    sitting.delete()


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


@transaction.atomic
def exam_register(*, application: Application, sitting: ExamSitting, by: User) -> ExamRegistration:
    """Register an approved application (or one that failed, for a retake) at a sitting.

    ``by`` is the applicant or a coordinator of the association. The sitting row is locked so
    two registrations cannot both take its last place.
    """
    sitting = (
        ExamSitting.objects.select_for_update().select_related("association").get(pk=sitting.pk)
    )
    application = Application.objects.select_related("association", "category").get(
        pk=application.pk
    )
    if not (by.pk == application.applicant_id or is_coordinator_of(by, application.association)):
        raise ExamRefused(_("Only the applicant or a coordinator may register for the exam."))
    _rules_or_refuse(application.category)
    if application.state == S.APPROVED:
        action = "register_exam"
    elif application.state == S.EXAM_FAILED:
        action = "retake_exam"
    else:
        raise ExamRefused(
            _(
                "Only an approved application, or one whose exam was not passed, can be "
                "registered for the exam (this one is “%(state)s”)."
            )
            % {"state": application.get_state_display()}
        )
    if sitting.association_id != application.association_id:
        raise ExamRefused(_("This sitting belongs to another association."))
    if sitting.starts_at <= timezone.now():
        raise ExamRefused(_("This sitting has already taken place."))
    if sitting.registrations.count() >= sitting.capacity:
        raise ExamRefused(_("This sitting is full. Choose another date."))
    attempts = retake_status(application).attempts
    # The retake's limits are the step's condition (reviews.conditions), asked with the sitting
    # before this attempt is recorded.
    application_transition(
        application=application,
        action=action,
        by=by,
        public=True,
        facts={"sitting": sitting},
        note_key="exam_sitting",
        note_values={
            "sitting": sitting.pk,
            "starts_at": sitting_local_start(sitting),
            "is_online": sitting.is_online,
            "place": sitting.place,
            "sitting_note": sitting.note,
        },
    )
    registration = ExamRegistration.objects.create(
        sitting=sitting, application=application, attempt=attempts + 1, registered_by=by
    )
    return registration


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


def may_enter_part1(user: User, association: Association) -> bool:
    return is_coordinator_of(user, association) or is_exam_grader_in(user, association)


def _lock_registration(registration: ExamRegistration) -> ExamRegistration:
    registration = (
        ExamRegistration.objects.select_for_update(of=("self",))
        .select_related("sitting__association", "application__category", "application__applicant")
        .get(pk=registration.pk)
    )
    if registration.result != ExamResult.PENDING:
        raise ExamRefused(_("The result is decided: the scores can no longer change."))
    return registration


@transaction.atomic
def part1_enter(*, registration: ExamRegistration, correct: int, by: User) -> ExamRegistration:
    """Enter (or correct, while the result is open) the Part 1 score: correct answers, once
    the sitting has started."""
    registration = _lock_registration(registration)
    if not may_enter_part1(by, registration.sitting.association):
        raise ExamRefused(
            _("Only a coordinator or an exam grader of this association may enter scores.")
        )
    rules = _rules_or_refuse(registration.application.category)
    if rules.part1 is None:
        raise ExamRefused(_("This exam has no Part 1."))
    _require_started(registration.sitting)
    if correct is None or not 0 <= correct <= rules.questions:
        raise ExamRefused(
            _("Enter the number of correct answers, from 0 to %(n)s.") % {"n": rules.questions}
        )
    registration.part1_correct = correct
    registration.part1_entered_by = by
    registration.part1_entered_at = timezone.now()
    registration.save(update_fields=["part1_correct", "part1_entered_by", "part1_entered_at"])
    _decide_if_complete(registration=registration, rules=rules, by=by)
    return registration


def exam_graders_of(association: Association) -> QuerySet[User]:
    """People holding the exam grader role in the association."""
    return role_holders(association=association, role=Role.EXAM_GRADER)


@transaction.atomic
def graders_assign(
    *, registration: ExamRegistration, graders: list[User], by: User
) -> list[VignetteScore]:
    """The coordinator names the Part 2 graders (as many as the requirement says).

    A grader who has already scored stays; graders dropped before scoring are removed.
    """
    registration = _lock_registration(registration)
    association = registration.sitting.association
    application = registration.application
    _require_coordinator(by, association)
    rules = _rules_or_refuse(application.category)
    if rules.part2 is None:
        raise ExamRefused(_("This exam has no Part 2."))
    chosen = {grader.pk: grader for grader in graders}
    if len(chosen) != rules.graders:
        raise ExamRefused(_("Choose %(n)s different graders.") % {"n": rules.graders})
    holders = set(
        RoleGrant.objects.filter(
            association=association, role=Role.EXAM_GRADER, user_id__in=chosen
        ).values_list("user_id", flat=True)
    )
    for pk, grader in chosen.items():
        name = grader.get_full_name()
        if pk not in holders:
            raise ExamRefused(
                _("%(name)s is not an exam grader of this association.") % {"name": name}
            )
        if pk == application.applicant_id:
            raise ExamRefused(_("%(name)s is the applicant.") % {"name": name})
        if pk == application.advisor_id:
            raise ExamRefused(
                _("%(name)s is the applicant's advisor and may not grade them.") % {"name": name}
            )
    existing = {row.grader_id: row for row in registration.vignette_scores.select_related("grader")}
    for grader_id, row in existing.items():
        if grader_id not in chosen and row.submitted_at is not None:
            raise ExamRefused(
                _("%(name)s has already scored and stays a grader.")
                % {"name": row.grader.get_full_name()}
            )
    VignetteScore.objects.filter(registration=registration, submitted_at__isnull=True).exclude(
        grader_id__in=chosen
    ).delete()
    new_rows = []
    for pk, grader in chosen.items():
        if pk not in existing:
            row = VignetteScore.objects.create(
                registration=registration, grader=grader, assigned_by=by
            )
            new_rows.append(row)
            application_email_on_commit(
                application=application,
                key="grader_assigned.grader",
                recipients=[grader],
                extra={
                    "sitting": sitting_label(registration.sitting),
                    "url": _url("reviews:exam.score", pk=row.pk),
                },
            )
    return list(registration.vignette_scores.select_related("grader").order_by("id"))


@transaction.atomic
def vignette_score(
    *, score_row: VignetteScore, percent: int, comments: str = "", by: User
) -> VignetteScore:
    """The assigned grader's Part 2 score (0 to 100 %), given once the sitting has started,
    and then read-only."""
    row = VignetteScore.objects.select_related("registration").get(pk=score_row.pk)
    if row.grader_id != by.pk:
        raise ExamRefused(_("Only the grader assigned to these vignettes may score them."))
    registration = _lock_registration(row.registration)
    row = VignetteScore.objects.select_for_update().get(pk=row.pk)
    if row.submitted_at is not None:
        raise ExamRefused(_("You have already scored these vignettes: your score is final."))
    if not is_exam_grader_in(by, registration.sitting.association):
        raise ExamRefused(_("You are no longer an exam grader of this association."))
    _require_started(registration.sitting)
    if percent is None or not 0 <= percent <= 100:
        raise ExamRefused(_("Enter a score from 0 to 100."))
    rules = _rules_or_refuse(registration.application.category)
    row.percent = percent
    row.comments = comments.strip()
    row.submitted_at = timezone.now()
    row.save(update_fields=["percent", "comments", "submitted_at"])
    _decide_if_complete(registration=registration, rules=rules, by=by)
    return row


def _decide_if_complete(*, registration: ExamRegistration, rules: ExamRules, by: User) -> None:
    """When every part's scores are in, decide the result and move the application."""
    # The result note's values (``endorsement.notes``, "exam_result"): each reader reads it in
    # their language.
    values = {}
    if rules.part1 is not None:
        if registration.part1_correct is None:
            return
        correct, questions = registration.part1_correct, rules.questions
        values["part1"] = {
            "correct": correct,
            "questions": questions,
            "percent": percent_value(correct, questions),
            "pass": rules.part1_pass_percent,
            "passed": correct * 100 >= rules.part1_pass_percent * questions,
        }
    if rules.part2 is not None:
        rows = list(registration.vignette_scores.all())
        if len(rows) < rules.graders or any(row.submitted_at is None for row in rows):
            return
        scores = [row.percent for row in rows]
        values["part2"] = {
            "n": len(scores),
            "percent": percent_value(sum(scores), len(scores) * 100),
            "pass": rules.part2_pass_percent,
            "passed": sum(scores) >= rules.part2_pass_percent * len(scores),
        }
    passed = all(part["passed"] for part in values.values())
    values["passed"] = passed
    registration.result = ExamResult.PASSED if passed else ExamResult.FAILED
    registration.decided_at = timezone.now()
    registration.save(update_fields=["result", "decided_at"])
    application = registration.application
    application_transition(
        application=application,
        action="pass_exam" if passed else "fail_exam",
        by=by,
        public=True,
        note_key="exam_result",
        note_values=values,
    )
    application_email_on_commit(
        application=application,
        key="exam_scores_complete.coordinator",
        recipients=coordinators_of(registration.sitting.association),
        extra={
            "sitting": sitting_label(registration.sitting),
            "url": _url("reviews:exam.sitting", pk=registration.sitting_id),
        },
        note_key="exam_result",
        note_values=note_values_json(values),
    )


# --- reads for the pages ----------------------------------------------------------------------


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
