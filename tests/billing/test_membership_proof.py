"""Membership of another association for infant mental health, accepted with proof the
coordinator confirms: sending it (the file checked by its content), confirming or refusing it,
and a confirmed proof counting as a current membership until its end date."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.enums import MembershipProofState, Role
from accounts.models import MembershipProof
from accounts.selectors import current_membership, membership_annotations
from billing.membership_proofs import (
    ProofRefused,
    membership_proof_confirm,
    membership_proof_refuse,
    membership_proof_submit,
)
from endorsement.selectors import registrations_waiting
from tests.factories import PDF_BYTES, ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def pdf(name="card.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def send(user, association, *, end=None, upload=None) -> MembershipProof:
    return membership_proof_submit(
        user=user,
        association=association,
        other_association="Lakeshore AIMH",
        member_number="L-77",
        end=end or association.today() + datetime.timedelta(days=200),
        uploaded_file=upload or pdf(),
    )


def test_a_confirmed_proof_counts_as_membership_until_its_end(
    association, applicant, coordinator, category
):
    proof = send(applicant, association)
    assert (proof.state, proof.original_name, proof.content_type, proof.size) == (
        MembershipProofState.PENDING,
        "card.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert proof.file.name.startswith(f"membership-proofs/{association.pk}/")
    assert current_membership(user=applicant, association=association) is None
    membership_proof_confirm(proof=proof, by=coordinator)
    proof.refresh_from_db()
    assert (proof.state, proof.decided_by) == (MembershipProofState.CONFIRMED, coordinator)
    assert current_membership(user=applicant, association=association) == proof
    # The registrations list and the membership annotations agree.
    ApplicationFactory(association=association, category=category, applicant=applicant)
    assert [a.is_member for a in registrations_waiting(association=association)] == [True]
    annotated = (
        type(applicant)
        .objects.filter(pk=applicant.pk)
        .annotate(
            **membership_annotations(
                user=applicant, association=association, today=association.today()
            )
        )
        .get()
    )
    assert annotated.member_until == proof.end
    # Past its end date it no longer counts.
    later = proof.end + datetime.timedelta(days=1)
    assert current_membership(user=applicant, association=association, on=later) is None


def test_a_refused_proof_does_not_count(association, applicant, coordinator):
    proof = send(applicant, association)
    with pytest.raises(ProofRefused, match="Give the reason"):
        membership_proof_refuse(proof=proof, by=coordinator, reason=" ")
    membership_proof_refuse(proof=proof, by=coordinator, reason="The card is not legible.")
    proof.refresh_from_db()
    assert (proof.state, proof.decision_note) == (
        MembershipProofState.REFUSED,
        "The card is not legible.",
    )
    assert current_membership(user=applicant, association=association) is None
    with pytest.raises(ProofRefused, match="already decided: refused"):
        membership_proof_confirm(proof=proof, by=coordinator)


def test_only_the_association_s_coordinator_decides(
    association, other_association, applicant, make_staff
):
    proof = send(applicant, association)
    for person in (
        applicant,
        make_staff(Role.COORDINATOR, other_association),
        make_staff(Role.REVIEWER, association),
        None,
    ):
        with pytest.raises(ProofRefused, match="Only a coordinator"):
            membership_proof_confirm(proof=proof, by=person)
    assert MembershipProof.objects.get().state == MembershipProofState.PENDING


def test_an_ended_membership_a_second_waiting_proof_and_a_file_that_is_not_a_document(
    association, applicant
):
    with pytest.raises(ProofRefused, match="already ended"):
        send(applicant, association, end=association.today() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="not a PDF, JPEG, PNG or Word"):
        send(applicant, association, upload=SimpleUploadedFile("card.pdf", b"MZ\x90\x00 binary"))
    assert MembershipProof.objects.count() == 0
    send(applicant, association)
    with pytest.raises(ProofRefused, match="already waits"):
        send(applicant, association)
    assert MembershipProof.objects.count() == 1


def test_through_the_pages(client, association, applicant, coordinator):
    url = reverse("billing:membership.proof", kwargs={"slug": association.slug})
    client.force_login(applicant)
    membership_page = client.get(reverse("billing:membership", kwargs={"slug": association.slug}))
    assert url in membership_page.content.decode()
    end = (association.today() + datetime.timedelta(days=100)).isoformat()
    refused = client.post(
        url,
        {
            "other_association": "Lakeshore AIMH",
            "end": end,
            "file": SimpleUploadedFile("card.pdf", b"<html>not a pdf</html>"),
        },
    )
    assert refused.status_code == 400
    assert "not a PDF, JPEG, PNG or Word" in refused.content.decode()
    response = client.post(
        url,
        {"other_association": "Lakeshore AIMH", "member_number": "L-77", "end": end, "file": pdf()},
    )
    assert response.status_code == 302
    proof = MembershipProof.objects.get()
    decide_url = reverse("billing:membership.proof.decide", kwargs={"pk": proof.pk})
    file_url = reverse("billing:membership.proof.file", kwargs={"pk": proof.pk})
    # The member reads their proof and its file, and may not decide.
    assert client.get(decide_url).status_code == 200
    download = client.get(file_url)
    assert (download.status_code, b"".join(download.streaming_content)) == (200, PDF_BYTES)
    assert download["X-Content-Type-Options"] == "nosniff"
    assert client.post(decide_url, {"decision": "confirm"}).status_code == 403

    client.force_login(coordinator)
    dashboard = client.get(
        reverse(
            "accounts:dashboard.role", kwargs={"slug": association.slug, "role": Role.COORDINATOR}
        )
    ).content.decode()
    assert "Confirm or refuse the proof of membership elsewhere of Ana Applicant" in dashboard
    download = client.get(file_url)
    assert (download.status_code, b"".join(download.streaming_content)) == (200, PDF_BYTES)
    assert client.post(decide_url, {"decision": "confirm"}).status_code == 302
    proof.refresh_from_db()
    assert proof.state == MembershipProofState.CONFIRMED
    client.post(decide_url, {"decision": "refuse", "reason": "Changed my mind."})
    proof.refresh_from_db()
    assert proof.state == MembershipProofState.CONFIRMED  # decided once

    client.force_login(applicant)
    dashboard = client.get(reverse("accounts:dashboard.applicant")).content.decode()
    assert "Membership is required" not in dashboard


@pytest.mark.parametrize("method", ["get", "post"])
def test_others_are_refused_and_nothing_changes(
    client, association, other_association, applicant, make_staff, method
):
    proof = send(applicant, association)
    urls = [
        reverse("billing:membership.proof.decide", kwargs={"pk": proof.pk}),
        reverse("billing:membership.proof.file", kwargs={"pk": proof.pk}),
    ]
    data = {"decision": "confirm"}
    for person in (
        UserFactory(),
        make_staff(Role.COORDINATOR, other_association),
        make_staff(Role.ASSOCIATION_ADMIN, other_association),
        make_staff(Role.REVIEWER, association),
    ):
        client.force_login(person)
        assert [getattr(client, method)(url, data).status_code for url in urls] == [404, 404]
    client.logout()
    for url in urls:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # Another person's own page shows nothing of this proof.
    client.force_login(UserFactory())
    own = client.get(reverse("billing:membership.proof", kwargs={"slug": association.slug}))
    assert own.context["proofs"] == [] and "Lakeshore AIMH" not in own.content.decode()
    assert MembershipProof.objects.get().state == MembershipProofState.PENDING


@pytest.mark.parametrize("size", [1, 6])
def test_the_pages_cost_the_same_queries_whatever_the_data(
    client, association, applicant, coordinator, django_assert_num_queries, size
):
    for _ in range(size):
        membership_proof_refuse(proof=send(applicant, association), by=coordinator, reason="No.")
    proof = send(applicant, association)
    client.force_login(applicant)
    # Session, user, the menu's role check, the association, the person's proofs, the one
    # waiting.
    with django_assert_num_queries(6):
        response = client.get(
            reverse("billing:membership.proof", kwargs={"slug": association.slug})
        )
    assert len(response.context["proofs"]) == size + 1
    client.force_login(coordinator)
    # Session, user, the proof with its person and association, the coordinator's roles.
    with django_assert_num_queries(4):
        response = client.get(reverse("billing:membership.proof.decide", kwargs={"pk": proof.pk}))
    assert response.context["may_decide"] is True
