"""What waits for the coordinator in the review and exam steps, for the "needs you now" list of
their dashboard (``reviews.dashboards``): reviews all in and waiting for a decision (whether
the reviewers agree), overdue reviews, overdue Part 2 gradings and Part 1 scores to enter.

Every kind is one branch of a single UNION query, so the list costs one query whatever the
data: each branch yields the same columns (``TaskRow``).
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.models import Association
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from reviews.enums import ExamResult
from reviews.models import ReviewAssignment, VignetteScore
from reviews.selectors.exams import local_date, part1_waiting
from reviews.selectors.reviewing import submissions_subquery

# A Part 2 vignette is to be graded within this many days of the sitting.
GRADING_DUE_DAYS = 14
# At most this many rows of all kinds together.
TASK_LIMIT = 200

DECISION = "decision"
OVERDUE_REVIEW = "overdue_review"
OVERDUE_GRADING = "overdue_grading"
PART1 = "part1"


@dataclass(frozen=True)
class TaskRow:
    kind: str
    object_id: int  # the application (decision), assignment, vignette score or registration
    application_id: int
    applicant: str
    code: str
    person: str  # the reviewer or grader ("" for the others)
    due_on: datetime.date | None  # the review's due date
    at: datetime.datetime | None  # since when: in review since, the sitting's start
    opinions: int  # how many different recommendations (decisions), else 0
    overdue_days: int | None = None


def _columns(qs, *, kind, object_id, application, applicant, code, person, due_on, at, opinions):
    return qs.order_by().annotate(
        t_kind=Value(kind, output_field=CharField()),
        t_object=F(object_id),
        t_application=F(application),
        t_applicant=F(applicant),
        t_code=F(code),
        t_person=F(person) if person else Value("", output_field=CharField()),
        t_due=F(due_on) if due_on else Value(None, output_field=DateField()),
        t_at=F(at) if at else Value(None, output_field=DateTimeField()),
        t_opinions=opinions,
    )


COLUMNS = (
    "t_kind",
    "t_object",
    "t_application",
    "t_applicant",
    "t_code",
    "t_person",
    "t_due",
    "t_at",
    "t_opinions",
)


def _decisions(association: Association):
    """Applications in review whose current round has every review in."""
    of_round = ReviewAssignment.objects.filter(
        application=OuterRef("pk"), round=OuterRef("t_round")
    ).order_by()

    def counted(expression):
        return Coalesce(
            Subquery(of_round.values("application").annotate(n=expression).values("n")[:1]),
            0,
        )

    applications = (
        Application.objects.filter(association=association, state=S.IN_REVIEW)
        .annotate(t_round=Greatest(submissions_subquery("pk"), Value(1)))
        .annotate(
            t_assigned=counted(Count("id")),
            t_pending=Exists(of_round.filter(submitted_at__isnull=True)),
        )
        .filter(t_assigned__gte=association.reviewers_per_portfolio, t_pending=False)
    )
    return _columns(
        applications,
        kind=DECISION,
        object_id="pk",
        application="pk",
        applicant="applicant__full_name",
        code="category__code",
        person="",
        due_on="",
        at="state_changed",
        opinions=counted(Count("recommendation", distinct=True)),
    )


def _overdue_reviews(association: Association, today: datetime.date):
    assignments = ReviewAssignment.objects.filter(
        application__association=association,
        application__state=S.IN_REVIEW,
        submitted_at__isnull=True,
        due_on__lt=today,
    )
    return _columns(
        assignments,
        kind=OVERDUE_REVIEW,
        object_id="pk",
        application="application_id",
        applicant="application__applicant__full_name",
        code="application__category__code",
        person="reviewer__full_name",
        due_on="due_on",
        at="",
        opinions=Value(0, output_field=IntegerField()),
    )


def _overdue_gradings(association: Association):
    scores = VignetteScore.objects.filter(
        registration__sitting__association=association,
        registration__result=ExamResult.PENDING,
        submitted_at__isnull=True,
        registration__sitting__starts_at__lte=timezone.now()
        - datetime.timedelta(days=GRADING_DUE_DAYS),
    )
    return _columns(
        scores,
        kind=OVERDUE_GRADING,
        object_id="registration_id",
        application="registration__application_id",
        applicant="registration__application__applicant__full_name",
        code="registration__application__category__code",
        person="grader__full_name",
        due_on="",
        at="registration__sitting__starts_at",
        opinions=Value(0, output_field=IntegerField()),
    )


def _part1(association: Association):
    return _columns(
        part1_waiting(association).select_related(None),
        kind=PART1,
        object_id="pk",
        application="application_id",
        applicant="application__applicant__full_name",
        code="application__category__code",
        person="",
        due_on="",
        at="sitting__starts_at",
        opinions=Value(0, output_field=IntegerField()),
    )


def coordinator_review_tasks(*, association: Association) -> list[TaskRow]:
    """What the review and exam steps wait for from the coordinator (1 query): decisions,
    overdue reviews and gradings (with the days overdue, in the association's time zone), Part
    1 scores to enter."""
    today = association.today()
    branches = [
        _decisions(association),
        _overdue_reviews(association, today),
        _overdue_gradings(association),
        _part1(association),
    ]
    query = (
        branches[0]
        .values(*COLUMNS)
        .union(*(branch.values(*COLUMNS) for branch in branches[1:]), all=True)
    )
    rows = []
    for values in query[:TASK_LIMIT]:
        row = TaskRow(*(values[column] for column in COLUMNS))
        overdue = None
        if row.kind == OVERDUE_REVIEW:
            overdue = (today - row.due_on).days
        elif row.kind == OVERDUE_GRADING:
            due = local_date(row.at, association) + datetime.timedelta(days=GRADING_DUE_DAYS)
            overdue = (today - due).days
            if overdue <= 0:
                continue
        rows.append(
            TaskRow(**{**row.__dict__, "overdue_days": overdue}) if overdue is not None else row
        )
    return rows
