"""The next step on the advisor's, reviewer's and exam grader's dashboards
(``accounts.dashboards.register_next_step``), from the rows each dashboard already read: no
query of its own. Registered from ``reviews.dashboards``."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.dashboards import NextStep
from endorsement.enums import CLOSED_STATES


def advisor_next_step(request, association, context) -> NextStep | None:
    """The open advisee with the most unresolved comment threads (the first open one when no
    thread is open)."""
    rows = [
        row["application"]
        for row in context.get("advisees", [])
        if row["application"].state not in CLOSED_STATES
    ]
    if not rows:
        return None
    application = max(rows, key=lambda a: (a.unresolved or 0, -rows.index(a)))
    name = application.applicant.get_full_name()
    count = application.unresolved or 0
    if count:
        text = ngettext(
            "%(count)d comment thread is not resolved yet.",
            "%(count)d comment threads are not resolved yet.",
            count,
        ) % {"count": count}
    else:
        text = _("No comment waits for an answer: read what changed since your last visit.")
    return NextStep(
        heading=_("Read the portfolio of %(name)s (%(code)s)")
        % {"name": name, "code": application.category.code},
        text=text,
        action_label=_("Open the portfolio of %(name)s") % {"name": name},
        action_url=reverse("portfolios:summary", kwargs={"application_id": application.pk}),
        kind="advisee",
    )


def reviewer_next_step(request, association, context) -> NextStep | None:
    """The open review due first (the assignments come ordered by due date)."""
    waiting = [a for a in context.get("assignments", []) if a.submitted_at is None]
    if not waiting:
        return None
    assignment = min(waiting, key=lambda a: (a.due_on, a.pk))
    application = assignment.application
    due = date_format(assignment.due_on, "DATE_FORMAT")
    if assignment.is_overdue:
        text = _("It was due on %(date)s.") % {"date": due}
    else:
        text = _("It is due on %(date)s.") % {"date": due}
    return NextStep(
        heading=_("Review the portfolio of %(name)s (%(code)s)")
        % {"name": application.applicant.get_full_name(), "code": application.category.code},
        text=text,
        action_label=_("Write the review"),
        action_url=reverse("reviews:review", kwargs={"assignment_id": assignment.pk}),
        kind="review",
    )


def exam_grader_next_step(request, association, context) -> NextStep | None:
    """The vignettes of the earliest sitting waiting for the grader's score; else the first
    Part 1 score to enter."""
    waiting = [
        score
        for score in context.get("exam_assignments", [])
        if score.submitted_at is None and not score.scoring_opens
    ]
    if waiting:
        score = min(waiting, key=lambda s: (s.registration.sitting.starts_at, s.pk))
        sitting = timezone.localtime(score.registration.sitting.starts_at)
        return NextStep(
            heading=_("Score the vignettes of %(name)s")
            % {"name": score.registration.application.applicant.get_full_name()},
            text=_("From the sitting of %(date)s.") % {"date": date_format(sitting, "DATE_FORMAT")},
            action_label=_("Score the vignettes"),
            action_url=reverse("reviews:exam.score", kwargs={"pk": score.pk}),
            kind="grading",
        )
    part1 = context.get("exam_part1_waiting") or []
    if part1:
        registration = part1[0]
        return NextStep(
            heading=_("Part 1 of %(name)s")
            % {"name": registration.application.applicant.get_full_name()},
            text=_("The Part 1 score is still to be entered."),
            action_label=_("Enter the Part 1 score"),
            action_url=reverse("reviews:exam.part1", kwargs={"pk": registration.pk}),
            kind="part1",
        )
    return None
