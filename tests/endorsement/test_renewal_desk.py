"""The coordinator's renewal desk: the season, counts by standing, the filtered and paginated
list with days in standing, its CSV, the bulk actions with their confirmation step; only the
association's coordinators (and, to read, its admins) reach it; constant query counts."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from endorsement.desk import renewal_season
from endorsement.enums import ApplicationState, EndorsementStatus, RenewalState
from endorsement.models import Renewal, RenewalPolicy
from tests.factories import (
    ApplicationFactory,
    EndorsementFactory,
    UserFactory,
    endorsement_status_set,
)

E = EndorsementStatus
DESK = "/coordinator/a/northfield/renewals/desk/"
CSV = "/coordinator/a/northfield/renewals/desk.csv"
BULK = "/coordinator/a/northfield/renewals/desk/bulk/"


def holder(category, name, status=E.ACTIVE, *, valid_through=None, days=0, **fields):
    application = ApplicationFactory(
        category=category,
        applicant=UserFactory(full_name=name, email=f"{name.split()[0].lower()}@example.org"),
        state=ApplicationState.AWARDED,
    )
    endorsement = EndorsementFactory(
        application=application,
        category=category,
        valid_through=valid_through or datetime.date(2026, 12, 31),
    )
    return endorsement_status_set(
        endorsement,
        status,
        status_since=timezone.now() - datetime.timedelta(days=days),
        **fields,
    )


# --- The season --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (datetime.date(2026, 12, 6), 2026),
        (datetime.date(2026, 10, 1), 2026),
        (datetime.date(2026, 9, 30), 2025),
        (datetime.date(2027, 1, 15), 2026),
        (datetime.date(2027, 3, 1), 2026),
    ],
)
def test_the_season_is_the_year_whose_31_december_is_being_renewed(association, today, year):
    season = renewal_season(association, today)
    assert (season.year, season.renewal_year) == (year, year + 1)
    assert season.dates.valid_through == datetime.date(year, 12, 31)


def test_the_season_follows_the_associations_opening_date(association):
    RenewalPolicy.objects.create(association=association, opens_month=11, opens_day=15)
    assert renewal_season(association, datetime.date(2026, 11, 14)).year == 2025
    assert renewal_season(association, datetime.date(2026, 11, 15)).year == 2026


# --- Counts and the list -----------------------------------------------------------------------


@pytest.fixture
def holders(category, other_association):
    today = datetime.date.today()
    rows = {
        "active": holder(
            category, "Ada Active", valid_through=datetime.date(today.year + 1, 12, 31)
        ),
        "due": holder(
            category,
            "Dora Due",
            E.RENEWAL_DUE,
            valid_through=datetime.date(today.year, 12, 31),
            days=20,
        ),
        "late": holder(
            category,
            "Luke Late",
            E.RENEWAL_DUE,
            valid_through=datetime.date(today.year - 1, 12, 31),
            days=90,
        ),
        "lapsed": holder(category, "Lena Lapsed", E.LAPSED, days=5),
        "emeritus": holder(category, "Emma Emeritus", E.EMERITUS),
        "revoked": holder(category, "Rob Revoked", E.REVOKED),
    }
    # Renewed this season (its renewal approved), one waiting for approval, one to audit.
    season = renewal_season(category.framework.association)
    renewed = holder(category, "Rita Renewed", valid_through=datetime.date(2099, 12, 31))
    Renewal.objects.create(
        endorsement=renewed,
        year=season.renewal_year,
        state=RenewalState.APPROVED,
        audit_selected=True,
    )
    Renewal.objects.create(
        endorsement=rows["due"], year=season.renewal_year, state=RenewalState.SUBMITTED
    )
    rows["renewed"] = renewed
    # Another association's holder is never counted.
    other = ApplicationFactory(
        category__framework__association=other_association, state=ApplicationState.AWARDED
    )
    EndorsementFactory(application=other, category=other.category)
    return rows


def counts(response) -> dict:
    return {row["group"]: row["count"] for row in response.context["counts"]}


def test_the_desk_counts_each_standing(client, coordinator, holders):
    client.force_login(coordinator)
    response = client.get(DESK)
    assert response.status_code == 200
    assert counts(response) == {
        "active": 1,
        "due": 1,
        "late": 1,
        "lapsed": 1,
        "emeritus": 1,
        "renewed": 1,
        "waiting": 1,
        "audit": 1,
    }
    names = [row.holder.get_full_name() for row in response.context["rows"]]
    # Revoked holders are not renewed: not listed. Longest in their standing first.
    assert names[:2] == ["Luke Late", "Dora Due"]
    assert sorted(names) == sorted(
        ["Ada Active", "Dora Due", "Luke Late", "Lena Lapsed", "Emma Emeritus", "Rita Renewed"]
    )
    rows = {row.holder.get_full_name(): row for row in response.context["rows"]}
    assert rows["Luke Late"].days_in_status == 90
    assert rows["Luke Late"].is_late and not rows["Dora Due"].is_late
    assert (rows["Dora Due"].renewal_state, rows["Dora Due"].renewal_state_label) == (
        RenewalState.SUBMITTED,
        "Waiting for approval",
    )
    assert rows["Rita Renewed"].audit_waiting
    detail = reverse(
        "endorsement:detail", kwargs={"application_id": holders["late"].application_id}
    )
    assert rows["Luke Late"].link == detail


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"group": "late"}, ["Luke Late"]),
        ({"group": "due"}, ["Dora Due"]),
        ({"group": "waiting"}, ["Dora Due"]),
        ({"group": "audit"}, ["Rita Renewed"]),
        ({"group": "lapsed"}, ["Lena Lapsed"]),
        ({"q": "emma@"}, ["Emma Emeritus"]),
        ({"q": "ada", "group": "late"}, []),
        ({"group": "nonsense"}, None),  # an unknown value is ignored: everyone
    ],
)
def test_the_list_filters_and_searches(client, coordinator, holders, query, names):
    client.force_login(coordinator)
    response = client.get(DESK, query)
    shown = sorted(row.holder.get_full_name() for row in response.context["rows"])
    assert shown == (
        sorted(names)
        if names is not None
        else sorted(
            ["Ada Active", "Dora Due", "Luke Late", "Lena Lapsed", "Emma Emeritus", "Rita Renewed"]
        )
    )


def test_the_csv_has_the_filtered_rows(client, coordinator, holders):
    client.force_login(coordinator)
    response = client.get(CSV, {"group": "late"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].split(",")[:5] == ["name", "email", "number", "category", "status"]
    assert len(lines) == 2
    cells = lines[1].split(",")
    assert cells[:2] == ["Luke Late", "luke@example.org"]
    assert (cells[4], cells[5], cells[7]) == ("renewal_due", "yes", "90")


def test_the_coordinators_dashboard_links_to_the_desk(client, coordinator):
    client.force_login(coordinator)
    html = client.get("/a/northfield/dashboard/coordinator/").content.decode()
    assert f'href="{DESK}"' in html


# --- Bulk actions -----------------------------------------------------------------------------


def test_a_reminder_is_confirmed_then_sent_to_the_due_and_late_holders_only(
    client, coordinator, holders, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    ids = [holders[key].pk for key in ("due", "late", "active")]
    confirm = client.post(BULK, {"action": "remind", "ids": ids})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Dora Due" in html and "Luke Late" in html and "Ada Active" not in html
    assert "1 selected holder is left out" in html
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(BULK, {"action": "remind", "ids": ids, "confirm": "yes"})
    assert done.status_code == 302
    assert sorted(message.to[0] for message in mail.outbox) == [
        "dora@example.org",
        "luke@example.org",
    ]
    late = next(message for message in mail.outbox if message.to == ["luke@example.org"])
    assert "the renewal is late" in late.subject
    assert "The renewal is late: the late fee applies." in late.body


def test_audits_are_marked_done(client, coordinator, holders):
    client.force_login(coordinator)
    ids = [holders["renewed"].pk, holders["due"].pk]
    client.post(BULK, {"action": "audited", "ids": ids, "confirm": "yes"})
    renewal = Renewal.objects.get(endorsement=holders["renewed"])
    assert renewal.audited_at is not None
    assert Renewal.objects.get(endorsement=holders["due"]).audited_at is None


def test_another_associations_endorsements_are_left_out_of_a_bulk_action(
    client, coordinator, other_association, django_capture_on_commit_callbacks
):
    other = ApplicationFactory(
        category__framework__association=other_association, state=ApplicationState.AWARDED
    )
    stranger = endorsement_status_set(
        EndorsementFactory(application=other, category=other.category), E.RENEWAL_DUE
    )
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(BULK, {"action": "remind", "ids": [stranger.pk], "confirm": "yes"})
    assert mail.outbox == []


def test_an_unknown_action_is_refused(client, coordinator, holders):
    client.force_login(coordinator)
    assert client.post(BULK, {"action": "delete", "ids": [holders["due"].pk]}).status_code == 400


# --- Who may --------------------------------------------------------------------------------


def test_the_associations_admin_reads_the_desk_but_does_not_act(
    client, make_staff, association, holders, django_capture_on_commit_callbacks
):
    client.force_login(make_staff(Role.ASSOCIATION_ADMIN, association))
    response = client.get(DESK)
    assert response.status_code == 200
    assert 'id="desk-bulk"' not in response.content.decode()
    assert client.get(CSV).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            BULK, {"action": "remind", "ids": [holders["due"].pk], "confirm": "yes"}
        )
    assert refused.status_code == 403
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["holder", "other coordinator", "reviewer", "anonymous"])
def test_others_are_refused(
    client,
    make_staff,
    association,
    other_association,
    holders,
    who,
    django_capture_on_commit_callbacks,
):
    if who == "holder":
        client.force_login(holders["due"].holder)
    elif who == "other coordinator":
        client.force_login(make_staff(Role.COORDINATOR, other_association))
    elif who == "reviewer":
        client.force_login(make_staff(Role.REVIEWER, association))
    with django_capture_on_commit_callbacks(execute=True):
        for url in (DESK, CSV, BULK):
            for method in (client.get, client.post):
                response = method(
                    url, {"action": "remind", "ids": [holders["due"].pk], "confirm": "yes"}
                )
                if who == "anonymous":
                    assert response.status_code == 302, url
                    assert response["Location"].startswith("/accounts/login/")
                else:
                    assert response.status_code in (403, 405), (url, method)
    assert mail.outbox == []


# --- Query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize("query", [{}, {"group": "due", "q": "example"}])
def test_the_desk_costs_the_same_queries_for_2_or_20_holders(
    client, coordinator, category, django_assert_num_queries, size, query
):
    season = renewal_season(category.framework.association)
    for index in range(size):
        endorsement = holder(
            category, f"Holder{index} Person", [E.ACTIVE, E.RENEWAL_DUE][index % 2]
        )
        Renewal.objects.create(endorsement=endorsement, year=season.renewal_year)
    client.force_login(coordinator)
    client.get(DESK)
    # Session, user, roles, association; its renewal policy (the season); categories for the
    # filter; the counts; the list's count, its page's ids, the page's rows.
    with django_assert_num_queries(4 + 1 + 1 + 1 + 3):
        response = client.get(DESK, query)
    assert response.status_code == 200
    # Session, user, roles, association; its policy; categories; the rows.
    with django_assert_num_queries(4 + 1 + 1 + 1):
        csv = client.get(CSV, query)
        b"".join(csv.streaming_content)
