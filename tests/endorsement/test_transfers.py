"""Moving an endorsement to another association: the holder's request, the receiving
coordinator's decision, the endorsement continuing under the new association's number, and what
the public reads of both numbers (verification page, API, registry)."""

import datetime

import pytest
from django.urls import reverse

from accounts.enums import Role
from credentials.models import Certificate, CertificateState, StatusListEntry
from endorsement.enums import ApplicationState as S
from endorsement.enums import EndorsementStatus as E
from endorsement.enums import TransferState
from endorsement.lifecycle import EndorsementTransitionRefused, endorsement_transition
from endorsement.models import Endorsement, EndorsementEvent, EndorsementTransfer
from endorsement.transfers import (
    TransferRefused,
    endorsement_lineage,
    endorsement_transfer_accept,
    endorsement_transfer_refuse,
    endorsement_transfer_request,
    transfer_destinations,
)
from tests.factories import (
    EndorsementCategoryFactory,
    EndorsementFactory,
    MembershipFactory,
    UserFactory,
    endorsement_status_set,
)

OLD = "NORTHFIELD-IFS-2025-0007"
AWARDED_ON = datetime.date(2025, 3, 2)
VALID_THROUGH = datetime.date(2026, 12, 31)


@pytest.fixture
def holder(db):
    return UserFactory(email="farah@example.org", full_name="Farah Holder")


@pytest.fixture
def endorsement(association, category, holder):
    return EndorsementFactory(
        application__applicant=holder,
        category=category,
        number=OLD,
        awarded_on=AWARDED_ON,
        valid_through=VALID_THROUGH,
        registry_listed=True,
        registry_place="Springfield",
    )


@pytest.fixture
def lakeshore_ifs(other_association):
    return EndorsementCategoryFactory(
        framework__association=other_association, code="IFS", name="Infant Family Specialist"
    )


@pytest.fixture
def receiving(make_staff, other_association):
    """Lakeshore's coordinator."""
    return make_staff(
        Role.COORDINATOR, other_association, user__email="lee@example.org", user__full_name="Lee"
    )


def ask(endorsement, other_association, holder) -> EndorsementTransfer:
    return endorsement_transfer_request(
        endorsement=endorsement,
        to_association=other_association,
        by=holder,
        reason="I moved to Lakeshore for a new job.",
        moving_on=datetime.date(2026, 6, 1),
    )


def test_the_destinations_are_the_other_associations_offering_the_category(
    endorsement, other_association, lakeshore_ifs
):
    # A third association without IFS, and one that is not listed.
    EndorsementCategoryFactory(framework__association__slug="hilltop", code="IMHS")
    EndorsementCategoryFactory(
        framework__association__slug="hidden", framework__association__is_active=False, code="IFS"
    )
    assert transfer_destinations(endorsement=endorsement) == [other_association]


def test_accepted_the_endorsement_continues_under_the_new_number(
    eager,
    endorsement,
    other_association,
    lakeshore_ifs,
    receiving,
    holder,
    django_capture_on_commit_callbacks,
):
    transfer = ask(endorsement, other_association, holder)
    assert (transfer.state, transfer.from_association, transfer.to_association) == (
        TransferState.REQUESTED,
        endorsement.association,
        other_association,
    )
    with django_capture_on_commit_callbacks(execute=True):
        new = endorsement_transfer_accept(transfer=transfer, by=receiving)
    new.refresh_from_db()
    endorsement.refresh_from_db()
    transfer.refresh_from_db()
    assert (
        new.number,
        new.association,
        new.category,
        new.holder,
        new.awarded_on,
        new.valid_through,
        new.status,
        new.registry_listed,
        new.registry_place,
    ) == (
        "LAKESHORE-IFS-2025-0001",
        other_association,
        lakeshore_ifs,
        holder,
        AWARDED_ON,
        VALID_THROUGH,
        E.ACTIVE,
        True,
        "Springfield",
    )
    assert (new.application.association, new.application.state, new.application.category) == (
        other_association,
        S.AWARDED,
        lakeshore_ifs,
    )
    assert (endorsement.status, endorsement.continued_by) == (E.TRANSFERRED, new)
    assert (transfer.state, transfer.to_endorsement, transfer.decided_by) == (
        TransferState.ACCEPTED,
        new,
        receiving,
    )
    event = endorsement.events.get()
    assert (event.action, event.actor, event.from_status, event.to_status, event.note) == (
        "transfer",
        receiving,
        E.ACTIVE,
        E.TRANSFERRED,
        "Transferred to Lakeshore Association for Infant and Early Childhood Mental Health "
        "as endorsement LAKESHORE-IFS-2025-0001.",
    )
    arrival = new.events.get()
    assert (arrival.action, arrival.note) == (
        "transfer_in",
        "Transferred from Northfield Association for Infant Mental Health, where it was "
        f"endorsement {OLD}.",
    )
    # What follows an award: the new endorsement's certificate and status-list entry.
    certificate = Certificate.objects.get(endorsement=new)
    assert certificate.state == CertificateState.READY
    assert StatusListEntry.objects.get(endorsement=new).association == other_association


def test_the_new_number_counts_the_receiving_association_s_awards_of_that_year(
    endorsement, other_association, lakeshore_ifs, receiving, holder
):
    EndorsementFactory(
        category=lakeshore_ifs, number="LAKESHORE-IFS-2025-0003", awarded_on=AWARDED_ON
    )
    EndorsementFactory(
        category=lakeshore_ifs,
        number="LAKESHORE-IFS-2026-0009",
        awarded_on=datetime.date(2026, 1, 5),
    )
    new = endorsement_transfer_accept(
        transfer=ask(endorsement, other_association, holder), by=receiving
    )
    assert new.number == "LAKESHORE-IFS-2025-0004"


def test_the_new_endorsement_s_lineage_leads_back_to_the_old_one(
    endorsement, other_association, lakeshore_ifs, receiving, holder
):
    new = endorsement_transfer_accept(
        transfer=ask(endorsement, other_association, holder), by=receiving
    )
    assert (endorsement_lineage(new), endorsement_lineage(endorsement)) == ([endorsement], [])


@pytest.mark.parametrize("status", [E.RENEWAL_DUE, E.EMERITUS])
def test_renewal_due_and_emeritus_keep_their_standing(
    endorsement, other_association, lakeshore_ifs, receiving, holder, status
):
    endorsement_status_set(endorsement, status)
    new = endorsement_transfer_accept(
        transfer=ask(endorsement, other_association, holder), by=receiving
    )
    assert (new.status, Endorsement.objects.get(pk=endorsement.pk).status) == (
        status,
        E.TRANSFERRED,
    )


def test_the_holder_alone_asks(endorsement, other_association, lakeshore_ifs, receiving):
    for person in (UserFactory(), receiving, None):
        with pytest.raises(TransferRefused, match="Only the holder"):
            ask(endorsement, other_association, person)
    assert EndorsementTransfer.objects.count() == 0


def test_the_same_association_is_refused(endorsement, holder):
    with pytest.raises(TransferRefused, match="Choose another association"):
        ask(endorsement, endorsement.association, holder)
    assert EndorsementTransfer.objects.count() == 0


def test_an_association_without_the_category_is_refused(endorsement, other_association, holder):
    EndorsementCategoryFactory(framework__association=other_association, code="IMHS")
    with pytest.raises(TransferRefused, match="does not offer the IFS category"):
        ask(endorsement, other_association, holder)
    assert EndorsementTransfer.objects.count() == 0


@pytest.mark.parametrize("status", [E.REVOKED, E.LAPSED, E.SUPERSEDED, E.TRANSFERRED])
def test_an_endorsement_that_is_not_current_is_refused(
    endorsement, other_association, lakeshore_ifs, holder, status
):
    endorsement_status_set(endorsement, status)
    with pytest.raises(TransferRefused, match="cannot be transferred"):
        ask(endorsement, other_association, holder)
    assert EndorsementTransfer.objects.count() == 0


def test_a_second_request_while_one_waits_is_refused(
    endorsement, other_association, lakeshore_ifs, holder
):
    ask(endorsement, other_association, holder)
    with pytest.raises(TransferRefused, match="already waits"):
        ask(endorsement, other_association, holder)
    assert EndorsementTransfer.objects.count() == 1


def test_a_request_needs_a_reason(endorsement, other_association, lakeshore_ifs, holder):
    with pytest.raises(TransferRefused, match="Say why"):
        endorsement_transfer_request(
            endorsement=endorsement, to_association=other_association, by=holder, reason=" "
        )
    assert EndorsementTransfer.objects.count() == 0


def test_deciding_twice_is_refused_and_changes_nothing(
    endorsement, other_association, lakeshore_ifs, receiving, holder
):
    transfer = ask(endorsement, other_association, holder)
    new = endorsement_transfer_accept(transfer=transfer, by=receiving)
    with pytest.raises(TransferRefused, match="already decided: accepted"):
        endorsement_transfer_accept(transfer=transfer, by=receiving)
    with pytest.raises(TransferRefused, match="already decided"):
        endorsement_transfer_refuse(transfer=transfer, by=receiving, reason="No.")
    assert Endorsement.objects.filter(association=other_association).get() == new
    assert EndorsementEvent.objects.filter(action="transfer").count() == 1


def test_only_the_receiving_coordinator_decides(
    endorsement, other_association, lakeshore_ifs, holder, coordinator, make_staff
):
    transfer = ask(endorsement, other_association, holder)
    third = make_staff(Role.COORDINATOR, EndorsementCategoryFactory().framework.association)
    reviewer = make_staff(Role.REVIEWER, other_association)
    for person in (coordinator, holder, third, reviewer, None):
        with pytest.raises(TransferRefused, match="Only a coordinator of the receiving"):
            endorsement_transfer_accept(transfer=transfer, by=person)
        with pytest.raises(TransferRefused, match="Only a coordinator of the receiving"):
            endorsement_transfer_refuse(transfer=transfer, by=person, reason="No.")
    transfer.refresh_from_db()
    assert transfer.state == TransferState.REQUESTED
    assert Endorsement.objects.get(pk=endorsement.pk).status == E.ACTIVE


def test_an_endorsement_revoked_while_the_request_waits_is_not_transferred(
    endorsement, other_association, lakeshore_ifs, receiving, holder, coordinator
):
    transfer = ask(endorsement, other_association, holder)
    endorsement_transition(endorsement=endorsement, action="revoke", by=coordinator, note="Board.")
    with pytest.raises(TransferRefused, match="revoked now"):
        endorsement_transfer_accept(transfer=transfer, by=receiving)
    assert Endorsement.objects.filter(association=other_association).count() == 0
    transfer.refresh_from_db()
    assert transfer.state == TransferState.REQUESTED


def test_refused_with_a_reason_the_endorsement_stays(
    endorsement, other_association, lakeshore_ifs, receiving, holder
):
    transfer = ask(endorsement, other_association, holder)
    with pytest.raises(TransferRefused, match="Give the reason"):
        endorsement_transfer_refuse(transfer=transfer, by=receiving, reason="")
    endorsement_transfer_refuse(transfer=transfer, by=receiving, reason="No such job here.")
    transfer.refresh_from_db()
    assert (transfer.state, transfer.decision_note, transfer.decided_by) == (
        TransferState.REFUSED,
        "No such job here.",
        receiving,
    )
    assert Endorsement.objects.get(pk=endorsement.pk).status == E.ACTIVE
    # Refused, the holder may ask again.
    assert ask(endorsement, other_association, holder).state == TransferState.REQUESTED


# --- The writer: who may take the transfer step ------------------------------------------------


def test_the_writer_lets_the_receiving_coordinator_transfer_only_to_their_association(
    endorsement, other_association, lakeshore_ifs, receiving, make_staff
):
    elsewhere = EndorsementFactory(category__framework__association__slug="hilltop")
    with pytest.raises(EndorsementTransitionRefused, match="may not take this step"):
        endorsement_transition(
            endorsement=endorsement,
            action="transfer",
            by=receiving,
            continued_by=elsewhere,
            facts={"to_association": other_association},  # a claim the writer ignores
        )
    with pytest.raises(EndorsementTransitionRefused, match="may not take this step"):
        endorsement_transition(endorsement=endorsement, action="transfer", by=receiving)
    assert Endorsement.objects.get(pk=endorsement.pk).status == E.ACTIVE


def test_the_writer_needs_the_continuing_endorsement(endorsement, coordinator):
    with pytest.raises(EndorsementTransitionRefused, match="needs the endorsement that continues"):
        endorsement_transition(endorsement=endorsement, action="transfer", by=coordinator)
    same = EndorsementFactory(category=endorsement.category)
    with pytest.raises(EndorsementTransitionRefused, match="needs the endorsement that continues"):
        endorsement_transition(
            endorsement=endorsement, action="transfer", by=coordinator, continued_by=same
        )
    assert Endorsement.objects.get(pk=endorsement.pk).status == E.ACTIVE


# --- Through the pages, and what the public reads -----------------------------------------------


def test_end_to_end_through_the_pages(
    client,
    eager,
    endorsement,
    other_association,
    lakeshore_ifs,
    receiving,
    holder,
    django_capture_on_commit_callbacks,
):
    request_url = reverse("endorsement:transfer.request", kwargs={"pk": endorsement.pk})
    client.force_login(holder)
    dashboard = client.get(reverse("accounts:dashboard.applicant")).content.decode()
    assert request_url in dashboard
    page = client.get(request_url)
    assert page.status_code == 200
    assert list(page.context["form"].fields["to_association"].queryset) == [other_association]
    response = client.post(
        request_url,
        {"to_association": other_association.pk, "moving_on": "2026-06-01", "reason": "New job."},
    )
    transfer = EndorsementTransfer.objects.get()
    detail_url = reverse("endorsement:transfer.detail", kwargs={"pk": transfer.pk})
    assert (response.status_code, response["Location"]) == (302, detail_url)
    assert "Waiting for the decision of Lakeshore" in client.get(detail_url).content.decode()
    # The holder may read the request, not decide it.
    assert client.post(detail_url, {"decision": "accept"}).status_code == 403

    client.force_login(receiving)
    coordinator_dashboard = client.get(
        reverse(
            "accounts:dashboard.role",
            kwargs={"slug": other_association.slug, "role": Role.COORDINATOR},
        )
    ).content.decode()
    assert "Accept or refuse the transfer of Farah Holder (IFS)" in coordinator_dashboard
    assert detail_url in coordinator_dashboard
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail_url, {"decision": "accept"})
    assert (response.status_code, response["Location"]) == (302, detail_url)
    new = Endorsement.objects.get(association=other_association)
    page = client.get(detail_url).content.decode()
    assert f'href="/verify/{new.number}/"' in page
    # Twice: told, nothing more happens.
    client.post(detail_url, {"decision": "accept"})
    assert Endorsement.objects.filter(association=other_association).count() == 1

    client.logout()
    old_page = client.get(reverse("credentials:verify", kwargs={"number": OLD})).content.decode()
    assert (
        "Transferred to Lakeshore Association for Infant and Early Childhood Mental Health as "
        f'<a class="alert-link" href="/verify/{new.number}/">{new.number}</a>.'
    ) in old_page
    new_page = client.get(reverse("credentials:verify", kwargs={"number": new.number}))
    assert new_page.context["facts"].status == E.ACTIVE
    assert new_page.context["facts"].association_name == other_association.name

    old_api = client.get(f"/api/v1/endorsements/{OLD}").json()
    new_api = client.get(f"/api/v1/endorsements/{new.number}").json()
    assert (old_api["status"], old_api["continued_by"]) == ("transferred", new.number)
    assert (new_api["status"], new_api["continued_by"], new_api["valid_through"]) == (
        "active",
        None,
        "2026-12-31",
    )
    registries = {
        slug: client.get(reverse("credentials:registry", kwargs={"slug": slug})).content.decode()
        for slug in ("northfield", "lakeshore")
    }
    assert ("Farah Holder" in registries["northfield"], new.number in registries["lakeshore"]) == (
        False,
        True,
    )


def test_the_holder_needs_the_new_association_s_membership(
    client, endorsement, other_association, lakeshore_ifs, receiving, holder
):
    MembershipFactory(user=holder, association=endorsement.association)
    endorsement_transfer_accept(transfer=ask(endorsement, other_association, holder), by=receiving)
    client.force_login(holder)
    response = client.get(reverse("accounts:dashboard.applicant"))
    members = {
        application.association.slug: application.is_member
        for application in response.context["applications"]
    }
    assert members == {"northfield": True, "lakeshore": False}
    join = reverse("billing:membership", kwargs={"slug": "lakeshore"})
    assert f'<a href="{join}">join {other_association.name} online</a>' in response.content.decode()


def test_a_superseded_endorsement_s_page_names_its_successor(client, endorsement, coordinator):
    successor = EndorsementFactory(
        category__framework__association=endorsement.association,
        category__code="IMHS",
        number="NORTHFIELD-IMHS-2026-0001",
    )
    endorsement_transition(
        endorsement=endorsement,
        action="supersede",
        by=coordinator,
        continued_by=successor,
        note_key="endorsement_supersede",
        note_values={"number": successor.number},
    )
    page = client.get(reverse("credentials:verify", kwargs={"number": OLD})).content.decode()
    assert (
        'Superseded by <a class="alert-link" href="/verify/NORTHFIELD-IMHS-2026-0001/">'
        "NORTHFIELD-IMHS-2026-0001</a>."
    ) in page
    assert client.get(f"/api/v1/endorsements/{OLD}").json()["continued_by"] == successor.number


def test_refused_the_holder_reads_the_reason(
    client, endorsement, other_association, lakeshore_ifs, receiving, holder
):
    transfer = ask(endorsement, other_association, holder)
    detail_url = reverse("endorsement:transfer.detail", kwargs={"pk": transfer.pk})
    client.force_login(receiving)
    assert client.post(detail_url, {"decision": "refuse", "reason": ""}).status_code == 400
    client.post(detail_url, {"decision": "refuse", "reason": "We do not take IFS transfers."})
    client.force_login(holder)
    page = client.get(detail_url).content.decode()
    assert "We do not take IFS transfers." in page
    dashboard = client.get(reverse("accounts:dashboard.applicant")).content.decode()
    assert "your transfer to Lakeshore" in dashboard and "refused" in dashboard


@pytest.mark.parametrize("method", ["get", "post"])
def test_others_are_refused_and_nothing_changes(
    client, endorsement, other_association, lakeshore_ifs, holder, make_staff, method
):
    transfer = ask(endorsement, other_association, holder)
    urls = [
        reverse("endorsement:transfer.request", kwargs={"pk": endorsement.pk}),
        reverse("endorsement:transfer.detail", kwargs={"pk": transfer.pk}),
    ]
    data = {"to_association": other_association.pk, "reason": "x", "decision": "accept"}
    outsiders = [
        UserFactory(),  # another applicant
        make_staff(Role.COORDINATOR, EndorsementCategoryFactory().framework.association),
        make_staff(Role.REVIEWER, other_association),
        make_staff(Role.ASSOCIATION_ADMIN, other_association),
    ]
    for person in outsiders:
        client.force_login(person)
        assert [getattr(client, method)(url, data).status_code for url in urls] == [404, 404]
    client.logout()
    for url in urls:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    transfer.refresh_from_db()
    assert transfer.state == TransferState.REQUESTED
    assert EndorsementTransfer.objects.count() == 1


@pytest.mark.parametrize("size", [1, 6])
def test_the_pages_cost_the_same_queries_whatever_the_data(
    client,
    endorsement,
    other_association,
    lakeshore_ifs,
    receiving,
    holder,
    django_assert_num_queries,
    size,
):
    """The request page and the request's page, with ``size`` earlier refused requests and
    ``size`` other holders' requests waiting at Lakeshore."""
    for _ in range(size):
        refused = ask(endorsement, other_association, holder)
        endorsement_transfer_refuse(transfer=refused, by=receiving, reason="Not yet.")
        other = EndorsementFactory(category=endorsement.category)
        ask(other, other_association, other.holder)
    transfer = ask(endorsement, other_association, holder)
    client.force_login(holder)
    # Session, user; the endorsement, the request waiting, the destinations (the frameworks
    # in force, their categories with the code), the form's choices.
    with django_assert_num_queries(7):
        response = client.get(
            reverse("endorsement:transfer.request", kwargs={"pk": endorsement.pk})
        )
    assert response.context["waiting"] == transfer
    client.force_login(receiving)
    # Session, user, the request with everything it shows, the receiving coordinator's roles.
    with django_assert_num_queries(4):
        response = client.get(reverse("endorsement:transfer.detail", kwargs={"pk": transfer.pk}))
    assert response.context["may_decide"] is True
