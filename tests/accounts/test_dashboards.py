import re

import pytest
from django.urls import reverse

from accounts.enums import Role
from endorsement.enums import ApplicationState
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    MembershipFactory,
    RoleGrantFactory,
    UserFactory,
)

ROLES = list(Role)


def role_url(association, role) -> str:
    return reverse("accounts:dashboard.role", kwargs={"slug": association.slug, "role": role})


def list_links(response) -> list[tuple[str, str]]:
    """(href, text) of every link in the dashboard chooser's list."""
    html = response.content.decode()
    items = re.findall(r'<li class="list-group-item"><a href="([^"]+)">([^<]+)</a></li>', html)
    return [(href, " ".join(text.split())) for href, text in items]


@pytest.fixture
def category(association):
    return EndorsementCategoryFactory(framework__association=association, code="IMHS")


@pytest.fixture
def other_category(other_association):
    return EndorsementCategoryFactory(framework__association=other_association, code="ECMH")


# /dashboard/ routing


def test_dashboard_needs_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


def test_dashboard_without_roles_goes_to_the_applicant_dashboard(client, user):
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/applicant/"


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_with_one_role_goes_to_that_dashboard(client, make_staff, association, role):
    client.force_login(make_staff(role, association))
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == f"/a/northfield/dashboard/{role}/"


def test_dashboard_with_several_roles_lists_each(
    client, make_staff, association, other_association
):
    user = make_staff(Role.REVIEWER, association)
    RoleGrantFactory(user=user, association=association, role=Role.ADVISOR)
    RoleGrantFactory(user=user, association=other_association, role=Role.COORDINATOR)
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert list_links(response) == [
        ("/a/lakeshore/dashboard/coordinator/", f"Endorsement coordinator – {other_association}"),
        ("/a/northfield/dashboard/advisor/", f"Advisor – {association}"),
        ("/a/northfield/dashboard/reviewer/", f"Reviewer – {association}"),
    ]


def test_dashboard_with_a_role_and_applications_lists_both(
    client, make_staff, association, other_category
):
    user = make_staff(Role.REVIEWER, association)
    ApplicationFactory(applicant=user, category=other_category)
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert list_links(response) == [
        ("/dashboard/applicant/", "My applications"),
        ("/a/northfield/dashboard/reviewer/", f"Reviewer – {association}"),
    ]


def test_dashboard_for_a_superuser_without_roles_opens_the_admin(client, db):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(superuser, generate_totp_secret())
    client.force_login(superuser)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


# Role dashboards: who may open them


@pytest.mark.parametrize("role", ROLES)
def test_role_dashboard_opens_for_the_holder(client, make_staff, association, role):
    client.force_login(make_staff(role, association))
    response = client.get(role_url(association, role))
    assert response.status_code == 200
    assert response.context["association"] == association
    assert response.context["role"] == role
    assert [t.name for t in response.templates][0] == f"accounts/dashboard_{role}.html"
    assert association.name in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_role_dashboard_refused_to_the_holder_in_another_association(
    client, make_staff, association, other_association, role
):
    client.force_login(make_staff(role, other_association))
    response = client.get(role_url(association, role))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_role_dashboard_refused_to_another_role_in_the_association(
    client, make_staff, association, role
):
    other_role = ROLES[(ROLES.index(role) + 1) % len(ROLES)]
    client.force_login(make_staff(other_role, association))
    response = client.get(role_url(association, role))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_role_dashboard_refused_to_an_applicant(client, user, association, category, role):
    ApplicationFactory(applicant=user, category=category)
    client.force_login(user)
    response = client.get(role_url(association, role))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_role_dashboard_sends_anonymous_to_login(client, association, role):
    url = role_url(association, role)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_role_dashboard_unknown_role_is_404(client, make_staff, association):
    client.force_login(make_staff(Role.COORDINATOR, association))
    assert client.get("/a/northfield/dashboard/treasurer/").status_code == 404


def test_role_dashboard_unknown_association_is_404(client, make_staff, association):
    client.force_login(make_staff(Role.COORDINATOR, association))
    assert client.get("/a/nowhere/dashboard/coordinator/").status_code == 404


# What the dashboards show


def test_coordinator_pipeline_counts_by_state(
    client, make_staff, association, category, other_category
):
    states = {
        ApplicationState.REGISTERED: 3,
        ApplicationState.ACCEPTED: 2,
        ApplicationState.SUBMITTED: 1,
        ApplicationState.AWARDED: 4,
    }
    for state, count in states.items():
        ApplicationFactory.create_batch(count, category=category, state=state)
    # Another association's applications are not counted.
    ApplicationFactory.create_batch(5, category=other_category, state=ApplicationState.REGISTERED)
    client.force_login(make_staff(Role.COORDINATOR, association))
    response = client.get(role_url(association, Role.COORDINATOR))
    assert response.context["pipeline"] == [
        (state, label, states.get(state, 0)) for state, label in ApplicationState.choices
    ]
    assert len(response.context["waiting"]) == 3
    assert {a.association_id for a in response.context["waiting"]} == {association.pk}


def test_coordinator_waiting_list_is_oldest_first(client, make_staff, association, category):
    first, second = ApplicationFactory.create_batch(2, category=category)
    client.force_login(make_staff(Role.COORDINATOR, association))
    response = client.get(role_url(association, Role.COORDINATOR))
    assert list(response.context["waiting"]) == [first, second]


def test_association_admin_dashboard_lists_grants_and_counts_members(
    client, make_staff, association, other_association
):
    admin = make_staff(Role.ASSOCIATION_ADMIN, association, user__email="admin@example.org")
    RoleGrantFactory(association=association, role=Role.REVIEWER, user__email="rev@example.org")
    RoleGrantFactory(
        association=other_association, role=Role.REVIEWER, user__email="away@example.org"
    )
    MembershipFactory.create_batch(3, association=association)
    MembershipFactory(association=other_association)
    client.force_login(admin)
    response = client.get(role_url(association, Role.ASSOCIATION_ADMIN))
    assert [(g.user.email, g.role) for g in response.context["grants"]] == [
        ("admin@example.org", Role.ASSOCIATION_ADMIN),
        ("rev@example.org", Role.REVIEWER),
    ]
    assert response.context["member_count"] == 3
    assert "3 memberships recorded." in response.content.decode()
    assert "away@example.org" not in response.content.decode()


def test_applicant_dashboard_shows_only_own_applications(
    client, user, category, other_category, association
):
    mine = ApplicationFactory(applicant=user, category=category)
    also_mine = ApplicationFactory(applicant=user, category=other_category)
    theirs = ApplicationFactory(category=category, applicant__full_name="Someone Else Entirely")
    MembershipFactory(user=user, association=association)
    MembershipFactory(user=theirs.applicant, association=association, member_number="X-99")
    client.force_login(user)
    response = client.get("/dashboard/applicant/")
    assert response.status_code == 200
    assert list(response.context["applications"]) == [also_mine, mine]
    assert [m.user for m in response.context["memberships"]] == [user]
    html = response.content.decode()
    assert "Someone Else Entirely" not in html
    assert "X-99" not in html


def test_applicant_dashboard_needs_login(client):
    response = client.get("/dashboard/applicant/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/applicant/"


# Query counts stay constant with the number of applications


def _fill(association, category, size: int, applicant=None):
    for index in range(size):
        person = applicant or UserFactory()
        ApplicationFactory(
            category=category,
            applicant=person,
            state=[ApplicationState.REGISTERED, ApplicationState.ACCEPTED][index % 2],
        )
        MembershipFactory(association=association, user=person, member_number=f"N-{index}")
        RoleGrantFactory(association=association, role=Role.REVIEWER)


# Session, user, the user's roles (read once: MFA middleware and rules; the TOTP check is
# remembered in the session at log-in), association; then what each dashboard shows.
DASHBOARD_QUERIES = {
    Role.ADVISOR: 4 + 1,  # advisees with their unresolved comments (reviews.views.advisor)
    Role.REVIEWER: 4 + 2,  # assignments with their applications, declared conflicts
    # Vignettes to score with their sittings, Part 1 scores to enter (reviews.views.exam).
    Role.EXAM_GRADER: 4 + 2,
    # Registrations waiting; the pipeline (endorsement.dashboards): categories for the filter,
    # counts by state, the table's count, its page, the page's review assignments, the
    # reviewers for bulk assignment; applicants asking for an advisor (reviews.views.advisor);
    # "needs you now": the awards waiting (endorsement), the review and exam rows (reviews), the
    # changes of name and requests for emeritus status to decide and the certificates that
    # failed (credentials, one query).
    Role.COORDINATOR: 4 + 1 + 6 + 1 + 2 + 1,
    Role.ASSOCIATION_ADMIN: 4 + 2,  # grants with their users, membership count
}


@pytest.mark.parametrize("size", [1, 8])
@pytest.mark.parametrize("role", ROLES)
def test_role_dashboard_query_count_is_constant(
    client, make_staff, association, category, django_assert_num_queries, role, size
):
    _fill(association, category, size)
    client.force_login(make_staff(role, association))
    url = role_url(association, role)
    with django_assert_num_queries(DASHBOARD_QUERIES[role]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_applicant_dashboard_query_count_is_constant(
    client, user, association, category, django_assert_num_queries, size
):
    _fill(association, category, size, applicant=user)
    client.force_login(user)
    # Session, user, staff-role check; applications, their latest events, the failed ones'
    # retake dates (reviews), the current certificates (credentials), memberships, the
    # professional profile, associations, the invoices (billing), the confirmed proofs of
    # membership elsewhere, the endorsements whose renewal is open (portfolios).
    with django_assert_num_queries(13):
        response = client.get("/dashboard/applicant/")
    assert len(response.context["applications"]) == size
    assert len(response.context["memberships"]) == size


@pytest.mark.parametrize("size", [1, 8])
def test_dashboard_chooser_query_count_is_constant(
    client, make_staff, association, other_association, category, django_assert_num_queries, size
):
    user = make_staff(Role.REVIEWER, association)
    for role in (Role.ADVISOR, Role.COORDINATOR, Role.EXAM_GRADER)[: min(size, 3)]:
        RoleGrantFactory(user=user, association=other_association, role=role)
    _fill(association, category, size, applicant=user)
    client.force_login(user)
    # Session, user, the user's roles (TOTP remembered at log-in); grants with associations,
    # applications.
    with django_assert_num_queries(5):
        response = client.get("/dashboard/")
    assert response.status_code == 200
    assert len(list_links(response)) == 2 + min(size, 3)
