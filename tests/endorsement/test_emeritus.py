"""Emeritus status: the holder asks (one waiting request per endorsement, only from an active
or due endorsement); a coordinator of the endorsement's association approves (the endorsement
is retired through the one writer, its timeline and an e-mail) or refuses with a reason (an
e-mail); deciding twice is harmless; everyone else gets 404; the coordinator's dashboard lists
the request under "Needs you now"."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.enums import Role
from endorsement.emeritus import (
    EmeritusRefused,
    emeritus_approve,
    emeritus_refuse,
    emeritus_request,
)
from endorsement.enums import ApplicationState, EmeritusState, EndorsementStatus
from endorsement.lifecycle import EndorsementTransitionRefused
from endorsement.models import EmeritusRequest, EndorsementEvent
from tests.factories import (
    ApplicationFactory,
    EndorsementFactory,
    UserFactory,
    endorsement_status_set,
)

DASHBOARD = "/a/northfield/dashboard/coordinator/"


@pytest.fixture
def endorsement(category, applicant):
    application = ApplicationFactory(
        category=category, applicant=applicant, state=ApplicationState.AWARDED
    )
    return EndorsementFactory(
        application=application, category=category, number="NORTH-IFS-2026-0001"
    )


@pytest.fixture
def asked(endorsement):
    return emeritus_request(endorsement=endorsement, by=endorsement.holder, note="Retired in May.")


def request_url(endorsement):
    return reverse("endorsement:emeritus.request", kwargs={"pk": endorsement.pk})


def decide_url(asked):
    return reverse("endorsement:emeritus.decide", kwargs={"pk": asked.pk})


# --- The services --------------------------------------------------------------------------


def test_the_holder_asks_and_the_request_waits(asked, endorsement):
    assert EmeritusRequest.objects.get() == asked
    assert (asked.state, asked.holder, asked.note) == (
        EmeritusState.PENDING,
        endorsement.holder,
        "Retired in May.",
    )
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.ACTIVE


def test_a_second_request_while_one_waits_is_refused(asked, endorsement):
    with pytest.raises(EmeritusRefused, match="already asked"):
        emeritus_request(endorsement=endorsement, by=endorsement.holder)
    assert EmeritusRequest.objects.count() == 1


def test_only_the_holder_may_ask(endorsement):
    with pytest.raises(EmeritusRefused, match="Only the holder"):
        emeritus_request(endorsement=endorsement, by=UserFactory())
    assert EmeritusRequest.objects.count() == 0


@pytest.mark.parametrize(
    "status", [EndorsementStatus.LAPSED, EndorsementStatus.REVOKED, EndorsementStatus.EMERITUS]
)
def test_a_request_from_a_standing_that_cannot_retire_is_refused(endorsement, status):
    endorsement_status_set(endorsement, status)
    with pytest.raises(EmeritusRefused, match="emeritus status is for active endorsements"):
        emeritus_request(endorsement=endorsement, by=endorsement.holder)
    assert EmeritusRequest.objects.count() == 0


def test_a_due_endorsement_may_retire(endorsement, coordinator):
    endorsement_status_set(endorsement, EndorsementStatus.RENEWAL_DUE)
    asked = emeritus_request(endorsement=endorsement, by=endorsement.holder)
    emeritus_approve(request=asked, by=coordinator)
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.EMERITUS


def test_approving_retires_through_the_writer_and_tells_the_holder(
    asked, endorsement, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        emeritus_approve(request=asked, by=coordinator)
    asked.refresh_from_db()
    endorsement.refresh_from_db()
    assert (asked.state, asked.decided_by) == (EmeritusState.APPROVED, coordinator)
    assert asked.decided_at is not None
    assert endorsement.status == EndorsementStatus.EMERITUS
    event = EndorsementEvent.objects.get()
    assert (event.action, event.actor, event.from_status, event.to_status, event.note_key) == (
        "retire",
        coordinator,
        EndorsementStatus.ACTIVE,
        EndorsementStatus.EMERITUS,
        "endorsement_retire",
    )
    assert [message.to for message in mail.outbox] == [[endorsement.holder.email]]
    assert "NORTH-IFS-2026-0001" in mail.outbox[0].subject
    assert "/dashboard/applicant/" in mail.outbox[0].body


def test_approving_twice_changes_nothing_more(
    asked, coordinator, django_capture_on_commit_callbacks
):
    emeritus_approve(request=asked, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        emeritus_approve(request=asked, by=coordinator)
    assert EndorsementEvent.objects.count() == 1
    assert mail.outbox == []


def test_a_coordinator_of_another_association_cannot_approve(
    asked, endorsement, make_staff, other_association
):
    stranger = make_staff(Role.COORDINATOR, other_association)
    with pytest.raises(EndorsementTransitionRefused):
        emeritus_approve(request=asked, by=stranger)
    asked.refresh_from_db()
    endorsement.refresh_from_db()
    assert (asked.state, endorsement.status) == (EmeritusState.PENDING, EndorsementStatus.ACTIVE)


def test_refusing_needs_a_reason_and_tells_the_holder(
    asked, endorsement, coordinator, django_capture_on_commit_callbacks
):
    with pytest.raises(EmeritusRefused, match="Give the reason"):
        emeritus_refuse(request=asked, by=coordinator, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        emeritus_refuse(request=asked, by=coordinator, reason="You still practise part time.")
    asked.refresh_from_db()
    endorsement.refresh_from_db()
    assert (asked.state, asked.refusal_reason) == (
        EmeritusState.REFUSED,
        "You still practise part time.",
    )
    assert endorsement.status == EndorsementStatus.ACTIVE
    assert len(mail.outbox) == 1
    assert "You still practise part time." in mail.outbox[0].body
    # Refused, the holder may ask again.
    again = emeritus_request(endorsement=endorsement, by=endorsement.holder)
    assert again.state == EmeritusState.PENDING


# --- The pages -------------------------------------------------------------------------------


def test_the_holder_asks_from_the_page(client, endorsement):
    client.force_login(endorsement.holder)
    page = client.get(request_url(endorsement))
    assert page.status_code == 200
    assert 'id="emeritus-form"' in page.content.decode()
    response = client.post(request_url(endorsement), {"note": "Retired."})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/applicant/"
    asked = EmeritusRequest.objects.get()
    assert (asked.note, asked.state) == ("Retired.", EmeritusState.PENDING)
    again = client.get(request_url(endorsement)).content.decode()
    assert "emeritus-pending" in again and 'id="emeritus-form"' not in again
    # A second POST while it waits is refused: the page says it waits, nothing is added.
    refused = client.post(request_url(endorsement), {"note": ""})
    assert refused.status_code == 400
    assert "emeritus-pending" in refused.content.decode()
    assert EmeritusRequest.objects.count() == 1


def test_the_coordinator_approves_from_the_page(client, asked, endorsement, coordinator):
    client.force_login(coordinator)
    page = client.get(decide_url(asked))
    assert page.status_code == 200
    assert "Retired in May." in page.content.decode()
    response = client.post(decide_url(asked), {"decision": "approve"})
    detail = reverse("endorsement:detail", kwargs={"application_id": endorsement.application_id})
    assert response["Location"] == detail
    endorsement.refresh_from_db()
    assert endorsement.status == EndorsementStatus.EMERITUS
    decided = client.get(decide_url(asked)).content.decode()
    assert "emeritus-decided" in decided


def test_the_coordinator_refuses_from_the_page_with_a_reason(client, asked, coordinator):
    client.force_login(coordinator)
    empty = client.post(decide_url(asked), {"decision": "refuse", "reason": ""})
    assert empty.status_code == 400
    response = client.post(decide_url(asked), {"decision": "refuse", "reason": "Not yet."})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.state, asked.refusal_reason) == (EmeritusState.REFUSED, "Not yet.")


def test_the_request_is_a_needs_you_row_on_the_coordinators_dashboard(client, asked, coordinator):
    client.force_login(coordinator)
    tasks = client.get(DASHBOARD).context["needs_you"]
    rows = [task for task in tasks if task.kind == "emeritus"]
    assert [(task.label, task.url) for task in rows] == [
        ("Decide the request for emeritus status of Ana Applicant (IFS)", decide_url(asked))
    ]


@pytest.mark.parametrize("who", ["another applicant", "other coordinator", "anonymous"])
def test_others_cannot_open_the_request_page(
    client, endorsement, make_staff, other_association, who
):
    if who == "another applicant":
        client.force_login(UserFactory())
    elif who == "other coordinator":
        client.force_login(make_staff(Role.COORDINATOR, other_association))
    for method in (client.get, client.post):
        response = method(request_url(endorsement), {"note": "x"})
        if who == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 404
    assert EmeritusRequest.objects.count() == 0


@pytest.mark.parametrize(
    "who", ["holder", "another applicant", "other coordinator", "admin", "anonymous"]
)
def test_others_cannot_decide(
    client, asked, endorsement, make_staff, association, other_association, who
):
    if who == "holder":
        client.force_login(endorsement.holder)
    elif who == "another applicant":
        client.force_login(UserFactory())
    elif who == "other coordinator":
        client.force_login(make_staff(Role.COORDINATOR, other_association))
    elif who == "admin":
        # The association's admin does not retire endorsements: only its coordinators.
        client.force_login(make_staff(Role.ASSOCIATION_ADMIN, association))
    for method in (client.get, client.post):
        response = method(decide_url(asked), {"decision": "approve"})
        if who == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 404
    asked.refresh_from_db()
    assert asked.state == EmeritusState.PENDING
