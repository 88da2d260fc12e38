"""A holder's change of name on the certificate: the holder asks (one request at a time, clear
errors, the form keeps what was typed); a coordinator or admin of the endorsement's association
approves (the name changes, the certificate is reissued, the old one superseded, the timeline
and an e-mail) or refuses with a reason (an e-mail); deciding twice is harmless; everyone else
gets 404."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.enums import Role
from credentials import tasks
from credentials.models import Certificate, CertificateState, NameChangeRequest, NameChangeState
from credentials.name_changes import (
    NameChangeRefused,
    name_change_approve,
    name_change_refuse,
    name_change_request,
)
from endorsement.enums import ApplicationState, EndorsementStatus
from endorsement.models import ApplicationEvent
from tests.factories import (
    ApplicationFactory,
    EndorsementFactory,
    UserFactory,
    endorsement_status_set,
)

DASHBOARD = "/a/northfield/dashboard/coordinator/"


@pytest.fixture
def queued(monkeypatch):
    """The ids of the certificates sent to the rendering task (no broker, no worker)."""
    sent = []
    monkeypatch.setattr(tasks.certificate_render, "delay", sent.append)
    return sent


@pytest.fixture
def endorsement(category, applicant):
    application = ApplicationFactory(
        category=category, applicant=applicant, state=ApplicationState.AWARDED
    )
    return EndorsementFactory(
        application=application, category=category, number="NORTH-IFS-2026-0001"
    )


@pytest.fixture
def certificate(endorsement):
    return Certificate.objects.create(
        endorsement=endorsement, holder_name="Ana Applicant", state=CertificateState.READY
    )


@pytest.fixture
def change(endorsement, certificate):
    return name_change_request(
        endorsement=endorsement,
        by=endorsement.holder,
        requested_name="Ana Beltrán",
        reason="Married in May.",
    )


def request_url(endorsement):
    return reverse("credentials:name_change.request", kwargs={"pk": endorsement.pk})


def decide_url(change):
    return reverse("credentials:name_change.decide", kwargs={"pk": change.pk})


# --- The services --------------------------------------------------------------------------


def test_the_holder_asks_and_the_request_waits(change, endorsement):
    assert NameChangeRequest.objects.get() == change
    assert (change.state, change.holder, change.requested_name, change.reason) == (
        NameChangeState.PENDING,
        endorsement.holder,
        "Ana Beltrán",
        "Married in May.",
    )


@pytest.mark.parametrize(
    ("name", "reason", "field", "message"),
    [
        ("  ", "Married.", "requested_name", "Write your name as it should be printed."),
        ("Ana  Applicant ", "Married.", "requested_name", "This is already your name"),
        ("Ana Beltrán", "  ", "reason", "Say why your name changes."),
        ("A" * 201, "Married.", "requested_name", "A name has at most 200 characters."),
    ],
)
def test_bad_requests_are_refused_with_a_clear_message(endorsement, name, reason, field, message):
    with pytest.raises(NameChangeRefused) as refused:
        name_change_request(
            endorsement=endorsement, by=endorsement.holder, requested_name=name, reason=reason
        )
    assert refused.value.field == field
    assert str(refused.value).startswith(message)
    assert not NameChangeRequest.objects.exists()


def test_only_the_holder_may_ask(endorsement):
    with pytest.raises(NameChangeRefused):
        name_change_request(
            endorsement=endorsement, by=UserFactory(), requested_name="X Y", reason="Because."
        )
    assert not NameChangeRequest.objects.exists()


def test_a_revoked_endorsement_is_not_reissued(endorsement):
    endorsement_status_set(endorsement, EndorsementStatus.REVOKED)
    with pytest.raises(NameChangeRefused, match="revoked"):
        name_change_request(
            endorsement=endorsement,
            by=endorsement.holder,
            requested_name="Ana Beltrán",
            reason="Married.",
        )


def test_one_waiting_request_at_a_time_then_again_after_a_refusal(change, endorsement, coordinator):
    with pytest.raises(NameChangeRefused, match="already asked"):
        name_change_request(
            endorsement=endorsement, by=endorsement.holder, requested_name="Ana B", reason="Oops."
        )
    name_change_refuse(request=change, by=coordinator, reason="Send the certificate of marriage.")
    again = name_change_request(
        endorsement=endorsement, by=endorsement.holder, requested_name="Ana B", reason="Here."
    )
    assert again.state == NameChangeState.PENDING
    assert NameChangeRequest.objects.count() == 2


def test_approving_changes_the_name_reissues_the_certificate_and_tells_the_holder(
    change, certificate, coordinator, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        name_change_approve(request=change, by=coordinator)
    change.refresh_from_db()
    assert (change.state, change.decided_by, change.previous_name) == (
        NameChangeState.APPROVED,
        coordinator,
        "Ana Applicant",
    )
    assert change.decided_at is not None
    holder = change.holder
    holder.refresh_from_db()
    assert holder.full_name == "Ana Beltrán"
    certificate.refresh_from_db()
    assert certificate.superseded_at is not None
    new = Certificate.objects.get(superseded_at__isnull=True)
    assert (new.holder_name, new.state, new.endorsement) == (
        "Ana Beltrán",
        CertificateState.PENDING,
        certificate.endorsement,
    )
    assert new.code != certificate.code
    assert queued == [new.pk]
    event = ApplicationEvent.objects.get()
    assert (event.actor, event.from_state, event.to_state, event.note_key) == (
        coordinator,
        "awarded",
        "awarded",
        "name_change_approved",
    )
    assert event.note_text == (
        "Change of name approved; the certificate of NORTH-IFS-2026-0001 is reissued."
    )
    assert "Ana Applicant" not in event.note  # the names stay out of the timeline
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.org"]
    assert message.subject == "Your new certificate NORTH-IFS-2026-0001 is being produced"
    assert message.body.startswith("Dear Ana Beltrán,")
    assert "approved the change of your name to Ana Beltrán." in message.body


def test_approving_twice_is_harmless(
    change, coordinator, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        name_change_approve(request=change, by=coordinator)
    decided_at = NameChangeRequest.objects.get().decided_at
    with django_capture_on_commit_callbacks(execute=True):
        again = name_change_approve(request=change, by=coordinator)
        name_change_refuse(request=change, by=coordinator, reason="Changed my mind.")
    assert (again.state, again.decided_at) == (NameChangeState.APPROVED, decided_at)
    assert NameChangeRequest.objects.get().state == NameChangeState.APPROVED
    assert Certificate.objects.count() == 2
    assert len(queued) == 1
    assert ApplicationEvent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_refusing_needs_a_reason_and_emails_it(
    change, coordinator, queued, django_capture_on_commit_callbacks
):
    with pytest.raises(NameChangeRefused):
        name_change_refuse(request=change, by=coordinator, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        name_change_refuse(request=change, by=coordinator, reason="Send the court order.")
    change.refresh_from_db()
    assert (change.state, change.refusal_reason, change.decided_by) == (
        NameChangeState.REFUSED,
        "Send the court order.",
        coordinator,
    )
    change.holder.refresh_from_db()
    assert change.holder.full_name == "Ana Applicant"
    assert Certificate.objects.count() == 1 and queued == []
    event = ApplicationEvent.objects.get()
    assert event.note_text == (
        "Change of name on the certificate of NORTH-IFS-2026-0001 refused: Send the court order."
    )
    message = mail.outbox[0]
    assert message.subject == "Your change of name (NORTH-IFS-2026-0001) was not approved"
    assert "Send the court order." in message.body
    assert "did not approve the change of your name to Ana Beltrán" in message.body


def test_the_holders_other_association_keeps_its_certificate(
    change, coordinator, other_association, queued, django_capture_on_commit_callbacks
):
    elsewhere = EndorsementFactory(
        application__applicant=change.holder,
        application__association=other_association,
        category__framework__association=other_association,
    )
    kept = Certificate.objects.create(endorsement=elsewhere, holder_name="Ana Applicant")
    with django_capture_on_commit_callbacks(execute=True):
        name_change_approve(request=change, by=coordinator)
    kept.refresh_from_db()
    assert kept.superseded_at is None
    assert Certificate.objects.filter(endorsement=elsewhere).count() == 1


# --- The holder's pages ----------------------------------------------------------------------


def test_the_holder_sees_the_form_with_their_name_and_sends_it(
    client, endorsement, certificate, django_capture_on_commit_callbacks
):
    client.force_login(endorsement.holder)
    page = client.get(request_url(endorsement))
    assert page.status_code == 200
    content = page.content.decode()
    assert '<dd class="col-sm-8 current-name">Ana Applicant</dd>' in content
    assert 'id="name-change-form"' in content
    response = client.post(
        request_url(endorsement), {"requested_name": "Ana Beltrán", "reason": "Married."}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard.applicant")
    change = NameChangeRequest.objects.get()
    assert (change.requested_name, change.state) == ("Ana Beltrán", NameChangeState.PENDING)


def test_an_error_keeps_what_was_typed(client, endorsement, certificate):
    client.force_login(endorsement.holder)
    response = client.post(
        request_url(endorsement),
        {"requested_name": "Ana Applicant", "reason": "My reason, as typed."},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "This is already your name: write the new one." in content
    assert 'value="Ana Applicant"' in content
    assert "My reason, as typed.</textarea>" in content
    assert not NameChangeRequest.objects.exists()


def test_a_waiting_request_is_shown_instead_of_the_form(client, change, endorsement):
    client.force_login(endorsement.holder)
    content = client.get(request_url(endorsement)).content.decode()
    assert "name-change-pending" in content
    assert "Ana Beltrán" in content
    assert 'id="name-change-form"' not in content
    response = client.post(request_url(endorsement), {"requested_name": "X Y", "reason": "Z"})
    assert response.status_code == 400
    assert NameChangeRequest.objects.count() == 1


def test_the_holders_dashboard_offers_the_request_then_says_it_waits(
    client, endorsement, certificate
):
    client.force_login(endorsement.holder)
    dashboard = reverse("accounts:dashboard.applicant")
    assert request_url(endorsement) in client.get(dashboard).content.decode()
    name_change_request(
        endorsement=endorsement,
        by=endorsement.holder,
        requested_name="Ana Beltrán",
        reason="Married.",
    )
    content = client.get(dashboard).content.decode()
    assert request_url(endorsement) not in content
    assert "You asked for your name to become Ana Beltrán" in content


def test_a_revoked_endorsement_offers_no_change_of_name(client, endorsement, certificate):
    endorsement_status_set(endorsement, EndorsementStatus.REVOKED)
    client.force_login(endorsement.holder)
    content = client.get(reverse("accounts:dashboard.applicant")).content.decode()
    assert f'id="certificate-{certificate.pk}"' in content
    assert request_url(endorsement) not in content


@pytest.mark.parametrize("who", ["other applicant", "coordinator"])
def test_only_the_holder_reaches_the_request_page(
    client, endorsement, make_staff, association, who
):
    user = UserFactory() if who == "other applicant" else make_staff(Role.COORDINATOR, association)
    client.force_login(user)
    assert client.get(request_url(endorsement)).status_code == 404
    response = client.post(request_url(endorsement), {"requested_name": "X Y", "reason": "Z"})
    assert response.status_code == 404
    assert not NameChangeRequest.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, change, endorsement):
    for url in (request_url(endorsement), decide_url(change)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


# --- The coordinator's pages ----------------------------------------------------------------


def test_the_coordinator_sees_the_request_and_approves_it(
    client, change, coordinator, queued, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    page = client.get(decide_url(change))
    assert page.status_code == 200
    content = page.content.decode()
    assert '<dd class="col-sm-8 name-now">Ana Applicant</dd>' in content
    assert '<dd class="col-sm-8 name-asked">Ana Beltrán</dd>' in content
    assert "Married in May." in content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(change), {"decision": "approve"})
    detail = reverse(
        "endorsement:detail", kwargs={"application_id": change.endorsement.application_id}
    )
    assert (response.status_code, response["Location"]) == (302, detail)
    assert NameChangeRequest.objects.get().state == NameChangeState.APPROVED
    again = client.post(decide_url(change), {"decision": "approve"})
    assert again.status_code == 302
    assert len(queued) == 1
    decided = client.get(decide_url(change)).content.decode()
    assert "name-change-decided" in decided and "Approved on" in decided


def test_refusing_needs_a_reason_on_the_page(
    client, change, make_staff, association, django_capture_on_commit_callbacks
):
    client.force_login(make_staff(Role.ASSOCIATION_ADMIN, association))
    response = client.post(decide_url(change), {"decision": "refuse", "reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert NameChangeRequest.objects.get().state == NameChangeState.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(change), {"decision": "refuse", "reason": "No proof."})
    assert response.status_code == 302
    saved = NameChangeRequest.objects.get()
    assert (saved.state, saved.refusal_reason) == (NameChangeState.REFUSED, "No proof.")
    assert len(mail.outbox) == 1


def test_an_unknown_decision_is_a_400(client, change, coordinator):
    client.force_login(coordinator)
    assert client.post(decide_url(change), {"decision": "maybe"}).status_code == 400
    assert client.post(decide_url(change), {}).status_code == 400
    assert NameChangeRequest.objects.get().state == NameChangeState.PENDING


@pytest.mark.parametrize("who", ["holder", "other coordinator", "reviewer", "advisor", "stranger"])
def test_others_cannot_decide(client, change, make_staff, association, other_association, who):
    user = {
        "holder": lambda: change.holder,
        "other coordinator": lambda: make_staff(Role.COORDINATOR, other_association),
        "reviewer": lambda: make_staff(Role.REVIEWER, association),
        "advisor": lambda: make_staff(Role.ADVISOR, association),
        "stranger": UserFactory,
    }[who]()
    client.force_login(user)
    assert client.get(decide_url(change)).status_code == 404
    assert client.post(decide_url(change), {"decision": "approve"}).status_code == 404
    assert NameChangeRequest.objects.get().state == NameChangeState.PENDING


def test_markup_in_the_requested_name_is_text(client, endorsement, certificate, coordinator):
    change = name_change_request(
        endorsement=endorsement,
        by=endorsement.holder,
        requested_name="<script>alert(1)</script>",
        reason="<b>why</b>",
    )
    client.force_login(coordinator)
    content = client.get(decide_url(change)).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "&lt;b&gt;why&lt;/b&gt;" in content


def test_the_coordinator_is_asked_to_decide_on_the_dashboard_and_application_page(
    client, change, coordinator
):
    client.force_login(coordinator)
    response = client.get(DASHBOARD)
    rows = [(t.kind, t.label, t.url) for t in response.context["needs_you"]]
    assert (
        "name_change",
        "Decide the change of name of Ana Applicant (IFS)",
        decide_url(change),
    ) in rows
    detail = reverse(
        "endorsement:detail", kwargs={"application_id": change.endorsement.application_id}
    )
    assert decide_url(change) in client.get(detail).content.decode()


def test_the_new_name_shows_on_the_verification_page_at_once(
    client, change, coordinator, queued, django_capture_on_commit_callbacks
):
    page = reverse("credentials:verify", kwargs={"number": "NORTH-IFS-2026-0001"})
    assert "Ana Applicant" in client.get(page).content.decode()  # now in the cache
    with django_capture_on_commit_callbacks(execute=True):
        name_change_approve(request=change, by=coordinator)
    content = client.get(page).content.decode()
    assert "Ana Beltrán" in content
    assert "Ana Applicant" not in content
