"""The pipeline costs the same SQL queries with 1 application as with 60 (two pages), with
advisors, reviewers and endorsements on the rows; so does its CSV export."""

import datetime

import pytest
from django.utils import timezone

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, Endorsement
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    ReviewAssignmentFactory,
    RoleGrantFactory,
    UserFactory,
)

DASHBOARD = "/a/northfield/dashboard/coordinator/"
CSV_URL = "/coordinator/a/northfield/pipeline.csv"
STATES = [S.IN_REVIEW, S.REGISTERED, S.ACCEPTED, S.SUBMITTED, S.AWARDED]

# Session, user, roles (TOTP remembered at log-in), association; registrations waiting;
# the pipeline: categories for the filter, counts by state, the table's count, its page, the
# page's review assignments (with reviewers), the reviewers for bulk assignment; applicants
# asking for an advisor (reviews.views.advisor); "needs you now": the awards waiting and the
# review and exam rows (one query each), the changes of name to decide and the failed
# certificates (one query together).
DASHBOARD_QUERIES = 4 + 1 + 6 + 1 + 2 + 1
# Session, user, roles, association; categories; the applications, their review assignments.
CSV_QUERIES = 4 + 1 + 2


def fill(association, other_association, size: int):
    category = EndorsementCategoryFactory(framework__association=association, code="IFS")
    other = EndorsementCategoryFactory(framework__association=other_association, code="IFS")
    advisor = UserFactory(full_name="Avery Advisor")
    for index in range(size):
        state = STATES[index % len(STATES)]
        application = ApplicationFactory(
            category=category, state=state, advisor=advisor if index % 2 else None
        )
        if state == S.IN_REVIEW:
            ReviewAssignmentFactory(application=application)
            ReviewAssignmentFactory(application=application, round=2)
        if state == S.AWARDED:
            Endorsement.objects.create(
                association=association,
                application=application,
                holder=application.applicant,
                category=category,
                number=f"NF-IFS-2026-{index:04d}",
                awarded_on=datetime.date(2026, 1, 5),
                valid_through=datetime.date(2026, 12, 31),
            )
        ApplicationFactory(category=other, state=state)
        RoleGrantFactory(association=association, role=Role.REVIEWER)
    # In their states for ten days: the "overdue" filter finds them.
    Application.objects.update(state_changed=timezone.now() - datetime.timedelta(days=10))


@pytest.mark.parametrize("size", [1, 60])
@pytest.mark.parametrize("query", [{}, {"q": "example", "state": "in_review", "overdue": "1"}])
def test_pipeline_query_count_is_constant(
    client, make_staff, association, other_association, django_assert_num_queries, size, query
):
    fill(association, other_association, size)
    client.force_login(make_staff(Role.COORDINATOR, association))
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(DASHBOARD, {"needs_reviewers": "", **query})
    assert response.status_code == 200
    in_review = len(range(STATES.index(S.IN_REVIEW), size, len(STATES)))
    assert len(response.context["rows"]) == min(in_review if query else size, 50)


@pytest.mark.parametrize("size", [1, 60])
def test_pipeline_second_page_query_count(
    client, make_staff, association, other_association, django_assert_num_queries, size
):
    fill(association, other_association, size)
    client.force_login(make_staff(Role.COORDINATOR, association))
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(DASHBOARD, {"page": "2"})
    assert len(response.context["rows"]) == (10 if size == 60 else 1)


@pytest.mark.parametrize("size", [1, 60])
def test_pipeline_csv_query_count_is_constant(
    client, make_staff, association, other_association, django_assert_num_queries, size
):
    fill(association, other_association, size)
    client.force_login(make_staff(Role.COORDINATOR, association))
    with django_assert_num_queries(CSV_QUERIES):
        response = client.get(CSV_URL)
        body = b"".join(response.streaming_content).decode()
    assert len(body.strip().splitlines()) == 1 + size
