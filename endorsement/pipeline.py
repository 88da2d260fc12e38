"""The coordinator's pipeline and the applicant's progress (issue 4).

The coordinator's dashboard shows every application of the association: counts by state with
the oldest days in state, a filtered, searchable, paginated table (50 a page) with a bulk
"assign reviewers" form posting to ``reviews:assign.bulk``, and the same list as CSV.
The applicant's dashboard shows where each application is (``progress_steps``).

``endorsement`` comes before ``reviews``: review assignments are read through the reverse
relation ``review_assignments`` (its model is taken from the relation, never imported).
"""

import csv
import datetime
import zoneinfo

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.http import StreamingHttpResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts import dashboards
from accounts.enums import Role
from accounts.models import Association
from accounts.permissions import AssociationRoleRequiredMixin
from accounts.selectors import role_holders
from competencies.models import EndorsementCategory
from endorsement.enums import CLOSED_STATES
from endorsement.enums import ApplicationState as S
from endorsement.models import Application

PAGE_SIZE = 50
# The CSV export reads the applications in chunks of this many (a few queries per chunk).
CSV_CHUNK = 2000


class PipelineFilterForm(forms.Form):
    """The table's filters, read from the query string (invalid values are ignored)."""

    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Name, e-mail address or endorsement number."),
    )
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    needs_reviewers = forms.BooleanField(
        label=gettext_lazy("Submitted, no reviewers yet"), required=False
    )
    overdue = forms.IntegerField(
        label=gettext_lazy("In the same state for more than (days)"),
        required=False,
        min_value=1,
        max_value=10000,
        help_text=gettext_lazy("Open applications only."),
    )

    def __init__(self, data, *, categories: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["state"].choices = [("", _("Any state")), *S.choices]
        self.fields["category"].choices = [("", _("Any category")), *categories]

    def filters(self) -> dict:
        """The valid filters given; a value that does not fit is left out."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {key: value for key, value in cleaned.items() if value not in ("", None, False)}


def association_categories(association: Association) -> list[tuple[str, str]]:
    """(code, "name (code)") of the association's categories, one per code across versions."""
    seen: dict[str, str] = {}
    rows = (
        EndorsementCategory.objects.filter(framework__association=association)
        .order_by("code", "-framework__effective_from", "-id")
        .values_list("code", "name")
    )
    for code, name in rows:
        seen.setdefault(code, f"{name} ({code})")
    return list(seen.items())


def _related_queryset(name: str) -> QuerySet:
    """All rows of the model behind Application's reverse relation ``name`` (a later app)."""
    return Application._meta.get_field(name).related_model._default_manager.all()


ORDERING = ("state_changed", "id")


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


def endorsement_of(application: Application):
    try:
        return application.endorsement
    except Application.endorsement.RelatedObjectDoesNotExist:
        return None


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


def bulk_assign_url(association: Association) -> str:
    """Where the bulk "assign reviewers" form posts; "" while ``reviews`` has no such page."""
    try:
        return reverse("reviews:assign.bulk", kwargs={"slug": association.slug})
    except NoReverseMatch:
        return ""


@dashboards.register(Role.COORDINATOR)
def coordinator_pipeline(request, association) -> dict:
    categories = association_categories(association)
    form = PipelineFilterForm(request.GET or None, categories=categories)
    filters = form.filters() if request.GET else {}
    page, rows = pipeline_page(
        association=association, filters=filters, number=request.GET.get("page")
    )
    summary = state_summary(association)
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


# CSV export

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def pipeline_csv_header() -> list[str]:
    return [
        _("Applicant"),
        _("E-mail"),
        _("Category"),
        _("State"),
        _("In this state since"),
        _("Days in state"),
        _("Advisor"),
        _("Reviewers"),
        _("Endorsement number"),
    ]


def pipeline_csv_row(application: Application, association: Association, now) -> list[str]:
    zone = zoneinfo.ZoneInfo(association.time_zone)
    endorsement = endorsement_of(application)
    cells = [
        application.applicant.get_full_name(),
        application.applicant.email,
        application.category.code,
        application.get_state_display(),
        timezone.localtime(application.state_changed, zone).date().isoformat(),
        str(days_since(application.state_changed, now)),
        application.advisor.get_full_name() if application.advisor else "",
        "; ".join(reviewer.get_full_name() for reviewer in current_reviewers(application)),
        endorsement.number if endorsement else "",
    ]
    return [csv_safe(cell) for cell in cells]


class PipelineCsvView(AssociationRoleRequiredMixin, View):
    """The filtered pipeline, every row, as CSV; for the association's coordinators only."""

    http_method_names = ["get"]

    def get(self, request, slug):
        association = self.association
        form = PipelineFilterForm(request.GET, categories=association_categories(association))
        applications = pipeline_applications(association=association, filters=form.filters())
        now = timezone.now()
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff" + writer.writerow(pipeline_csv_header())
            for application in applications.iterator(chunk_size=CSV_CHUNK):
                yield writer.writerow(pipeline_csv_row(application, association, now))

        filename = f"pipeline-{association.slug}-{association.today().isoformat()}.csv"
        return StreamingHttpResponse(
            lines(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


urlpatterns = [
    path("a/<slug:slug>/pipeline.csv", PipelineCsvView.as_view(), name="pipeline.csv"),
]


# The applicant's progress

STEPS = [
    ("registered", gettext_lazy("Registered")),
    ("accepted", gettext_lazy("Accepted")),
    ("submitted", gettext_lazy("Portfolio submitted")),
    ("in_review", gettext_lazy("In review")),
    ("approved", gettext_lazy("Approved")),
    ("exam", gettext_lazy("Exam")),
    ("awarded", gettext_lazy("Awarded")),
]
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
