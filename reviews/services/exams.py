"""The exam: sittings, registrations, Part 1 scores, Part 2 vignette scores and the result.

The writes (the reads, and the helpers that say dates and scores, are in
``reviews.selectors.exams``).

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

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import Association, RoleGrant, User
from accounts.rules import is_coordinator_of, is_exam_grader_in
from endorsement.emails import application_email_on_commit, coordinators_of
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from endorsement.notes import note_values_json
from endorsement.services import TransitionNotAllowed, application_transition
from reviews.enums import ExamResult
from reviews.models import ExamRegistration, ExamSitting, VignetteScore
from reviews.rules import can_enter_exam_scores
from reviews.selectors.exams import (
    ExamRules,
    exam_rules,
    percent_value,
    retake_status,
    scoring_wait,
    sitting_label,
    sitting_local_start,
)


class ExamRefused(TransitionNotAllowed):
    """Raised with a sentence a person can read; nothing was written."""


# --- the requirement --------------------------------------------------------------------------


def _rules_or_refuse(category) -> ExamRules:
    rules = exam_rules(category)
    if rules is None:
        raise ExamRefused(_("This category has no exam."))
    return rules


def _require_started(sitting: ExamSitting) -> None:
    if wait := scoring_wait(sitting):
        raise ExamRefused(wait)


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


# --- registration -----------------------------------------------------------------------------


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
            % {"state": application.state_for(by)}
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


# --- scores -----------------------------------------------------------------------------------


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
    if not can_enter_exam_scores(by, registration.sitting.association):
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
