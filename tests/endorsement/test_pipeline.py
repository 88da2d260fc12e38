"""The coordinator's pipeline on the dashboard: counts, days in state, filters, search,
pagination, the bulk assignment form and the CSV export."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from endorsement.dashboards import funnel_widths
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, Endorsement
from endorsement.selectors import progress_steps
from endorsement.views import csv_safe
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    ReviewAssignmentFactory,
    RoleGrantFactory,
    UserFactory,
)

DASHBOARD = "/a/northfield/dashboard/coordinator/"
CSV_URL = "/coordinator/a/northfield/pipeline.csv"


@pytest.fixture
def ifs(association):
    return EndorsementCategoryFactory(
        framework__association=association, code="IFS", name="Infant Family Specialist"
    )


@pytest.fixture
def imhs(ifs):
    return EndorsementCategoryFactory(
        framework=ifs.framework, code="IMHS", name="Infant Mental Health Specialist"
    )


@pytest.fixture
def elsewhere(other_association):
    return EndorsementCategoryFactory(framework__association=other_association, code="IFS")


@pytest.fixture
def coordinator(make_staff, association):
    return make_staff(Role.COORDINATOR, association, user__email="casey@example.org")


def make(category, state=S.REGISTERED, *, days=0, name="", email="", **kwargs):
    """An application in ``state`` for ``days`` days (and an hour, off the day boundary)."""
    applicant = {}
    if name:
        applicant["applicant__full_name"] = name
    if email:
        applicant["applicant__email"] = email
    application = ApplicationFactory(category=category, state=state, **applicant, **kwargs)
    since = timezone.now() - datetime.timedelta(days=days, hours=1)
    Application.objects.filter(pk=application.pk).update(state_changed=since)
    application.refresh_from_db()
    return application


def award(application, number):
    return Endorsement.objects.create(
        association=application.association,
        application=application,
        holder=application.applicant,
        category=application.category,
        number=number,
        awarded_on=datetime.date(2026, 3, 2),
        valid_through=datetime.date(2026, 12, 31),
    )


def names(response) -> list[str]:
    return [a.applicant.get_full_name() for a in response.context["rows"]]


# Counts and days in state


def test_the_funnel_draws_the_counts_as_bars_linking_to_the_filtered_list(client, coordinator, ifs):
    for _ in range(4):
        make(ifs, S.SUBMITTED)
    make(ifs, S.REGISTERED)
    make(ifs, S.REGISTERED)
    make(ifs, S.AWARDED)
    client.force_login(coordinator)
    response = client.get(DASHBOARD)
    bars = {row["state"]: row["bar"] for row in response.context["state_summary"]}
    # The largest count fills the track; the others in proportion, in steps of 5 %.
    assert (bars[S.SUBMITTED], bars[S.REGISTERED], bars[S.AWARDED], bars[S.IN_REVIEW]) == (
        100,
        50,
        25,
        0,
    )
    html = response.content.decode()
    assert '<ul class="list-unstyled funnel mb-0" id="state-funnel" aria-hidden="true">' in html
    assert (
        '<li class="funnel-row" id="funnel-registered"><a class="funnel-link" '
        'href="?state=registered#applications-heading" tabindex="-1"><span class="funnel-label">'
        '<span>Registered</span> <span class="funnel-count">2</span></span>'
        '<span class="funnel-track"><span class="funnel-bar progress-w-50"></span></span></a></li>'
    ) in html
    # A state without applications has a label, a count and an empty bar, but no link.
    assert (
        '<li class="funnel-row" id="funnel-in_review"><span class="funnel-link">'
        '<span class="funnel-label"><span>In review</span> <span class="funnel-count">0</span>'
        '</span><span class="funnel-track"><span class="funnel-bar progress-w-0"></span></span>'
        "</span></li>"
    ) in html
    assert html.count('class="funnel-row"') == len(S.values)


@pytest.mark.parametrize(
    ("counts", "bars"),
    [
        ([0, 0], [0, 0]),
        ([1, 0], [100, 0]),
        ([1, 1000], [5, 100]),  # a small count stays visible
        ([3, 7], [45, 100]),
        ([7, 7], [100, 100]),
    ],
)
def test_funnel_widths(counts, bars):
    summary = [{"state": str(index), "count": count} for index, count in enumerate(counts)]
    assert [row["bar"] for row in funnel_widths(summary)] == bars


def test_counts_by_state_with_the_oldest_days(client, coordinator, ifs, imhs, elsewhere):
    make(ifs, S.REGISTERED, days=2)
    make(imhs, S.REGISTERED, days=9)
    make(ifs, S.SUBMITTED, days=30)
    make(ifs, S.AWARDED, days=400)
    make(elsewhere, S.SUBMITTED, days=90)  # another association: not counted
    client.force_login(coordinator)
    response = client.get(DASHBOARD)
    summary = {
        row["state"]: (row["count"], row["oldest_days"])
        for row in response.context["state_summary"]
    }
    assert [row["state"] for row in response.context["state_summary"]] == S.values
    assert summary[S.REGISTERED] == (2, 9)
    assert summary[S.SUBMITTED] == (1, 30)
    assert summary[S.AWARDED] == (1, 400)
    assert summary[S.IN_REVIEW] == (0, None)
    html = response.content.decode()
    assert (
        '<tr id="state-submitted"><td><a href="?state=submitted#applications-heading">Submitted'
        '</a></td><td class="text-end">1</td><td class="text-end">30</td></tr>'
    ) in html
    assert (
        '<tr id="state-in_review"><td>In review</td><td class="text-end">0</td>'
        '<td class="text-end">—</td></tr>'
    ) in html
    # Staff read short plain labels, not the applicant's sentences.
    assert [row["label"] for row in response.context["state_summary"]] == [
        "Registered",
        "Registration returned",
        "Building the portfolio",
        "Submitted",
        "In review",
        "Amending after review",
        "On hold",
        "Approved",
        "Registered for the exam",
        "Exam passed",
        "Exam failed",
        "Awarded",
        "Withdrawn",
        "Denied",
    ]


def test_table_lists_the_association_only_longest_in_state_first(
    client, coordinator, ifs, elsewhere
):
    advisor = UserFactory(full_name="Avery Advisor")
    make(ifs, S.ACCEPTED, days=3, name="Bea Brown", advisor=advisor)
    make(ifs, S.REGISTERED, days=12, name="Ana Alba", email="ana@example.org")
    make(elsewhere, S.REGISTERED, days=50, name="Lee Elsewhere")
    client.force_login(coordinator)
    response = client.get(DASHBOARD)
    assert names(response) == ["Ana Alba", "Bea Brown"]
    assert [a.days_in_state for a in response.context["rows"]] == [12, 3]
    html = response.content.decode()
    assert "Lee Elsewhere" not in html
    ana = response.context["rows"][0]
    assert f'<a href="/coordinator/applications/{ana.pk}/">Ana Alba</a>' in html
    assert '<td data-label="E-mail">ana@example.org</td>' in html
    assert (
        '<td data-label="Category"><abbr title="Infant Family Specialist">IFS</abbr></td>' in html
    )
    assert '<td data-label="Advisor">Avery Advisor</td>' in html


def test_reviewers_of_the_current_round_and_the_endorsement_number(client, coordinator, ifs):
    in_review = make(ifs, S.IN_REVIEW, name="Rae Review")
    ReviewAssignmentFactory(application=in_review, reviewer__full_name="Old Reviewer", round=1)
    ReviewAssignmentFactory(application=in_review, reviewer__full_name="Nia Now", round=2)
    ReviewAssignmentFactory(application=in_review, reviewer__full_name="Ola Now", round=2)
    awarded = make(ifs, S.AWARDED, name="Wyn Winner")
    award(awarded, "NF-IFS-2026-0007")
    client.force_login(coordinator)
    response = client.get(DASHBOARD)
    rows = {a.pk: a for a in response.context["rows"]}
    assert [r.get_full_name() for r in rows[in_review.pk].reviewers] == ["Nia Now", "Ola Now"]
    assert rows[awarded.pk].reviewers == []
    assert rows[awarded.pk].endorsement_row.number == "NF-IFS-2026-0007"
    html = response.content.decode()
    assert '<td data-label="Reviewers">Nia Now, Ola Now</td>' in html
    assert "Old Reviewer" not in html
    assert '<td data-label="Endorsement">NF-IFS-2026-0007</td>' in html


# Filters and search


def test_filter_by_state(client, coordinator, ifs):
    make(ifs, S.REGISTERED, name="Ana Alba")
    make(ifs, S.SUBMITTED, name="Sam Submitted")
    client.force_login(coordinator)
    response = client.get(DASHBOARD, {"state": "submitted"})
    assert names(response) == ["Sam Submitted"]
    assert response.context["filtered"] is True
    assert "1 application matches the filters." in response.content.decode()


def test_filter_by_category(client, coordinator, ifs, imhs):
    make(ifs, name="Ifa Person")
    make(imhs, name="Imo Person")
    client.force_login(coordinator)
    response = client.get(DASHBOARD, {"category": "IMHS"})
    assert names(response) == ["Imo Person"]
    assert response.context["filter_form"].fields["category"].choices == [
        ("", "Any category"),
        ("IFS", "Infant Family Specialist (IFS)"),
        ("IMHS", "Infant Mental Health Specialist (IMHS)"),
    ]


def test_filter_needs_reviewers(client, coordinator, ifs):
    now = timezone.now()
    waiting = make(ifs, S.SUBMITTED, name="No Reviewers", days=4)
    assigned = make(ifs, S.SUBMITTED, name="Has Reviewers", days=4)
    resubmitted = make(ifs, S.SUBMITTED, name="Resubmitted", days=1)
    make(ifs, S.IN_REVIEW, name="In Review")
    make(ifs, S.REGISTERED, name="Just Registered")
    Application.objects.filter(pk__in=[waiting.pk, assigned.pk]).update(
        submitted_at=now - datetime.timedelta(days=4)
    )
    Application.objects.filter(pk=resubmitted.pk).update(submitted_at=now)
    ReviewAssignmentFactory(application=assigned)
    # Reviewed in an earlier round, before the latest submission: needs reviewers again.
    earlier = ReviewAssignmentFactory(application=resubmitted)
    type(earlier).objects.filter(pk=earlier.pk).update(created=now - datetime.timedelta(days=60))
    client.force_login(coordinator)
    response = client.get(DASHBOARD, {"needs_reviewers": "on"})
    assert names(response) == ["No Reviewers", "Resubmitted"]


def test_filter_overdue_leaves_out_finished_applications(client, coordinator, ifs):
    make(ifs, S.SUBMITTED, days=40, name="Long Wait")
    make(ifs, S.SUBMITTED, days=10, name="Short Wait")
    make(ifs, S.AWARDED, days=400, name="Long Awarded")
    make(ifs, S.WITHDRAWN, days=100, name="Long Withdrawn")
    client.force_login(coordinator)
    assert names(client.get(DASHBOARD, {"overdue": "30"})) == ["Long Wait"]
    assert names(client.get(DASHBOARD, {"overdue": "5"})) == ["Long Wait", "Short Wait"]


def test_invalid_filters_are_ignored_and_shown(client, coordinator, ifs):
    make(ifs, name="Ana Alba")
    client.force_login(coordinator)
    response = client.get(DASHBOARD, {"state": "nonsense", "overdue": "-3"})
    assert response.status_code == 200
    assert names(response) == ["Ana Alba"]
    assert set(response.context["filter_form"].errors) == {"state", "overdue"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("alba", ["Ana Alba"]),
        ("BROWN", ["Bea Brown"]),
        ("bea@example", ["Bea Brown"]),
        ("example.org", ["Ana Alba", "Bea Brown"]),
        ("ifs-2026-00", ["Bea Brown"]),
        ("NF-IFS-2026-0042", ["Bea Brown"]),
        ("nobody", []),
    ],
)
def test_search_by_name_email_or_number(client, coordinator, ifs, elsewhere, query, expected):
    make(ifs, S.REGISTERED, days=5, name="Ana Alba", email="ana@example.org")
    bea = make(ifs, S.AWARDED, days=1, name="Bea Brown", email="bea@example.org")
    award(bea, "NF-IFS-2026-0042")
    make(elsewhere, name="Alba Elsewhere", email="alba@example.org")
    client.force_login(coordinator)
    response = client.get(DASHBOARD, {"q": query})
    assert names(response) == expected


# Pagination


def test_pagination_keeps_the_filters(client, coordinator, ifs):
    for index in range(55):
        make(ifs, S.SUBMITTED, days=100 - index, name=f"Person {index:02d}")
    make(ifs, S.REGISTERED, name="Not Submitted")
    client.force_login(coordinator)
    response = client.get(DASHBOARD, {"state": "submitted", "q": "person"})
    assert len(response.context["rows"]) == 50
    assert response.context["page_obj"].paginator.num_pages == 2
    html = response.content.decode()
    assert (
        '<a class="page-link" href="?state=submitted&amp;q=person&amp;page=2'
        '#applications-heading">Next</a>'
    ) in html
    assert "Page 1 of 2" in html
    response = client.get(DASHBOARD, {"state": "submitted", "q": "person", "page": "2"})
    assert names(response) == [f"Person {index:02d}" for index in range(50, 55)]
    html = response.content.decode()
    assert (
        '<a class="page-link" href="?state=submitted&amp;q=person&amp;page=1'
        '#applications-heading">Previous</a>'
    ) in html
    # The CSV link carries the filters, not the page.
    assert f'href="{CSV_URL}?state=submitted&amp;q=person" download' in html


def test_a_page_out_of_range_shows_the_last(client, coordinator, ifs):
    make(ifs, name="Ana Alba")
    client.force_login(coordinator)
    response = client.get(DASHBOARD, {"page": "99"})
    assert names(response) == ["Ana Alba"]


# Bulk assignment form


def test_bulk_assign_form_posts_to_the_reviews_page(client, coordinator, association, ifs):
    submitted = make(ifs, S.SUBMITTED, name="Sam Submitted")
    RoleGrantFactory(association=association, role=Role.REVIEWER, user__full_name="Rita Reviewer")
    RoleGrantFactory(association=association, role=Role.ADVISOR, user__full_name="Adam Advisor")
    client.force_login(coordinator)
    response = client.get(DASHBOARD)
    html = response.content.decode()
    action = reverse("reviews:assign.bulk", kwargs={"slug": association.slug})
    assert f'<form method="post" action="{action}" id="bulk-assign">' in html
    assert (
        f'<input class="form-check-input" type="checkbox" name="applications" '
        f'value="{submitted.pk}" id="select-{submitted.pk}">'
    ) in html
    assert [u.get_full_name() for u in response.context["reviewer_choices"]] == ["Rita Reviewer"]
    rita = response.context["reviewer_choices"][0]
    assert "multiple" not in html
    assert (
        f'<input class="form-check-input" type="checkbox" name="reviewers" value="{rita.pk}" '
        f'id="bulk-reviewer-{rita.pk}">'
    ) in html
    assert 'name="due_on" required' in html


def test_the_coordinator_of_another_association_is_refused(
    client, make_staff, association, other_association
):
    client.force_login(make_staff(Role.COORDINATOR, other_association))
    assert client.get(DASHBOARD).status_code == 403


# CSV export


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_lists_every_filtered_row(client, coordinator, association, ifs, elsewhere):
    advisor = UserFactory(full_name="Avery Advisor")
    ana = make(ifs, S.IN_REVIEW, days=12, name="Ana Alba", email="ana@example.org", advisor=advisor)
    ReviewAssignmentFactory(application=ana, reviewer__full_name="Nia Now")
    ReviewAssignmentFactory(application=ana, reviewer__full_name="Ola Now")
    bea = make(ifs, S.AWARDED, days=3, name="Bea Brown", email="bea@example.org")
    award(bea, "NF-IFS-2026-0042")
    make(ifs, S.REGISTERED, days=1, name="Cal Registered", email="cal@example.org")
    make(elsewhere, S.IN_REVIEW, name="Lee Elsewhere")
    client.force_login(coordinator)
    response = client.get(CSV_URL, {"state": "", "q": "example.org"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = association.today().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="pipeline-northfield-{today}.csv"'
    )
    zone = zoneinfo.ZoneInfo(association.time_zone)

    def since(application):
        return timezone.localtime(application.state_changed, zone).date().isoformat()

    cal = Application.objects.get(applicant__full_name="Cal Registered")
    assert read_csv(response) == [
        [
            "Applicant",
            "E-mail",
            "Category",
            "State",
            "In this state since",
            "Days in state",
            "Advisor",
            "Reviewers",
            "Endorsement number",
        ],
        [
            "Ana Alba",
            "ana@example.org",
            "IFS",
            "In review",
            since(ana),
            "12",
            "Avery Advisor",
            "Nia Now; Ola Now",
            "",
        ],
        [
            "Bea Brown",
            "bea@example.org",
            "IFS",
            "Awarded",
            since(bea),
            "3",
            "",
            "",
            "NF-IFS-2026-0042",
        ],
        ["Cal Registered", "cal@example.org", "IFS", "Registered", since(cal), "1", "", "", ""],
    ]


def test_csv_applies_the_filters(client, coordinator, ifs, imhs):
    make(ifs, S.SUBMITTED, name="Ifa Submitted")
    make(imhs, S.SUBMITTED, name="Imo Submitted")
    make(imhs, S.REGISTERED, name="Imo Registered")
    client.force_login(coordinator)
    rows = read_csv(client.get(CSV_URL, {"category": "IMHS", "state": "submitted"}))
    assert [row[0] for row in rows[1:]] == ["Imo Submitted"]


def test_csv_cells_cannot_run_as_formulas(client, coordinator, ifs):
    make(ifs, name='=HYPERLINK("http://evil.example","x")', email="plain@example.org")
    make(ifs, name="+1 Person", email="two@example.org")
    make(ifs, name="-Minus", email="three@example.org")
    make(ifs, name="@Sum", email="four@example.org")
    client.force_login(coordinator)
    rows = read_csv(client.get(CSV_URL))
    assert sorted(row[0] for row in rows[1:]) == [
        "'+1 Person",
        "'-Minus",
        '\'=HYPERLINK("http://evil.example","x")',
        "'@Sum",
    ]


def test_csv_safe():
    assert [csv_safe(v) for v in ["=1+2", "+1", "-1", "@A1", "\tx", "Ana", "", None, 3]] == [
        "'=1+2",
        "'+1",
        "'-1",
        "'@A1",
        "'\tx",
        "Ana",
        "",
        "",
        "3",
    ]


def test_csv_refused_to_another_role(client, make_staff, association, ifs):
    make(ifs)
    for role in (Role.REVIEWER, Role.ADVISOR, Role.ASSOCIATION_ADMIN, Role.EXAM_GRADER):
        client.force_login(make_staff(role, association))
        assert client.get(CSV_URL).status_code == 403


def test_csv_refused_to_the_coordinator_of_another_association(
    client, make_staff, other_association, ifs
):
    make(ifs)
    client.force_login(make_staff(Role.COORDINATOR, other_association))
    assert client.get(CSV_URL).status_code == 403


def test_csv_refused_to_an_applicant(client, ifs):
    application = make(ifs)
    client.force_login(application.applicant)
    assert client.get(CSV_URL).status_code == 403


def test_csv_sends_anonymous_to_log_in(client, ifs):
    response = client.get(CSV_URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={CSV_URL}"


def test_csv_of_an_unknown_association_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/coordinator/a/nowhere/pipeline.csv").status_code == 404


# The applicant's steps


def _steps(application, has_exam, last_from=""):
    return [
        (step["key"], step["status"])
        for step in progress_steps(application, has_exam=has_exam, last_from_state=last_from)
    ]


def test_progress_steps_without_an_exam(ifs):
    application = make(ifs, S.IN_REVIEW)
    assert _steps(application, has_exam=False) == [
        ("registered", "done"),
        ("accepted", "done"),
        ("submitted", "done"),
        ("in_review", "current"),
        ("approved", "upcoming"),
        ("awarded", "upcoming"),
    ]


@pytest.mark.parametrize(
    ("state", "current"),
    [
        (S.REGISTERED, "registered"),
        (S.RETURNED, "registered"),
        (S.ACCEPTED, "accepted"),
        (S.SUBMITTED, "submitted"),
        (S.DEFERRED, "in_review"),
        (S.APPROVED, "approved"),
        (S.EXAM, "exam"),
        (S.EXAM_PASSED, "exam"),
        (S.EXAM_FAILED, "exam"),
        (S.AWARDED, "awarded"),
    ],
)
def test_progress_steps_current_step_with_an_exam(ifs, state, current):
    steps = _steps(make(ifs, state), has_exam=True)
    assert [key for key, _status in steps] == [
        "registered",
        "accepted",
        "submitted",
        "in_review",
        "approved",
        "exam",
        "awarded",
    ]
    assert [key for key, status in steps if status == "current"] == [current]


def test_progress_steps_where_the_application_stopped(ifs):
    held = make(ifs, S.ON_HOLD, state_before_hold=S.SUBMITTED)
    assert ("submitted", "current") in _steps(held, has_exam=False)
    withdrawn = make(ifs, S.WITHDRAWN)
    assert ("accepted", "current") in _steps(withdrawn, has_exam=False, last_from=S.ACCEPTED)
    denied = make(ifs, S.DENIED)
    assert ("in_review", "current") in _steps(denied, has_exam=False, last_from=S.IN_REVIEW)


@pytest.mark.parametrize(
    ("state", "before"), [(S.DEFERRED, ""), (S.ON_HOLD, S.DEFERRED), (S.IN_REVIEW, "")]
)
def test_a_deferred_portfolio_shows_amend_and_resubmit_as_its_step(ifs, state, before):
    application = make(ifs, state, state_before_hold=before)
    steps = progress_steps(application, has_exam=False)
    current = [(step["key"], str(step["label"])) for step in steps if step["status"] == "current"]
    in_review = "In review" if state == S.IN_REVIEW else "Amend and resubmit"
    assert current == [("in_review", in_review)]
