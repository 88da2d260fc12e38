"""Portfolio review: the reviewer pool, conflicts of interest, assignments, reviews, decisions.

Services (every write) and selectors (reused reads) of the review step. The application's state
changes only through ``endorsement.services.application_transition``:

- ``review_assign`` fires ``start_review`` when the first reviewer of a submitted portfolio is
  assigned;
- ``review_decide`` fires the coordinator's decision (approve, defer, hold, deny).

Rules decided here:

- The pool is the association's people holding the reviewer role.
- A reviewer is refused for an application (``reviewer_conflicts``) when they are the applicant,
  the applicant's advisor, a supervisor named in the work experience, the RS/C provider, a rater
  of a reference (the portfolio's live evidence), work at one of the applicant's employers (their
  declared organisations, or the employers in their own portfolios), or declared a conflict with
  the applicant (by e-mail, case-insensitive: a declaration may name someone who registers
  later, and declaring never reveals whether an address has an account).
- A review round is one submission of the portfolio: ``round`` counts the submissions, so a
  deferred portfolio that comes back is reviewed again, by the same or other reviewers.
- Blind review: a reviewer sees the other reviews of the round only once their own is submitted.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.enums import Role
from accounts.models import Association, User
from accounts.rules import is_coordinator_of, is_reviewer_in
from accounts.selectors import role_holders
from competencies.models import CompetencyArea
from endorsement.emails import application_email_on_commit, coordinators_of
from endorsement.enums import ApplicationState
from endorsement.models import Application, ApplicationEvent, Endorsement
from endorsement.services import TransitionNotAllowed, application_transition
from portfolios.models import Reference, RSCEntry, WorkExperience
from reviews.enums import Recommendation, RubricScore
from reviews.models import AreaRating, ConflictDeclaration, ReviewAssignment

# States in which reviewers may be assigned.
ASSIGNABLE_STATES = (ApplicationState.SUBMITTED, ApplicationState.IN_REVIEW)
# The coordinator's decisions: each is the transition of the same name.
DECISIONS = ("approve", "defer", "hold", "deny")
# Decisions that follow the reviews: every review of the round must be in first.
DECISIONS_AFTER_REVIEWS = ("approve", "defer")


class ReviewRefused(TransitionNotAllowed):
    """A review step that is not possible, with a sentence a person can read."""


# --- The pool and conflicts of interest ------------------------------------------------------


def reviewer_pool(*, association: Association) -> QuerySet[User]:
    """Active people holding the reviewer role in the association, by name."""
    return role_holders(association=association, role=Role.REVIEWER)


def normalise(text: str) -> str:
    """An organisation's or person's name compared loosely: case, spacing and punctuation
    ignored ("Early Head Start, Inc." = "early head start inc")."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def _same_email(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a.strip().casefold() == b.strip().casefold()


def _same_name(a: str, b: str) -> bool:
    """Full names match exactly, apart from case and spacing."""
    a, b = " ".join(a.split()).casefold(), " ".join(b.split()).casefold()
    return bool(a) and a == b


def reviewers_conflicts(*, application: Application, reviewers) -> dict[int, list[str]]:
    """{reviewer id: the reasons they may not review the application} for many reviewers at
    once, in a number of queries that does not depend on how many there are."""
    reviewers = list(reviewers)
    ids = [reviewer.pk for reviewer in reviewers]
    work = list(WorkExperience.objects.filter(application=application).live())
    rsc = list(RSCEntry.objects.filter(application=application).live())
    rater_emails = {
        email.strip().casefold()
        for email in Reference.objects.filter(application=application)
        .live()
        .values_list("rater_email", flat=True)
    }
    employers = {normalise(row.employer): row.employer for row in work if normalise(row.employer)}
    declarations: dict[int, list[ConflictDeclaration]] = {pk: [] for pk in ids}
    for declaration in ConflictDeclaration.objects.filter(
        association_id=application.association_id, reviewer_id__in=ids
    ).annotate(
        names_applicant=Exists(
            User.objects.filter(pk=application.applicant_id, email__iexact=OuterRef("person_email"))
        )
    ):
        declarations[declaration.reviewer_id].append(declaration)
    own_employers: dict[int, set[str]] = {pk: set() for pk in ids}
    if employers:
        for reviewer_id, employer in (
            WorkExperience.objects.filter(application__applicant_id__in=ids)
            .exclude(application_id=application.pk)
            .live()
            .values_list("application__applicant_id", "employer")
        ):
            own_employers[reviewer_id].add(normalise(employer))
    numbers = {row.provider_endorsement_number.strip() for row in rsc}
    numbers.discard("")
    endorsement_holders: dict[int, set[str]] = {pk: set() for pk in ids}
    if numbers:
        for holder_id, number in Endorsement.objects.filter(
            holder_id__in=ids, number__in=numbers
        ).values_list("holder_id", "number"):
            endorsement_holders[holder_id].add(number)

    result: dict[int, list[str]] = {}
    for reviewer in reviewers:
        reasons: list[str] = []
        name = reviewer.full_name
        if reviewer.pk == application.applicant_id:
            reasons.append(_("This is the applicant."))
        for declaration in declarations[reviewer.pk]:
            if declaration.names_applicant:
                reasons.append(_("They declared a conflict of interest with the applicant."))
        if reviewer.pk == application.advisor_id:
            reasons.append(
                _("They are the applicant's advisor: advisors never review their own advisees.")
            )
        for row in work:
            if _same_email(row.supervisor_email, reviewer.email) or _same_name(
                row.supervisor_name, name
            ):
                reasons.append(
                    _("They are named as the applicant's supervisor at %(employer)s.")
                    % {"employer": row.employer}
                )
        for row in rsc:
            if _same_name(row.provider_name, name) or (
                row.provider_endorsement_number.strip() in endorsement_holders[reviewer.pk]
            ):
                reasons.append(
                    _("They provide the applicant's reflective supervision/consultation.")
                )
                break
        if reviewer.email.strip().casefold() in rater_emails:
            reasons.append(_("They are a rater of one of the applicant's references."))
        shared = set()
        for declaration in declarations[reviewer.pk]:
            key = normalise(declaration.organisation)
            if key in employers and key not in shared:
                shared.add(key)
                reasons.append(
                    _("They declared a conflict with %(employer)s, where the applicant works.")
                    % {"employer": employers[key]}
                )
        for key in sorted(own_employers[reviewer.pk]):
            if key in employers and key not in shared:
                shared.add(key)
                reasons.append(
                    _("They work at %(employer)s, like the applicant.")
                    % {"employer": employers[key]}
                )
        result[reviewer.pk] = reasons
    return result


def reviewer_conflicts(*, application: Application, reviewer: User) -> list[str]:
    """Why ``reviewer`` may not review ``application`` (empty: no conflict of interest)."""
    return reviewers_conflicts(application=application, reviewers=[reviewer])[reviewer.pk]


def normalise_email(email: str) -> str:
    """An e-mail as declarations store and compare it: stripped and lower-cased."""
    return email.strip().lower()


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


def reviewer_declarations(*, reviewer: User, association: Association):
    return ConflictDeclaration.objects.filter(reviewer=reviewer, association=association).order_by(
        "-created", "-id"
    )


# --- Rounds and assignments ------------------------------------------------------------------


def review_round(*, application: Application) -> int:
    """The current review round: how many times the portfolio was submitted (at least 1)."""
    submissions = ApplicationEvent.objects.filter(
        application=application, to_state=ApplicationState.SUBMITTED
    ).count()
    return max(1, submissions)


def submissions_subquery(application_ref: str = "application"):
    """How many times the application ``application_ref`` (an OuterRef name) was submitted, as
    an annotation: the round without a query of its own."""
    return Coalesce(
        Subquery(
            ApplicationEvent.objects.filter(
                application=OuterRef(application_ref), to_state=ApplicationState.SUBMITTED
            )
            .order_by()
            .values("application")
            .annotate(n=Count("id"))
            .values("n")[:1]
        ),
        0,
    )


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
                "due_on": date_format(due_on, "DATE_FORMAT"),
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


def review_areas(
    *, application: Application, ratings_of: ReviewAssignment | None = None
) -> list[CompetencyArea]:
    """The competency areas a review rates: the framework's areas for the category (the
    Mentors-only areas for Mentor categories only).

    With ``ratings_of`` each area also carries that review's rating, read in the same query:
    ``rated_score`` and ``rated_note`` (None where the area is not rated yet).
    """
    areas = CompetencyArea.objects.filter(framework_id=application.category.framework_id)
    if not application.category.is_mentor:
        areas = areas.filter(mentors_only=False)
    if ratings_of is not None:
        rating = AreaRating.objects.filter(assignment=ratings_of, area=OuterRef("pk"))
        areas = areas.annotate(
            rated_score=Subquery(rating.values("score")[:1]),
            rated_note=Subquery(rating.values("note")[:1]),
        )
    return list(areas.order_by("order", "id"))


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


@dataclass
class RoundStatus:
    """The reviews of one round and where they stand."""

    application: Application
    round: int
    required: int
    assignments: list[ReviewAssignment]

    @property
    def submitted(self) -> list[ReviewAssignment]:
        return [a for a in self.assignments if a.submitted_at is not None]

    @property
    def complete(self) -> bool:
        """Every review of the round is in (as many as the association requires)."""
        return len(self.assignments) >= self.required and len(self.submitted) == len(
            self.assignments
        )

    @property
    def recommendations(self) -> list[str]:
        return [a.recommendation for a in self.submitted]

    @property
    def agree(self) -> bool:
        return self.complete and len(set(self.recommendations)) == 1

    @property
    def disagree(self) -> bool:
        return self.complete and len(set(self.recommendations)) > 1

    @property
    def missing_reviewers(self) -> int:
        return max(0, self.required - len(self.assignments))

    @property
    def amendments(self) -> str:
        """What the reviewers who recommend a deferral ask the applicant to amend."""
        return "\n\n".join(
            a.amendments
            for a in self.submitted
            if a.recommendation == Recommendation.DEFER and a.amendments
        )


def round_status(*, application: Application, round_: int | None = None) -> RoundStatus:
    """The assignments of the round (default: the current one) with their ratings."""
    round_ = round_ or review_round(application=application)
    assignments = list(
        ReviewAssignment.objects.filter(application=application, round=round_)
        .select_related("reviewer")
        .prefetch_related("ratings__area")
        .order_by("created", "id")
    )
    return RoundStatus(
        application=application,
        round=round_,
        required=application.association.reviewers_per_portfolio,
        assignments=assignments,
    )


def rating_summary(assignment: ReviewAssignment) -> list[tuple[str, int]]:
    """How many areas the review rated at each rubric score, lowest score first: [(the
    score's label, count)], scores not given left out (uses ``ratings.all()``)."""
    counts = Counter(rating.score for rating in assignment.ratings.all())
    return [(label, counts[value]) for value, label in RubricScore.choices if counts[value]]


def earlier_rounds(*, application: Application, before: int) -> list[RoundStatus]:
    """The review rounds before round ``before``, newest first, each with its assignments
    (reviewer, recommendation, comments, submitted date) and each assignment's
    ``rating_summary``: two queries, none when there is no earlier round. Rounds without an
    assignment are left out."""
    if before <= 1:
        return []
    assignments = (
        ReviewAssignment.objects.filter(application=application, round__lt=before)
        .select_related("reviewer")
        .prefetch_related("ratings")
        .order_by("-round", "created", "id")
    )
    rounds: dict[int, list[ReviewAssignment]] = {}
    for assignment in assignments:
        assignment.rating_summary = rating_summary(assignment)
        rounds.setdefault(assignment.round, []).append(assignment)
    return [
        RoundStatus(
            application=application,
            round=round_,
            required=application.association.reviewers_per_portfolio,
            assignments=rows,
        )
        for round_, rows in rounds.items()
    ]


def reviews_visible_to(*, assignment: ReviewAssignment) -> list[ReviewAssignment]:
    """The other reviews of the round the reviewer may read: none until their own is
    submitted, then the others that are submitted (blind review).

    The ratings (with their areas) of those reviews and of the reviewer's own are read in one
    query: ``assignment.ratings.all()`` costs nothing more.
    """
    if assignment.submitted_at is None:
        return []
    others = list(
        ReviewAssignment.objects.filter(
            application_id=assignment.application_id,
            round=assignment.round,
            submitted_at__isnull=False,
        )
        .exclude(pk=assignment.pk)
        .select_related("reviewer")
        .order_by("created", "id")
    )
    prefetch_related_objects(
        [assignment, *others],
        Prefetch("ratings", queryset=AreaRating.objects.select_related("area")),
    )
    return others


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


# --- The reviewer's assignments --------------------------------------------------------------


def reviewer_assignments(*, reviewer: User, association: Association):
    """The reviewer's assignments in the association: open ones first, by due date."""
    return (
        ReviewAssignment.objects.filter(reviewer=reviewer, application__association=association)
        .select_related("application__applicant", "application__category")
        .order_by(F("submitted_at").asc(nulls_first=True), "due_on", "id")
    )
