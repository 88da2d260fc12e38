"""The member list in the portal (``accounts:members``) and its CSV: for the association's
coordinators and association admins only, with each person's standing (current, expiring within
30 days, expired, pending payment), search, filter and pages."""

import csv
import datetime
import io

import pytest

from accounts.enums import MembershipStatus, MemberStanding, Role
from accounts.models import membership_end
from accounts.selectors import association_members, membership_standing
from tests.factories import MembershipFactory, UserFactory

TODAY = datetime.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("accounts.models.Association.today", lambda self: TODAY)


def member(association, joined, *, name, email=None, status=MembershipStatus.ACTIVE, number=""):
    person = UserFactory(full_name=name, **({"email": email} if email else {}))
    MembershipFactory(
        association=association,
        user=person,
        start=joined,
        end=membership_end(joined),
        status=status,
        member_number=number,
    )
    return person


@pytest.fixture
def members(association, other_association):
    """One person of each standing in Northfield, and a Lakeshore member."""
    people = {
        "current": member(
            association, datetime.date(2026, 11, 2), name="Cora Current", number="N-1"
        ),
        "expiring": member(association, datetime.date(2026, 2, 1), name="Evan Expiring"),
        "expired": member(association, datetime.date(2025, 3, 1), name="Xena Expired"),
        "pending": member(
            association,
            datetime.date(2026, 12, 1),
            name="Pia Pending",
            status=MembershipStatus.PENDING,
        ),
        "other": member(other_association, datetime.date(2026, 2, 1), name="Olga Other"),
    }
    # Cora's earlier year, lapsed: she is listed once, by her latest membership.
    MembershipFactory(
        association=association,
        user=people["current"],
        start=datetime.date(2025, 1, 10),
        end=datetime.date(2025, 12, 31),
        status=MembershipStatus.LAPSED,
        member_number="N-0",
    )
    return people


def url(association, suffix=""):
    return f"/a/{association.slug}/members/{suffix}"


def csv_url(association, query=""):
    return f"/a/{association.slug}/members.csv{query}"


@pytest.mark.parametrize(
    ("member_until", "pending", "expected"),
    [
        (datetime.date(2027, 12, 31), False, MemberStanding.CURRENT),
        (TODAY + datetime.timedelta(days=31), False, MemberStanding.CURRENT),
        (TODAY + datetime.timedelta(days=30), False, MemberStanding.EXPIRING),
        (TODAY, False, MemberStanding.EXPIRING),
        (TODAY - datetime.timedelta(days=1), False, MemberStanding.EXPIRED),
        (TODAY - datetime.timedelta(days=1), True, MemberStanding.PENDING),
        (None, True, MemberStanding.PENDING),
        (None, False, MemberStanding.NONE),
    ],
)
def test_membership_standing(member_until, pending, expected):
    assert membership_standing(member_until=member_until, pending=pending, today=TODAY) == expected


def test_members_with_their_standing_by_name(association, members):
    rows = association_members(association=association)
    assert [(p.full_name, p.standing, p.member_until, p.member_number) for p in rows] == [
        ("Cora Current", "current", datetime.date(2027, 12, 31), "N-1"),
        ("Evan Expiring", "expiring", datetime.date(2026, 12, 31), ""),
        ("Pia Pending", "pending", None, ""),
        ("Xena Expired", "expired", datetime.date(2025, 12, 31), ""),
    ]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ASSOCIATION_ADMIN])
def test_member_list_page_for_coordinator_and_association_admin(
    client, make_staff, association, members, role
):
    client.force_login(make_staff(role, association))
    response = client.get(url(association))
    assert response.status_code == 200
    html = response.content.decode()
    assert [p.full_name for p in response.context["rows"]] == [
        "Cora Current",
        "Evan Expiring",
        "Pia Pending",
        "Xena Expired",
    ]
    assert "Olga Other" not in html
    assert "Expires within 30 days" in html
    assert 'class="badge status-badge status-action"' in html  # expiring: someone must act
    assert f'href="/a/{association.slug}/members.csv"' in html


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("?standing=expiring", ["Evan Expiring"]),
        ("?standing=expired", ["Xena Expired"]),
        ("?standing=current", ["Cora Current"]),
        ("?standing=pending", ["Pia Pending"]),
        ("?q=xena", ["Xena Expired"]),
        ("?q=N-1", ["Cora Current"]),
        ("?q=N-0", ["Cora Current"]),  # an earlier member number finds the person too
        ("?q=nobody", []),
        ("?standing=bogus", ["Cora Current", "Evan Expiring", "Pia Pending", "Xena Expired"]),
    ],
)
def test_member_list_search_and_filter(client, coordinator, association, members, query, names):
    client.force_login(coordinator)
    response = client.get(url(association) + query)
    assert response.status_code == 200
    assert [p.full_name for p in response.context["rows"]] == names


def test_member_list_pages_of_fifty(client, coordinator, association):
    for index in range(51):
        member(association, datetime.date(2026, 3, 1), name=f"Person {index:02d}")
    client.force_login(coordinator)
    first = client.get(url(association))
    second = client.get(url(association) + "?page=2")
    assert len(first.context["rows"]) == 50
    assert [p.full_name for p in second.context["rows"]] == ["Person 50"]
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.parametrize("size", [1, 20])
def test_member_list_query_count_is_constant(
    client, coordinator, association, django_assert_num_queries, size
):
    for index in range(size):
        member(association, datetime.date(2026, 3, 1), name=f"Person {index:02d}")
    client.force_login(coordinator)
    client.get(url(association))
    # Session, user, the user's roles, the association; the count and the page.
    with django_assert_num_queries(6):
        response = client.get(url(association))
    assert len(response.context["rows"]) == size


def test_member_csv_is_filtered_and_formula_safe(client, coordinator, association, members):
    member(association, datetime.date(2026, 3, 1), name="=HYPERLINK(1)", email="eq@example.org")
    client.force_login(coordinator)
    response = client.get(csv_url(association, "?standing=expiring"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="members-northfield-2026-12-10.csv"'
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["Name", "E-mail", "Member number", "Membership", "Member until"],
        ["'=HYPERLINK(1)", "eq@example.org", "", "Expires within 30 days", "2026-12-31"],
        ["Evan Expiring", members["expiring"].email, "", "Expires within 30 days", "2026-12-31"],
    ]


@pytest.mark.parametrize("suffix", ["page", "csv"])
@pytest.mark.parametrize(
    "who", ["applicant member", "reviewer", "advisor", "coordinator elsewhere", "admin elsewhere"]
)
def test_member_list_is_hidden_from_others(
    client, make_staff, association, other_association, members, who, suffix
):
    user = {
        "applicant member": members["current"],
        "reviewer": make_staff(Role.REVIEWER, association),
        "advisor": make_staff(Role.ADVISOR, association),
        "coordinator elsewhere": make_staff(Role.COORDINATOR, other_association),
        "admin elsewhere": make_staff(Role.ASSOCIATION_ADMIN, other_association),
    }[who]
    client.force_login(user)
    address = url(association) if suffix == "page" else csv_url(association)
    assert client.get(address).status_code == 404


@pytest.mark.parametrize("suffix", ["page", "csv"])
def test_member_list_sends_anonymous_visitors_to_log_in(client, association, suffix):
    address = url(association) if suffix == "page" else csv_url(association)
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_unknown_association_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/a/nowhere/members/").status_code == 404


def test_names_with_html_render_as_text(client, coordinator, association):
    member(association, datetime.date(2026, 3, 1), name="<b>Bold</b>")
    client.force_login(coordinator)
    html = client.get(url(association)).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html
    assert "<b>Bold</b>" not in html


def test_dashboards_link_to_the_member_list(client, make_staff, association):
    for role in (Role.COORDINATOR, Role.ASSOCIATION_ADMIN):
        client.force_login(make_staff(role, association))
        html = client.get(f"/a/{association.slug}/dashboard/{role}/").content.decode()
        assert f'href="/a/{association.slug}/members/"' in html, role
