"""The association's audit log page: its coordinators and admins read the entries recorded
within the association and those of its people outside any association; nobody else (404);
search by person, what, object and dates; 50 a page; constant queries; the dashboards link."""

import datetime

import pytest
from django.utils import timezone

from accounts.enums import Role
from audit.models import AuditEntry
from audit.services import audit_record
from tests.factories import MembershipFactory, UserFactory


def log_url(association) -> str:
    return f"/a/{association.slug}/audit/"


def labels(response) -> list[str]:
    """The rows but the viewer's own log-in (the test client's, itself recorded)."""
    viewer = response.wsgi_request.user.email
    return [
        f"{entry.actor_label} {entry.action}"
        for entry in response.context["rows"]
        if (entry.actor_label, entry.action) != (viewer, "login")
    ]


@pytest.fixture
def entries(association, other_association):
    """Within Northfield; a Northfield member's log-in; a stranger's; Lakeshore's."""
    member = MembershipFactory(association=association, user__email="member@example.org").user
    stranger = UserFactory(email="stranger@example.org")
    audit_record(
        action="application.accept",
        actor_label="casey@example.org",
        object_label="ana@example.org – IFS (#1)",
        association=association,
    )
    audit_record(action="login", actor=member)
    audit_record(action="login", actor=stranger)
    audit_record(action="login.failed", actor_label="member@example.org")
    audit_record(action="login.failed", actor_label="stranger@example.org")
    audit_record(
        action="document.download",
        actor_label="lake@example.org",
        association=other_association,
        object_label="lake.pdf",
    )


def test_the_coordinator_reads_the_associations_entries_and_its_peoples(
    client, coordinator, entries, association
):
    client.force_login(coordinator)
    response = client.get(log_url(association))
    assert response.status_code == 200
    assert labels(response) == [
        "member@example.org login.failed",
        "member@example.org login",
        "casey@example.org application.accept",
    ]
    html = response.content.decode()
    assert "stranger@example.org" not in html
    assert "lake.pdf" not in html


def test_the_association_admin_reads_it_too(client, make_staff, association, entries):
    client.force_login(make_staff(Role.ASSOCIATION_ADMIN, association))
    response = client.get(log_url(association))
    assert response.status_code == 200
    assert labels(response) == [
        "member@example.org login.failed",
        "member@example.org login",
        "casey@example.org application.accept",
    ]


@pytest.mark.parametrize(
    "who",
    ["coordinator of another association", "assigned reviewer", "advisor", "owner", "grader"],
)
def test_everyone_else_is_refused_with_404(client, people, association, entries, who):
    client.force_login(people[who])
    assert client.get(log_url(association)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, association):
    response = client.get(log_url(association))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"person": "casey"}, ["casey@example.org application.accept"]),
        ({"group": "login"}, ["member@example.org login.failed", "member@example.org login"]),
        ({"group": "application"}, ["casey@example.org application.accept"]),
        ({"group": "download"}, []),
        ({"target": "IFS"}, ["casey@example.org application.accept"]),
        ({"person": "lake"}, []),
    ],
)
def test_the_search(client, coordinator, association, entries, query, expected):
    client.force_login(coordinator)
    assert labels(client.get(log_url(association), query)) == expected


def test_the_date_range_is_in_the_associations_days(client, coordinator, association, monkeypatch):
    for day, who in ((1, "first@example.org"), (3, "third@example.org")):
        moment = datetime.datetime(2026, 3, day, 12, tzinfo=datetime.UTC)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        audit_record(action="login.failed", actor_label=who, association=association)
    monkeypatch.undo()
    client.force_login(coordinator)
    response = client.get(log_url(association), {"since": "2026-03-02", "until": "2026-03-04"})
    assert labels(response) == ["third@example.org login.failed"]
    response = client.get(log_url(association), {"until": "2026-03-02"})
    assert labels(response) == ["first@example.org login.failed"]
    response = client.get(log_url(association), {"since": "2026-03-04", "until": "2026-03-02"})
    assert response.context["filter_form"].errors["until"] == ["The end comes before the start."]


def test_the_page_shows_who_what_when_and_from_where(client, coordinator, association):
    audit_record(
        action="login.failed",
        actor_label="lee@example.org",
        association=association,
        object_label="lee@example.org",
    )
    entry = AuditEntry.objects.get()
    client.force_login(coordinator)
    html = client.get(log_url(association)).content.decode()
    assert f'id="entry-{entry.pk}"' in html
    assert "login.failed" in html
    assert "lee@example.org" in html


def test_fifty_entries_a_page(client, coordinator, association):
    for index in range(51):
        audit_record(action="login", actor_label=f"p{index}@example.org", association=association)
    client.force_login(coordinator)
    first = client.get(log_url(association))
    second = client.get(log_url(association), {"page": 2})
    # The 51 entries and the coordinator's own log-in.
    assert (len(first.context["rows"]), len(second.context["rows"])) == (50, 2)


@pytest.mark.parametrize("size", [1, 60])
def test_the_page_costs_the_same_queries_whatever_its_size(
    client, coordinator, association, django_assert_num_queries, size
):
    for index in range(size):
        audit_record(action="login", actor_label=f"p{index}@example.org", association=association)
    client.force_login(coordinator)
    client.get(log_url(association))
    # Session, user, the user's roles, the association; the count, the page.
    with django_assert_num_queries(6):
        response = client.get(log_url(association))
    assert len(response.context["rows"]) == min(size + 1, 50)  # and the log-in


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ASSOCIATION_ADMIN])
def test_the_dashboards_link_the_log(client, make_staff, association, role):
    client.force_login(make_staff(role, association))
    response = client.get(f"/a/{association.slug}/dashboard/{role}/")
    assert response.status_code == 200
    assert f'href="{log_url(association)}" id="audit-link"' in response.content.decode()
