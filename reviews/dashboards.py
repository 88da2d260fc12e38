"""What the reviews app adds to the role dashboards (``accounts.dashboards``): the advisor's
advisees, the applicants waiting for an advisor, the reviewer's assignments and declarations,
the exam grader's vignettes; and to each application on the applicant's dashboard
(``endorsement.selectors``, in the applications' own query): its unresolved comments.
Registered when the app loads (``ReviewsConfig.ready``)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import dashboards
from accounts.enums import Role
from endorsement.selectors import register_applicant_annotation
from reviews.next_steps import advisor_next_step, exam_grader_next_step, reviewer_next_step
from reviews.selectors import advising, exams, tasks
from reviews.selectors.reviewing import reviewer_assignments, reviewer_declarations


@dashboards.register(Role.ADVISOR)
def advisor_dashboard(request, association) -> dict:
    """The advisor's advisees in the association: state, unresolved comments, sign-off."""
    rows = [
        {
            "application": application,
            "signed_off": advising.signoff_given(application),
            "signoff_required": association.advisor_signoff_required,
        }
        for application in advising.advisees(advisor=request.user, association=association)
    ]
    return {"advisees": rows}


@dashboards.register(Role.COORDINATOR)
def coordinator_advisor_requests(request, association) -> dict:
    """Applicants who asked for an advisor and have none yet."""
    return {"advisor_requests": advising.advisor_requests(association=association)}


def _task(row: tasks.TaskRow) -> dashboards.Task:
    names = {"name": row.applicant, "code": row.code, "person": row.person}
    if row.kind == tasks.DECISION:
        if row.opinions > 1:
            label = _("Decide on %(name)s (%(code)s): the reviewers disagree") % names
        else:
            label = _("Decide on %(name)s (%(code)s): the reviewers agree") % names
        url = reverse("reviews:review.decide", kwargs={"application_id": row.application_id})
        return dashboards.Task(kind=row.kind, label=label, url=url, priority=30, since=row.at)
    if row.kind == tasks.OVERDUE_REVIEW:
        label = _("Review of %(name)s (%(code)s) by %(person)s") % names
        url = reverse("reviews:review.decide", kwargs={"application_id": row.application_id})
        priority = 50
    elif row.kind == tasks.OVERDUE_GRADING:
        label = _("Part 2 grading of %(name)s (%(code)s) by %(person)s") % names
        url = reverse("reviews:exam.graders", kwargs={"pk": row.object_id})
        priority = 60
    else:
        label = _("Enter the Part 1 score of %(name)s (%(code)s)") % names
        url = reverse("reviews:exam.part1", kwargs={"pk": row.object_id})
        return dashboards.Task(kind=row.kind, label=label, url=url, priority=70, since=row.at)
    return dashboards.Task(
        kind=row.kind, label=label, url=url, priority=priority, overdue_days=row.overdue_days
    )


@dashboards.register_tasks(Role.COORDINATOR)
def coordinator_tasks(request, association, context) -> list[dashboards.Task]:
    """Advisor requests (the list the dashboard shows, no query of its own); decisions,
    overdue reviews and gradings, Part 1 scores (1 query)."""
    rows = [
        dashboards.Task(
            kind="advisor_request",
            label=_("Assign an advisor to %(name)s (%(code)s)")
            % {"name": application.applicant.get_full_name(), "code": application.category.code},
            url=reverse("reviews:advisor.assign", kwargs={"application_id": application.pk}),
            priority=20,
            since=application.advisor_requested_at,
        )
        for application in context.get("advisor_requests", [])
    ]
    rows += [_task(row) for row in tasks.coordinator_review_tasks(association=association)]
    return rows


@dashboards.register(Role.EXAM_GRADER)
def exam_grader_dashboard(request, association) -> dict:
    """The grader's vignettes in the association, with the sitting date, scored or not; those
    of sittings still to come are shown with the moment scoring opens, not counted as waiting."""
    assignments = list(exams.grader_assignments(grader=request.user, association=association))
    for row in assignments:
        row.scoring_opens = exams.scoring_wait(row.registration.sitting)
    return {
        "exam_assignments": assignments,
        "exam_to_score": sum(
            1 for row in assignments if row.submitted_at is None and not row.scoring_opens
        ),
        "exam_part1_waiting": list(exams.part1_waiting(association)[:50]),
    }


@dashboards.register(Role.REVIEWER)
def reviewer_dashboard(request, association) -> dict:
    today = association.today()
    assignments = list(reviewer_assignments(reviewer=request.user, association=association))
    for assignment in assignments:
        assignment.is_overdue = assignment.submitted_at is None and assignment.due_on < today
    return {
        "assignments": assignments,
        "open_count": sum(1 for a in assignments if a.submitted_at is None),
        "declarations": list(reviewer_declarations(reviewer=request.user, association=association)),
    }


@dashboards.register(dashboards.APPLICANT)
def applicant_retakes(request, association) -> dict:
    """For each failed application (by id): when a retake becomes possible, or that every
    attempt is used (``exams.retakes_of_applicant``: one query)."""
    return {
        "exam_retakes": {
            application_id: exams.retake_text(status)
            for application_id, status in exams.retakes_of_applicant(request.user).items()
        }
    }


@register_applicant_annotation("unresolved_comments")
def unresolved_comments() -> Count:
    """Threads (first comments) not yet resolved; ``comments`` is reviews.Comment."""
    return Count(
        "comments",
        filter=Q(comments__parent__isnull=True, comments__resolved_at__isnull=True),
    )


dashboards.register_next_step(Role.ADVISOR)(advisor_next_step)
dashboards.register_next_step(Role.REVIEWER)(reviewer_next_step)
dashboards.register_next_step(Role.EXAM_GRADER)(exam_grader_next_step)
