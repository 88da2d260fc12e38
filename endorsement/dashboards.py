"""What ``endorsement`` shows on the dashboards of ``accounts`` (registered from
``EndorsementConfig.ready``): the coordinator's pipeline and the registrations waiting, and the
applicant's applications with their progress.

The coordinator's dashboard shows every application of the association: counts by state with
the oldest days in state (and a funnel of CSS bars beside them), a filtered, searchable,
paginated table (50 a page) with a bulk "assign reviewers" form posting to
``reviews:assign.bulk``, and the same list as CSV (``endorsement.views.PipelineCsvView``).
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts import dashboards, ui
from accounts.enums import Role
from accounts.models import Association
from accounts.selectors import role_holders
from accounts.ui import register_status_families
from endorsement.enums import ApplicationState as S
from endorsement.forms import PipelineFilterForm
from endorsement.next_steps import applicant_next_step
from endorsement.selectors import (
    annotate_rows,
    applicant_applications,
    applicant_has_applications,
    association_categories,
    decisions_waiting,
    pipeline_page,
    registrations_waiting,
    state_summary,
)


def bulk_assign_url(association: Association) -> str:
    """Where the bulk "assign reviewers" form posts; "" while ``reviews`` has no such page."""
    try:
        return reverse("reviews:assign.bulk", kwargs={"slug": association.slug})
    except NoReverseMatch:
        return ""


def funnel_widths(summary: list[dict]) -> list[dict]:
    """Give each row of ``state_summary`` the width of its bar in the funnel chart (``bar``, a
    percentage in steps of 5 for the ``progress-w-*`` classes): the largest count fills the
    track, any other count at least 5 %, none 0 %. No query: the counts are already read."""
    largest = max((row["count"] for row in summary), default=0)
    for row in summary:
        count = row["count"]
        row["bar"] = max(5, round(count * 20 / largest) * 5) if count else 0
    return summary


@dashboards.register(Role.COORDINATOR)
def coordinator_pipeline(request, association) -> dict:
    categories = association_categories(association)
    form = PipelineFilterForm(request.GET or None, categories=categories)
    filters = form.filters() if request.GET else {}
    page, rows = pipeline_page(
        association=association, filters=filters, number=request.GET.get("page")
    )
    summary = funnel_widths(state_summary(association))
    assign_url = bulk_assign_url(association)
    reviewers = []
    if assign_url:
        reviewers = list(role_holders(association=association, role=Role.REVIEWER))
    query = request.GET.copy()
    query.pop("page", None)
    csv_url = reverse("endorsement:pipeline.csv", kwargs={"slug": association.slug})
    return {
        # (state, label, count) per state, as the dashboard always had them.
        "pipeline": [(row["state"], row["label"], row["count"]) for row in summary],
        "state_summary": summary,
        "filter_form": form,
        "filtered": bool(filters),
        "page_obj": page,
        "rows": annotate_rows(rows),
        "bulk_assign_url": assign_url,
        "reviewer_choices": reviewers,
        "csv_url": f"{csv_url}?{query.urlencode()}" if query else csv_url,
    }


@dashboards.register(Role.COORDINATOR)
def coordinator_registrations(request, association) -> dict:
    return {"waiting": registrations_waiting(association=association)}


@dashboards.register_tasks(Role.COORDINATOR)
def coordinator_tasks(request, association, context) -> list[dashboards.Task]:
    """Registrations to accept or return (the list the dashboard shows, no query of its own)
    and applications to award or reinstatements to approve (1 query)."""
    rows = [
        dashboards.Task(
            kind="registration",
            label=_("Accept or return the registration of %(name)s (%(code)s)")
            % {"name": application.applicant.get_full_name(), "code": application.category.code},
            url=f"#registration-{application.pk}",
            priority=10,
            since=application.created,
        )
        for application in context.get("waiting", [])
    ]
    for application in decisions_waiting(association=association):
        if application.is_reinstatement:
            # A submitted reinstatement: the coordinator approves it on the application page.
            task = dashboards.Task(
                kind="reinstatement",
                label=_("Approve the reinstatement of %(name)s (%(number)s)")
                % {
                    "name": application.applicant.get_full_name(),
                    "number": application.prior_endorsement.number,
                },
                url=reverse("endorsement:detail", kwargs={"application_id": application.pk}),
                priority=41,
                since=application.state_changed,
            )
        else:
            task = dashboards.Task(
                kind="award",
                label=_("Award the endorsement to %(name)s (%(code)s)")
                % {
                    "name": application.applicant.get_full_name(),
                    "code": application.category.code,
                },
                url=reverse("endorsement:award", kwargs={"application_id": application.pk}),
                priority=40,
                since=application.state_changed,
            )
        rows.append(task)
    return rows


@dashboards.register(dashboards.APPLICANT)
def applicant_progress(request, association) -> dict:
    """The person's applications: where each is, what happens next, the latest steps."""
    return {"applications": applicant_applications(user=request.user)}


@dashboards.register_check(dashboards.APPLICANT)
def applicant_has_any(user) -> bool:
    return applicant_has_applications(user=user)


dashboards.register_next_step(dashboards.APPLICANT)(applicant_next_step)

register_status_families(
    {
        S.RETURNED: ui.ACTION,
        S.DEFERRED: ui.ACTION,
        S.ON_HOLD: ui.ACTION,
        S.EXAM_FAILED: ui.ACTION,
        S.REGISTERED: ui.PROGRESS,
        S.ACCEPTED: ui.PROGRESS,
        S.SUBMITTED: ui.PROGRESS,
        S.IN_REVIEW: ui.PROGRESS,
        S.APPROVED: ui.PROGRESS,
        S.EXAM: ui.PROGRESS,
        S.EXAM_PASSED: ui.PROGRESS,
        S.AWARDED: ui.SUCCESS,
        S.DENIED: ui.STOPPED,
        S.WITHDRAWN: ui.CLOSED,
    },
    labels=dict(S.choices),
)
