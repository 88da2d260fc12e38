"""Reads of applications: the coordinator's pipeline, the registrations waiting, the
applicant's applications with their progress, and the application a page is about.

``endorsement`` comes before ``reviews``: review assignments are read through the reverse
relation ``review_assignments`` (its model is taken from the relation, never imported), and what
later apps add to the applicant's rows comes through ``APPLICANT_ANNOTATIONS``.
"""

import datetime

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Association
from accounts.selectors import current_membership_exists
from competencies.enums import RequirementKind
from competencies.models import EndorsementCategory, Requirement
from endorsement.enums import CLOSED_STATES, ApplicationPurpose
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent, Endorsement

PAGE_SIZE = 50
ORDERING = ("state_changed", "id")
# The registrations the coordinator's dashboard lists, oldest first.
WAITING_REGISTRATIONS = 20
# The latest timeline entries the applicant's dashboard shows per application.
APPLICANT_TIMELINE_ENTRIES = 3

# What later apps add to each row of the applicant's dashboard, in the same query:
# {attribute name: function returning the annotation}, filled in their ``AppConfig.ready``
# (``reviews`` adds the count of comment threads not resolved).
APPLICANT_ANNOTATIONS: dict = {}


def register_applicant_annotation(name: str):
    def decorate(function):
        APPLICANT_ANNOTATIONS[name] = function
        return function

    return decorate


# The application a page is about


def application_with(*, select_related: tuple = ()) -> QuerySet[Application]:
    """Every application, with the relations a page shows (the view picks one by its id)."""
    return Application.objects.select_related(*select_related)


def endorsement_of(application: Application) -> Endorsement | None:
    """The application's endorsement, read from the loaded relation (None when there is none)."""
    try:
        return application.endorsement
    except Application.endorsement.RelatedObjectDoesNotExist:
        return None


def awarded_endorsement(*, application: Application) -> Endorsement | None:
    """The endorsement of an awarded application (None in any other state)."""
    if application.state != S.AWARDED:
        return None
    return Endorsement.objects.filter(application=application).first()


def latest_public_event(*, application: Application, to_state: str) -> ApplicationEvent | None:
    """The latest step into ``to_state`` whose note the applicant may read."""
    return (
        ApplicationEvent.objects.filter(
            application=application, to_state=to_state, note_is_public=True
        )
        .order_by("-at", "-id")
        .first()
    )


# The coordinator's pipeline


def association_categories(association: Association) -> list[tuple[str, str]]:
    """(code, "name (code)") of the association's categories, one per code across versions,
    the name in the active language."""
    seen: dict[str, str] = {}
    rows = (
        EndorsementCategory.objects.filter(framework__association=association)
        .order_by("code", "-framework__effective_from", "-id")
        .only("code", "name", "names")
    )
    for category in rows:
        seen.setdefault(category.code, f"{category.display_name} ({category.code})")
    return list(seen.items())


def _related_queryset(name: str) -> QuerySet:
    """All rows of the model behind Application's reverse relation ``name`` (a later app)."""
    return Application._meta.get_field(name).related_model._default_manager.all()


def pipeline_filter(*, association: Association, filters: dict) -> QuerySet:
    """The association's applications matching ``filters``, longest in their state first."""
    applications = Application.objects.filter(association=association)
    if search := filters.get("q", "").strip():
        applications = applications.filter(
            Q(applicant__full_name__icontains=search)
            | Q(applicant__email__icontains=search)
            | Q(endorsement__number__icontains=search)
        )
    if state := filters.get("state"):
        applications = applications.filter(state=state)
    if code := filters.get("category"):
        applications = applications.filter(category__code=code)
    if filters.get("needs_reviewers"):
        # Submitted, and nobody assigned since the (latest) submission.
        applications = applications.filter(state=S.SUBMITTED).exclude(
            review_assignments__created__gte=F("submitted_at")
        )
    if days := filters.get("overdue"):
        since = timezone.now() - datetime.timedelta(days=days)
        applications = applications.filter(state_changed__lt=since).exclude(state__in=CLOSED_STATES)
    return applications.order_by(*ORDERING)


def with_table_data(applications: QuerySet) -> QuerySet:
    """What a row shows: applicant, category, advisor, endorsement and review assignments."""
    assignments = _related_queryset("review_assignments").select_related("reviewer")
    return applications.select_related(
        "applicant", "category", "advisor", "endorsement"
    ).prefetch_related(
        Prefetch(
            "review_assignments",
            queryset=assignments.order_by("round", "id"),
            to_attr="all_review_assignments",
        )
    )


def pipeline_applications(*, association: Association, filters: dict) -> QuerySet:
    """The filtered applications with what the table shows."""
    return with_table_data(pipeline_filter(association=association, filters=filters))


def pipeline_page(*, association: Association, filters: dict, number) -> tuple:
    """(page, rows): the page of the filtered list, and its applications with the table's data.

    The page's ids are picked on the application table alone (a subquery), and only those 50
    rows are joined to their people, category and endorsement: with 10,000 applications the
    database does not join every row before sorting them.
    """
    ids = pipeline_filter(association=association, filters=filters).values_list("pk", flat=True)
    page = Paginator(ids, PAGE_SIZE).get_page(number)
    rows = with_table_data(Application.objects.filter(pk__in=page.object_list)).order_by(*ORDERING)
    return page, rows


def days_since(moment: datetime.datetime, now: datetime.datetime | None = None) -> int:
    return max(((now or timezone.now()) - moment).days, 0)


def current_reviewers(application: Application) -> list:
    """The reviewers of the latest review round (needs ``pipeline_applications``'s prefetch)."""
    assignments = getattr(application, "all_review_assignments", [])
    if not assignments:
        return []
    latest = max(a.round for a in assignments)
    return [a.reviewer for a in assignments if a.round == latest]


def annotate_rows(applications, now: datetime.datetime | None = None) -> list[Application]:
    """Add what the table shows to each application: days in state, reviewers, endorsement."""
    now = now or timezone.now()
    rows = list(applications)
    # One reverse() for the page, not one per row.
    detail_url = reverse("endorsement:detail", kwargs={"application_id": 987654321})
    for application in rows:
        application.detail_url = detail_url.replace("987654321", str(application.pk))
        application.days_in_state = days_since(application.state_changed, now)
        application.reviewers = current_reviewers(application)
        application.endorsement_row = endorsement_of(application)
    return rows


def state_summary(association: Association) -> list[dict]:
    """Every state with its count and the days the oldest application has been in it."""
    now = timezone.now()
    found = {
        row["state"]: row
        for row in Application.objects.filter(association=association)
        .values("state")
        .annotate(count=Count("id"), oldest=Min("state_changed"))
        .order_by()
    }
    summary = []
    for state, label in S.choices:
        row = found.get(state)
        summary.append(
            {
                "state": state,
                "label": label,
                "count": row["count"] if row else 0,
                "oldest_days": days_since(row["oldest"], now) if row else None,
            }
        )
    return summary


def registrations_waiting(*, association: Association) -> QuerySet[Application]:
    """The registrations the coordinator has to accept or return, oldest first, each with
    ``is_member``: whether the applicant is a member of the association today."""
    return (
        Application.objects.filter(association=association, state=S.REGISTERED)
        .select_related("applicant", "category")
        .annotate(
            is_member=current_membership_exists(user=OuterRef("applicant"), association=association)
        )
        .order_by("created")[:WAITING_REGISTRATIONS]
    )


def decisions_waiting(*, association: Association, limit: int = 50) -> list[Application]:
    """Applications the coordinator may award or reinstate now, longest waiting first (1
    query): approved in a category without an exam, exam passed, or a submitted
    reinstatement."""
    has_exam = Requirement.objects.filter(category=OuterRef("category"), kind=RequirementKind.EXAM)
    return list(
        Application.objects.filter(association=association)
        .alias(has_exam=Exists(has_exam))
        .filter(
            Q(state=S.APPROVED, has_exam=False)
            | Q(state=S.EXAM_PASSED)
            | Q(state=S.SUBMITTED, purpose=ApplicationPurpose.REINSTATEMENT)
        )
        .select_related("applicant", "category", "prior_endorsement")
        .order_by("state_changed", "id")[:limit]
    )


def awards_waiting(*, association: Association, limit: int = 50) -> list[Application]:
    """Applications the coordinator may award now, longest waiting first: approved in a
    category without an exam, or exam passed (1 query)."""
    return [
        application
        for application in decisions_waiting(association=association, limit=limit)
        if application.state != S.SUBMITTED
    ]


def reinstatements_waiting(*, association: Association, limit: int = 50) -> list[Application]:
    """Submitted reinstatements the coordinator approves, longest waiting first (1 query)."""
    return [
        application
        for application in decisions_waiting(association=association, limit=limit)
        if application.state == S.SUBMITTED
    ]


# The applicant's applications and their progress


def applicant_has_applications(*, user) -> bool:
    return Application.objects.filter(applicant=user).exists()


def _public_reason(state):
    """The note of the latest step into ``state``, if the coordinator made it public."""
    public_note = Case(
        When(note_is_public=True, then="note"), default=Value(""), output_field=TextField()
    )
    return Subquery(
        ApplicationEvent.objects.filter(application=OuterRef("pk"), to_state=state)
        .order_by("-at", "-id")
        .annotate(public_note=public_note)
        .values("public_note")[:1]
    )


def applicant_applications(*, user) -> list[Application]:
    """The person's applications, newest first, each with its public reasons (returned,
    deferred, denied), whether its category has an exam, its latest timeline entries, its
    endorsement, its progress ``steps`` and what later apps annotate (two queries)."""
    latest_events = ApplicationEvent.objects.order_by("-at", "-id")
    applications = list(
        Application.objects.filter(applicant=user)
        .select_related("association", "category", "category__framework", "advisor")
        .select_related("endorsement")
        .annotate(
            return_reason=_public_reason(S.RETURNED),
            deferral_reason=_public_reason(S.DEFERRED),
            denial_reason=_public_reason(S.DENIED),
            category_has_exam=Exists(
                Requirement.objects.filter(category=OuterRef("category"), kind=RequirementKind.EXAM)
            ),
            **{name: make() for name, make in APPLICANT_ANNOTATIONS.items()},
        )
        .prefetch_related(
            Prefetch(
                "events",
                queryset=latest_events[:APPLICANT_TIMELINE_ENTRIES],
                to_attr="latest_events",
            )
        )
        .order_by("-created")
    )
    for application in applications:
        last_from = application.latest_events[0].from_state if application.latest_events else ""
        application.steps = progress_steps(
            application, has_exam=application.category_has_exam, last_from_state=last_from
        )
        application.endorsement_row = endorsement_of(application)
    return applications


STEPS = [
    ("registered", gettext_lazy("Registered")),
    ("accepted", gettext_lazy("Accepted")),
    ("submitted", gettext_lazy("Portfolio submitted")),
    ("in_review", gettext_lazy("In review")),
    ("approved", gettext_lazy("Approved")),
    ("exam", gettext_lazy("Exam")),
    ("awarded", gettext_lazy("Awarded")),
]
AMEND = gettext_lazy("Amend and resubmit")
STEP_OF_STATE = {
    S.REGISTERED: "registered",
    S.RETURNED: "registered",
    S.ACCEPTED: "accepted",
    S.SUBMITTED: "submitted",
    S.IN_REVIEW: "in_review",
    S.DEFERRED: "in_review",
    S.APPROVED: "approved",
    S.EXAM: "exam",
    S.EXAM_PASSED: "exam",
    S.EXAM_FAILED: "exam",
    S.AWARDED: "awarded",
}


def _step_reached(application: Application, last_from_state: str = "") -> str:
    """The step the application is at; on hold, withdrawn or denied: where it stopped."""
    state = application.state
    if state in (S.WITHDRAWN, S.DENIED):
        state = last_from_state or S.REGISTERED
    if state == S.ON_HOLD:
        state = application.state_before_hold or S.ACCEPTED
    return STEP_OF_STATE.get(state, "registered")


def progress_steps(
    application: Application, *, has_exam: bool, last_from_state: str = ""
) -> list[dict]:
    """The steps from registration to the award (the exam only where the category has one),
    each "done", "current" or "upcoming"."""
    steps = [(key, label) for key, label in STEPS if key != "exam" or has_exam]
    state = application.state_before_hold if application.state == S.ON_HOLD else application.state
    if state == S.DEFERRED:
        # Back with the applicant: the review's step says what they must do.
        steps = [(key, AMEND if key == "in_review" else label) for key, label in steps]
    reached = _step_reached(application, last_from_state)
    if reached == "exam" and not has_exam:
        reached = "approved"
    keys = [key for key, _label in steps]
    index = keys.index(reached)
    return [
        {
            "key": key,
            "label": label,
            "status": "done" if i < index else "current" if i == index else "upcoming",
        }
        for i, (key, label) in enumerate(steps)
    ]
