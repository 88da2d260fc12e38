"""Revoking an endorsement: the coordinator of its association only, after a confirmation
with a reason; the status, the timeline (the audit log) and one e-mail to the holder;
revoking twice changes nothing."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.urls import reverse

from accounts.enums import Role
from credentials.revocation import RevocationRefused, endorsement_revoke
from endorsement.enums import ApplicationState, EndorsementStatus
from endorsement.models import ApplicationEvent, Endorsement
from tests.factories import (
    ApplicationFactory,
    EndorsementFactory,
    UserFactory,
    endorsement_status_set,
)


@pytest.fixture
def endorsement(category, applicant):
    application = ApplicationFactory(
        category=category, applicant=applicant, state=ApplicationState.AWARDED
    )
    return EndorsementFactory(
        application=application, category=category, number="NORTH-IFS-2026-0001"
    )


def revoke_url(endorsement):
    return reverse("credentials:revoke", kwargs={"pk": endorsement.pk})


def test_revoking_sets_the_status_writes_the_timeline_and_emails_the_holder(
    endorsement, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        endorsement_revoke(endorsement=endorsement, by=coordinator, reason="Ethics finding.")
    endorsement.refresh_from_db()
    assert (endorsement.status, endorsement.status_reason) == ("revoked", "Ethics finding.")
    event = ApplicationEvent.objects.get(application=endorsement.application)
    assert (event.actor, event.from_state, event.to_state, event.note_key) == (
        coordinator,
        "awarded",
        "awarded",
        "endorsement_revoked",
    )
    assert event.note_text == "Endorsement NORTH-IFS-2026-0001 revoked: Ethics finding."
    assert event.step_for_applicant == "The standing of your endorsement changed"
    endorsement.application.refresh_from_db()
    assert endorsement.application.state == ApplicationState.AWARDED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.org"]
    assert message.subject == "Your endorsement NORTH-IFS-2026-0001 is revoked"
    assert "Ethics finding." in message.body
    assert "/verify/NORTH-IFS-2026-0001/" in message.body


def test_revoking_twice_changes_nothing_and_sends_nothing(
    endorsement, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        endorsement_revoke(endorsement=endorsement, by=coordinator, reason="First.")
    since = Endorsement.objects.get().status_since
    with django_capture_on_commit_callbacks(execute=True):
        endorsement_revoke(endorsement=endorsement, by=coordinator, reason="Second.")
    saved = Endorsement.objects.get()
    assert (saved.status_reason, saved.status_since) == ("First.", since)
    assert ApplicationEvent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_reason_is_required(endorsement, coordinator):
    with pytest.raises(RevocationRefused):
        endorsement_revoke(endorsement=endorsement, by=coordinator, reason="   ")
    assert Endorsement.objects.get().status == EndorsementStatus.ACTIVE


def test_the_coordinator_confirms_with_a_reason(
    client, endorsement, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    page = client.get(revoke_url(endorsement))
    assert page.status_code == 200
    assert "Revoke endorsement NORTH-IFS-2026-0001 of Ana Applicant?" in page.content.decode()
    missing = client.post(revoke_url(endorsement), {"reason": ""})
    assert missing.status_code == 200
    assert missing.context["form"].errors["reason"] == ["This field is required."]
    assert Endorsement.objects.get().status == EndorsementStatus.ACTIVE
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(revoke_url(endorsement), {"reason": "Board decision."})
    detail = reverse("endorsement:detail", kwargs={"application_id": endorsement.application_id})
    assert done.status_code == 302
    assert done["Location"] == detail
    assert Endorsement.objects.get().status == EndorsementStatus.REVOKED
    assert len(mail.outbox) == 1
    again = client.post(revoke_url(endorsement), {"reason": "Again."})
    assert again.status_code == 302
    assert Endorsement.objects.get().status_reason == "Board decision."
    assert "already revoked" in client.get(revoke_url(endorsement)).content.decode()
    verify = client.get(reverse("credentials:verify", kwargs={"number": endorsement.number}))
    assert "Board decision." in verify.content.decode()


def test_the_application_page_offers_the_revocation(client, endorsement, coordinator):
    client.force_login(coordinator)
    detail = reverse("endorsement:detail", kwargs={"application_id": endorsement.application_id})
    page = client.get(detail).content.decode()
    assert "Revoke the endorsement…" in page
    assert revoke_url(endorsement) in page
    endorsement_status_set(endorsement, EndorsementStatus.REVOKED)
    assert revoke_url(endorsement) not in client.get(detail).content.decode()


@pytest.mark.parametrize("who", ["applicant", "other coordinator", "reviewer", "stranger"])
def test_others_are_refused(
    client, endorsement, who, applicant, make_staff, other_association, association
):
    user = {
        "applicant": lambda: applicant,
        "other coordinator": lambda: make_staff(Role.COORDINATOR, other_association),
        "reviewer": lambda: make_staff(Role.REVIEWER, association),
        "stranger": UserFactory,
    }[who]()
    client.force_login(user)
    assert client.get(revoke_url(endorsement)).status_code == 403
    assert client.post(revoke_url(endorsement), {"reason": "No."}).status_code == 403
    assert Endorsement.objects.get().status == EndorsementStatus.ACTIVE
    assert len(mail.outbox) == 0


def test_anonymous_visitors_are_sent_to_log_in(client, endorsement):
    response = client.post(revoke_url(endorsement), {"reason": "No."})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Endorsement.objects.get().status == EndorsementStatus.ACTIVE


def test_the_rule(endorsement, coordinator, applicant, make_staff, other_association):
    perm = "credentials.revoke_endorsement"
    assert rules.has_perm(perm, coordinator, endorsement)
    assert not rules.has_perm(perm, applicant, endorsement)
    assert not rules.has_perm(perm, AnonymousUser(), endorsement)
    assert not rules.has_perm(perm, make_staff(Role.COORDINATOR, other_association), endorsement)
