"""Reads of the review step: the reviewer pool, conflicts of interest, rounds, the reviews and
what each person may read of them (the writes are in ``reviews.services.reviewing``).

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
from dataclasses import dataclass

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
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import Association, User
from accounts.selectors import role_holders
from competencies.models import Competency, CompetencyArea, EndorsementCategory
from endorsement.enums import ApplicationState
from endorsement.models import Application, ApplicationEvent, Endorsement
from portfolios.enums import ReferenceStatus
from portfolios.models import Reference, ReferenceRating, RSCEntry, WorkExperience
from reviews.enums import Recommendation, RubricScore
from reviews.models import AreaRating, ConflictDeclaration, ReviewAssignment

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


# --- The reviewer's assignments --------------------------------------------------------------


def reviewer_assignments(*, reviewer: User, association: Association):
    """The reviewer's assignments in the association: open ones first, by due date."""
    return (
        ReviewAssignment.objects.filter(reviewer=reviewer, application__association=association)
        .select_related("application__applicant", "application__category")
        .order_by(F("submitted_at").asc(nulls_first=True), "due_on", "id")
    )


# --- The pages' lookups ----------------------------------------------------------------------


def submitted_applications(*, association: Association) -> QuerySet[Application]:
    """The association's portfolios waiting for reviewers, first submitted first."""
    return (
        Application.objects.filter(association=association, state=ApplicationState.SUBMITTED)
        .select_related("applicant", "category")
        .order_by("submitted_at", "id")
    )


def applications_chosen(*, association: Association, ids) -> list[Application]:
    """The association's applications among ``ids``, first submitted first (1 query)."""
    return list(
        Application.objects.filter(association=association, pk__in=ids)
        .select_related("applicant", "category")
        .order_by("submitted_at", "id")
    )


def reviewers_among(*, association: Association, ids) -> dict[int, User]:
    """{id: reviewer} of the association's pool among ``ids`` (1 query)."""
    return {user.pk: user for user in reviewer_pool(association=association).filter(pk__in=ids)}


def assignments_of(*, reviewer: User) -> QuerySet[ReviewAssignment]:
    """The reviewer's own assignments, each with its application and ``submissions`` (how many
    times the portfolio was submitted: the current round)."""
    return (
        ReviewAssignment.objects.select_related(
            "reviewer",
            "application__association",
            "application__applicant",
            "application__category__framework",
        )
        .annotate(submissions=submissions_subquery())
        .filter(reviewer=reviewer)
    )


def items_by_area(
    *, areas: list[CompetencyArea], category: EndorsementCategory
) -> dict[int, list[Competency]]:
    """{area id: the competency items of the area that apply to the category} (1 query)."""
    items = Competency.objects.filter(area__in=areas, categories=category).order_by("order", "id")
    by_area: dict[int, list[Competency]] = {area.pk: [] for area in areas}
    for item in items:
        by_area[item.area_id].append(item)
    return by_area


def completed_references(*, check) -> list[Reference]:
    """Every completed rating of the requirement check's references (also those the applicant
    waived the right to see), oldest first, with their ratings (1 query)."""
    references = sorted(
        (r for r in check.evidence["references"] if r.status == ReferenceStatus.COMPLETED),
        key=lambda r: (r.completed_at or r.created, r.pk),
    )
    prefetch_related_objects(
        references,
        Prefetch(
            "ratings",
            queryset=ReferenceRating.objects.select_related("competency__area").order_by(
                "competency__area__order", "competency__order", "competency_id"
            ),
        ),
    )
    return references


def area_rows(*, application: Application, status: RoundStatus) -> list[tuple]:
    """Once the round is complete, [(area, each review's rating of it or None, whether the
    ratings differ)] for the reviews side by side; empty before."""
    areas = review_areas(application=application) if status.complete else []
    rows = []
    for area in areas:
        scores = []
        for assignment in status.assignments:
            rating = next((r for r in assignment.ratings.all() if r.area_id == area.pk), None)
            scores.append(rating)
        values = {rating.score for rating in scores if rating is not None}
        rows.append((area, scores, len(values) > 1))
    return rows
