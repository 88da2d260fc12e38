"""Portfolio review: conflict declarations, assignments, reviews, decisions.

The writes of the review step (the reads, and the rules of conflicts of interest, rounds and
blind review, are in ``reviews.selectors.reviewing``). The application's state changes only
through ``endorsement.services.application_transition``:

- ``review_assign`` fires ``start_review`` when the first reviewer of a submitted portfolio is
  assigned;
- ``review_decide`` fires the coordinator's decision (approve, defer, hold, deny).
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Association, User
from accounts.rules import is_coordinator_of, is_reviewer_in
from endorsement.emails import application_email_on_commit, coordinators_of
from endorsement.enums import ApplicationState
from endorsement.models import Application
from endorsement.services import TransitionNotAllowed, application_transition
from reviews.enums import Recommendation, RubricScore
from reviews.models import AreaRating, ConflictDeclaration, ReviewAssignment
from reviews.selectors.reviewing import (
    normalise,
    normalise_email,
    review_areas,
    review_round,
    reviewer_pool,
    reviewers_conflicts,
    round_status,
)

# States in which reviewers may be assigned.
ASSIGNABLE_STATES = (ApplicationState.SUBMITTED, ApplicationState.IN_REVIEW)
# The coordinator's decisions: each is the transition of the same name.
DECISIONS = ("approve", "defer", "hold", "deny")
# Decisions that follow the reviews: every review of the round must be in first.
DECISIONS_AFTER_REVIEWS = ("approve", "defer")


class ReviewRefused(TransitionNotAllowed):
    """A review step that is not possible, with a sentence a person can read."""


# --- Conflicts of interest -------------------------------------------------------------------


@transaction.atomic
def conflict_declare(
    *,
    reviewer: User,
    association: Association,
    person_email: str = "",
    organisation: str = "",
    note: str = "",
) -> ConflictDeclaration:
    """Declare a conflict of interest with a person (by their e-mail) or an organisation.

    The e-mail is stored as given (normalised), whether or not anybody with it uses the portal:
    the declaration applies once that person applies, and the answer never tells the reviewer
    whether the address has an account.
    """
    if not is_reviewer_in(reviewer, association):
        raise ReviewRefused(_("Only a reviewer of this association may declare conflicts."))
    person_email, organisation = normalise_email(person_email), " ".join(organisation.split())
    if bool(person_email) == bool(organisation):
        raise ReviewRefused(_("Name either a person (their e-mail) or an organisation."))
    existing = ConflictDeclaration.objects.filter(association=association, reviewer=reviewer)
    if person_email:
        if person_email == normalise_email(reviewer.email):
            raise ReviewRefused(_("You cannot declare a conflict with yourself."))
        if existing.filter(person_email__iexact=person_email).exists():
            raise ReviewRefused(_("You already declared this conflict."))
    else:
        key = normalise(organisation)
        if any(normalise(d.organisation) == key for d in existing.exclude(organisation="")):
            raise ReviewRefused(_("You already declared this conflict."))
    try:
        # A savepoint: the same declaration sent twice at once meets the unique constraint.
        with transaction.atomic():
            return ConflictDeclaration.objects.create(
                association=association,
                reviewer=reviewer,
                person_email=person_email,
                organisation="" if person_email else organisation,
                note=note.strip(),
            )
    except IntegrityError:
        raise ReviewRefused(_("You already declared this conflict.")) from None


@transaction.atomic
def conflict_withdraw(*, declaration: ConflictDeclaration, by: User) -> None:
    """The reviewer withdraws one of their own declarations."""
    if declaration.reviewer_id != by.pk:
        raise ReviewRefused(_("You may only withdraw your own declarations."))
    declaration.delete()


# --- Assignments -----------------------------------------------------------------------------


def _review_url(assignment: ReviewAssignment) -> str:
    return settings.SITE_URL + reverse("reviews:review", kwargs={"assignment_id": assignment.pk})


def _decision_url(application: Application) -> str:
    return settings.SITE_URL + reverse(
        "reviews:review.decide", kwargs={"application_id": application.pk}
    )


@transaction.atomic
def review_assign(
    *, application: Application, reviewers, due_on: date, by: User
) -> list[ReviewAssignment]:
    """Assign reviewers to the current round of a submitted portfolio, by the coordinator.

    The association's ``reviewers_per_portfolio`` is the most a round has (a second reviewer
    may be added later). Refuses, with the reasons, anyone with a conflict of interest. The
    first assignment starts the review (``start_review``). Each reviewer is e-mailed.
    """
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("association", "applicant", "category")
        .get(pk=application.pk)
    )
    association = application.association
    if not is_coordinator_of(by, association):
        raise ReviewRefused(_("Only a coordinator of this association may assign reviewers."))
    if application.state not in ASSIGNABLE_STATES:
        raise ReviewRefused(
            _("Reviewers are assigned to submitted portfolios; this one is “%(state)s”.")
            % {"state": application.get_state_display()}
        )
    unique = []
    for reviewer in reviewers:
        if reviewer is not None and reviewer.pk not in {r.pk for r in unique}:
            unique.append(reviewer)
    if not unique:
        raise ReviewRefused(_("Choose a reviewer."))
    if due_on < association.today():
        raise ReviewRefused(_("The due date is in the past."))
    round_ = review_round(application=application)
    current = set(
        ReviewAssignment.objects.filter(application=application, round=round_).values_list(
            "reviewer_id", flat=True
        )
    )
    limit = association.reviewers_per_portfolio
    if len(current) + len(unique) > limit:
        raise ReviewRefused(
            ngettext(
                "%(association)s has %(limit)d reviewer per portfolio: %(count)d already assigned.",
                "%(association)s has %(limit)d reviewers per portfolio: %(count)d already "
                "assigned.",
                limit,
            )
            % {"association": association.name, "limit": limit, "count": len(current)}
        )
    pool = set(reviewer_pool(association=association).values_list("pk", flat=True))
    conflicts = reviewers_conflicts(application=application, reviewers=unique)
    problems = []
    for reviewer in unique:
        name = reviewer.get_full_name()
        if reviewer.pk in current:
            problems.append(_("%(name)s is already assigned.") % {"name": name})
        elif reviewer.pk not in pool:
            problems.append(
                _("%(name)s is not a reviewer of %(association)s.")
                % {"name": name, "association": association.name}
            )
        elif conflicts[reviewer.pk]:
            problems.append(
                _("%(name)s may not review this portfolio: %(reasons)s")
                % {"name": name, "reasons": " ".join(conflicts[reviewer.pk])}
            )
    if problems:
        raise ReviewRefused(" ".join(problems))
    assignments = [
        ReviewAssignment.objects.create(
            application=application, reviewer=reviewer, assigned_by=by, round=round_, due_on=due_on
        )
        for reviewer in unique
    ]
    if application.state == ApplicationState.SUBMITTED:
        application_transition(application=application, action="start_review", by=by)
    for assignment in assignments:
        application_email_on_commit(
            application=application,
            key="reviewer_assigned.reviewer",
            recipients=[assignment.reviewer],
            extra={
                "due_on": due_on,
                "url": _review_url(assignment),
            },
        )
    return assignments


@dataclass
class BulkResult:
    application: Application
    assignments: list[ReviewAssignment] = field(default_factory=list)
    refusal: str = ""

    @property
    def assigned(self) -> bool:
        return not self.refusal


@transaction.atomic
def review_assign_bulk(*, applications, reviewers, due_on: date, by: User) -> list[BulkResult]:
    """Assign the same reviewer(s) to many applications. Each application is assigned
    completely or not at all; the result says which, with the reason of each refusal."""
    results = []
    for application in applications:
        try:
            with transaction.atomic():
                assignments = review_assign(
                    application=application, reviewers=reviewers, due_on=due_on, by=by
                )
        except TransitionNotAllowed as exc:
            results.append(BulkResult(application=application, refusal=str(exc)))
        else:
            results.append(BulkResult(application=application, assignments=assignments))
    return results


# --- Reviews ---------------------------------------------------------------------------------


def _may_write(assignment: ReviewAssignment, by: User) -> None:
    application = assignment.application
    if assignment.reviewer_id != by.pk or not is_reviewer_in(by, application.association):
        raise ReviewRefused(_("Only the assigned reviewer may write this review."))
    if assignment.submitted_at is not None:
        raise ReviewRefused(_("This review is submitted: it can no longer be changed."))
    if application.state != ApplicationState.IN_REVIEW or assignment.round != review_round(
        application=application
    ):
        raise ReviewRefused(_("This portfolio is not in review for this round any more."))


@transaction.atomic
def review_save(
    *,
    assignment: ReviewAssignment,
    by: User,
    ratings: dict[int, str],
    area_notes: dict[int, str] | None = None,
    comments: str = "",
    recommendation: str = "",
    amendments: str = "",
    submit: bool = False,
) -> ReviewAssignment:
    """Save the review as a draft, or submit it (then it is read-only).

    ``ratings`` is {area id: RubricScore value}; an empty value clears the area's rating.
    Submitting needs every area rated and a recommendation; a deferral needs what to amend.
    """
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("application__association", "application__category")
        .get(pk=assignment.pk)
    )
    _may_write(assignment, by)
    application = assignment.application
    areas = {area.pk: area for area in review_areas(application=application)}
    area_notes = area_notes or {}
    existing = {rating.area_id: rating for rating in assignment.ratings.all()}
    for area_id in areas:
        score = ratings.get(area_id, "") or ""
        note = (area_notes.get(area_id) or "").strip()
        if score and score not in RubricScore.values:
            raise ReviewRefused(_("Choose a rating from the rubric."))
        rating = existing.get(area_id)
        if not score:
            if rating is not None:
                rating.delete()
                del existing[area_id]
            continue
        if rating is None:
            existing[area_id] = AreaRating.objects.create(
                assignment=assignment, area_id=area_id, score=score, note=note
            )
        elif (rating.score, rating.note) != (score, note):
            rating.score, rating.note = score, note
            rating.save(update_fields=["score", "note"])
    if recommendation and recommendation not in Recommendation.values:
        raise ReviewRefused(_("Choose a recommendation."))
    assignment.comments = comments.strip()
    assignment.recommendation = recommendation
    assignment.amendments = amendments.strip()
    if submit:
        unrated = [area.display_name for pk, area in areas.items() if pk not in existing]
        if unrated:
            raise ReviewRefused(
                _("Rate every competency area before submitting: %(areas)s.")
                % {"areas": ", ".join(str(name) for name in unrated)}
            )
        if not recommendation:
            raise ReviewRefused(_("Choose a recommendation before submitting."))
        if recommendation == Recommendation.DEFER and not assignment.amendments:
            raise ReviewRefused(
                _("Say what the applicant should amend: it is required with a deferral.")
            )
        assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["comments", "recommendation", "amendments", "submitted_at"])
    if submit:
        _notify_when_round_complete(application=application, round_=assignment.round)
    return assignment


def _notify_when_round_complete(*, application: Application, round_: int) -> None:
    status = round_status(application=application, round_=round_)
    if not status.complete:
        return
    key = "reviews_complete.coordinator" if status.agree else "reviews_disagree.coordinator"
    labels = dict(Recommendation.choices)
    summary = "\n".join(
        f"- {a.reviewer.get_full_name()}: {labels[a.recommendation]}" for a in status.submitted
    )
    application_email_on_commit(
        application=application,
        key=key,
        recipients=coordinators_of(application.association),
        extra={"url": _decision_url(application), "recommendations": summary},
    )


@transaction.atomic
def review_decide(*, application: Application, decision: str, note: str, by: User) -> Application:
    """The coordinator's decision after the review: approve, defer (with what to amend),
    hold or deny (with reasons). Approving or deferring needs every review of the round in
    (``reviews.conditions``)."""
    if decision not in DECISIONS:
        raise ReviewRefused(_("Choose a decision."))
    if not is_coordinator_of(by, application.association):
        raise ReviewRefused(_("Only a coordinator of this association may decide."))
    return application_transition(application=application, action=decision, by=by, note=note)
