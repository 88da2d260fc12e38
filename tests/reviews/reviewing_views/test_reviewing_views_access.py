"""Review pages: who is refused (404 to all but the people concerned, log in first) and the query
counts (constant, whatever the number of rows)."""

import pytest
from django.utils import timezone

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from portfolios.models import ReferenceRating
from reviews.models import ConflictDeclaration, ReviewAssignment
from tests.factories import (
    ConflictDeclarationFactory,
    ReferenceFactory,
    RoleGrantFactory,
    UserFactory,
    WorkExperienceFactory,
)
from tests.reviews.helpers import (
    ASSIGN_QUERIES,
    BULK_QUERIES,
    CONFLICTS_QUERIES,
    DASHBOARD_QUERIES,
    DECISION_QUERIES,
    REVIEW_QUERIES,
    due,
    review_post,
    reviewer,
    submit_review,
    submitted,
)

pytestmark = pytest.mark.django_db


# --- Who is refused ----------------------------------------------------------------------------


@pytest.fixture
def people(association, other_association, make_staff, assigned):
    application, mine, theirs = assigned
    advisor = make_staff(Role.ADVISOR, association, user__email="adv@example.org")
    RoleGrantFactory(association=association, role=Role.REVIEWER, user=advisor)
    Application.objects.filter(pk=application.pk).update(advisor=advisor)
    return {
        "unassigned reviewer": reviewer(make_staff, association, "Una Assigned", "una@x.org"),
        "other association coordinator": make_staff(Role.COORDINATOR, other_association),
        "other association reviewer": make_staff(Role.REVIEWER, other_association),
        "the applicant": application.applicant,
        "the applicant's advisor": advisor,
        "the other reviewer": theirs.reviewer,
        "another applicant": UserFactory(),
    }


def coordinator_urls(application):
    return [
        f"/reviewing/applications/{application.pk}/assign/",
        f"/reviewing/applications/{application.pk}/decision/",
        "/reviewing/a/northfield/assign/",
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_coordinator_pages_answer_404_to_everyone_else(client, assigned, people, method):
    application, mine, _ = assigned
    for who, person in [*people.items(), ("an assigned reviewer", mine.reviewer)]:
        client.force_login(person)
        answers = [
            getattr(client, method)(url).status_code for url in coordinator_urls(application)
        ]
        assert answers == [404, 404, 404], who
        client.logout()
    assert Application.objects.get(pk=application.pk).state == S.IN_REVIEW


@pytest.mark.parametrize("method", ["get", "post"])
def test_review_page_answers_404_to_all_but_its_reviewer(
    client, assigned, people, coordinator, areas, method
):
    application, mine, _ = assigned
    url = f"/reviewing/reviews/{mine.pk}/"
    for who, person in [*people.items(), ("the coordinator", coordinator)]:
        client.force_login(person)
        response = getattr(client, method)(url, review_post(areas) if method == "post" else None)
        assert response.status_code == 404, who
        client.logout()
    mine.refresh_from_db()
    assert mine.submitted_at is None


def test_a_reviewer_who_lost_the_role_no_longer_sees_the_review(client, assigned, rita):
    _, mine, _ = assigned
    rita.role_grants.all().delete()
    client.force_login(rita)
    assert client.get(f"/reviewing/reviews/{mine.pk}/").status_code == 404


def test_conflicts_page_needs_the_reviewer_role_in_the_association(
    client, coordinator, make_staff, other_association, user
):
    for person in (coordinator, make_staff(Role.REVIEWER, other_association), user):
        client.force_login(person)
        assert client.get("/reviewing/a/northfield/conflicts/").status_code == 404
        assert (
            client.post("/reviewing/a/northfield/conflicts/", {"organisation": "X"}).status_code
            == 404
        )
        client.logout()
    assert ConflictDeclaration.objects.count() == 0
    client.force_login(coordinator)
    assert client.get("/reviewing/a/nowhere/assign/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, assigned, association, rita):
    application, mine, _ = assigned
    declaration = ConflictDeclarationFactory(association=association, reviewer=rita)
    urls = [
        *coordinator_urls(application),
        f"/reviewing/reviews/{mine.pk}/",
        "/reviewing/a/northfield/conflicts/",
        f"/reviewing/a/northfield/conflicts/{declaration.pk}/withdraw/",
    ]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url)
            assert response.url.startswith("/accounts/login/?next="), (method, url)


def test_a_reviewer_reads_only_assigned_portfolios(client, category, assigned, people):
    application, mine, _ = assigned
    other = submitted(category, applicant=UserFactory())
    client.force_login(mine.reviewer)
    assert client.get(f"/portfolio/{application.pk}/").status_code == 200
    assert client.get(f"/portfolio/{other.pk}/").status_code == 404
    client.force_login(people["unassigned reviewer"])
    assert client.get(f"/portfolio/{application.pk}/").status_code == 404


# --- Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 6])
def test_bulk_page_query_count_is_constant(
    client, category, coordinator, make_staff, association, django_assert_num_queries, size
):
    for index in range(size):
        submitted(category, applicant=UserFactory())
        reviewer(make_staff, association, f"Pool Member{index}", f"pool{index}@x.org")
    client.force_login(coordinator)
    with django_assert_num_queries(BULK_QUERIES):
        response = client.get("/reviewing/a/northfield/assign/")
    assert len(response.context["waiting"]) == size


@pytest.mark.parametrize("size", [1, 6])
def test_assign_page_query_count_is_constant(
    client, application, coordinator, make_staff, association, django_assert_num_queries, size
):
    WorkExperienceFactory(application=application, employer="Sun")
    for index in range(size):
        person = reviewer(make_staff, association, f"Pool Member{index}", f"pool{index}@x.org")
        ConflictDeclarationFactory(association=association, reviewer=person, organisation="Sun")
    client.force_login(coordinator)
    with django_assert_num_queries(ASSIGN_QUERIES):
        response = client.get(f"/reviewing/applications/{application.pk}/assign/")
    assert len(response.context["candidates"]) == size
    assert all(reasons for _, reasons in response.context["candidates"])


@pytest.mark.parametrize("size", [1, 6])
def test_reviewer_dashboard_query_count_is_constant(
    client, association, category, rita, django_assert_num_queries, size
):
    for index in range(size):
        app = submitted(category, state=S.IN_REVIEW, applicant=UserFactory())
        ReviewAssignment.objects.create(application=app, reviewer=rita, due_on=due(index))
        ConflictDeclarationFactory(association=association, reviewer=rita, organisation=f"O{index}")
    client.force_login(rita)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get("/a/northfield/dashboard/reviewer/")
    assert len(response.context["assignments"]) == size


@pytest.mark.parametrize("size", [1, 6])
def test_conflicts_page_query_count_is_constant(
    client, association, rita, django_assert_num_queries, size
):
    for index in range(size):
        ConflictDeclarationFactory(
            association=association,
            reviewer=rita,
            person_email=f"declared{index}@example.org",
            organisation="",
        )
    client.force_login(rita)
    with django_assert_num_queries(CONFLICTS_QUERIES):
        response = client.get("/reviewing/a/northfield/conflicts/")
    assert len(response.context["declarations"]) == size


@pytest.mark.parametrize("size", [1, 6])
def test_review_page_query_count_is_constant(
    client, assigned, rita, django_assert_num_queries, size
):
    application, mine, _ = assigned
    from competencies.models import Competency

    items = list(Competency.objects.filter(area__framework=application.category.framework))
    for _ in range(size):
        reference = ReferenceFactory(
            application=application, status="completed", completed_at=timezone.now()
        )
        for item in items:
            ReferenceRating.objects.create(reference=reference, competency=item, score="2")
        WorkExperienceFactory(application=application)
    client.force_login(rita)
    with django_assert_num_queries(REVIEW_QUERIES):
        response = client.get(f"/reviewing/reviews/{mine.pk}/")
    assert len(response.context["references"]) == size


@pytest.mark.parametrize("size", [1, 6])
def test_decision_page_query_count_is_constant(
    client, assigned, areas, coordinator, django_assert_num_queries, size
):
    application, mine, theirs = assigned
    submit_review(mine, areas)
    submit_review(theirs, areas)
    for _ in range(size):
        WorkExperienceFactory(application=application)
    client.force_login(coordinator)
    with django_assert_num_queries(DECISION_QUERIES):
        response = client.get(f"/reviewing/applications/{application.pk}/decision/")
    assert len(response.context["area_rows"]) == len(areas)
