"""A certificate that could not be produced: the holder is told the office can produce it
again; the coordinator sees it on the dashboard and the application page and presses "Try
again" (POST, their association only); retrying anything else changes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.enums import Role
from credentials import tasks
from credentials.models import Certificate, CertificateState
from credentials.services import RetryRefused, certificate_retry
from endorsement.enums import ApplicationState
from tests.factories import ApplicationFactory, EndorsementFactory, UserFactory

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
def failed(endorsement):
    return Certificate.objects.create(
        endorsement=endorsement, holder_name="Ana Applicant", state=CertificateState.FAILED
    )


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.certificate_render, "delay", sent.append)
    return sent


def retry_url(certificate):
    return reverse("credentials:certificate.retry", kwargs={"pk": certificate.pk})


def detail_url(endorsement):
    return reverse("endorsement:detail", kwargs={"application_id": endorsement.application_id})


def test_the_coordinator_tries_again_and_the_certificate_is_produced(
    client, failed, coordinator, django_capture_on_commit_callbacks, eager
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url(failed))
    assert (response.status_code, response["Location"]) == (302, detail_url(failed.endorsement))
    failed.refresh_from_db()
    assert failed.state == CertificateState.READY
    with failed.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_retrying_queues_the_task_once(failed, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate_retry(certificate=failed)
    assert Certificate.objects.get().state == CertificateState.PENDING
    with pytest.raises(RetryRefused):
        certificate_retry(certificate=failed)
    assert queued == [failed.pk]


@pytest.mark.parametrize("state", [CertificateState.READY, CertificateState.PENDING])
def test_only_a_failed_certificate_is_retried(
    client, endorsement, coordinator, queued, state, django_capture_on_commit_callbacks
):
    certificate = Certificate.objects.create(endorsement=endorsement, holder_name="A", state=state)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url(certificate), follow=True)
    assert "This certificate did not fail: there is nothing to retry." in (
        response.content.decode()
    )
    assert Certificate.objects.get().state == state
    assert queued == []


def test_a_superseded_failure_is_not_retried(failed, queued):
    Certificate.objects.filter(pk=failed.pk).update(superseded_at="2026-06-01T00:00Z")
    with pytest.raises(RetryRefused):
        certificate_retry(certificate=failed)
    assert queued == []


@pytest.mark.parametrize("who", ["holder", "other coordinator", "reviewer", "stranger"])
def test_others_cannot_retry(
    client, failed, make_staff, association, other_association, queued, who
):
    user = {
        "holder": lambda: failed.endorsement.holder,
        "other coordinator": lambda: make_staff(Role.COORDINATOR, other_association),
        "reviewer": lambda: make_staff(Role.REVIEWER, association),
        "stranger": UserFactory,
    }[who]()
    client.force_login(user)
    assert client.post(retry_url(failed)).status_code == 404
    assert client.get(retry_url(failed)).status_code == 404
    assert Certificate.objects.get().state == CertificateState.FAILED
    assert queued == []


def test_a_get_or_an_anonymous_visitor_does_nothing(client, failed, coordinator, queued):
    response = client.post(retry_url(failed))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(coordinator)
    assert client.get(retry_url(failed)).status_code == 405
    assert Certificate.objects.get().state == CertificateState.FAILED


def test_the_coordinator_sees_the_failure_on_the_dashboard_and_the_button(
    client, failed, coordinator
):
    client.force_login(coordinator)
    rows = [(t.kind, t.label, t.url) for t in client.get(DASHBOARD).context["needs_you"]]
    assert rows == [
        (
            "certificate_failed",
            "Produce the certificate of Ana Applicant (IFS) again",
            detail_url(failed.endorsement) + "#certificate-heading",
        )
    ]
    content = client.get(detail_url(failed.endorsement)).content.decode()
    assert f'action="{retry_url(failed)}"' in content
    assert "Try again" in content


def test_the_holder_is_told_the_office_can_produce_it_again(client, failed):
    client.force_login(failed.endorsement.holder)
    content = client.get(reverse("accounts:dashboard.applicant")).content.decode()
    assert (
        "The certificate could not be produced. The association's office sees this and can "
        "produce it again"
    ) in content
    assert retry_url(failed) not in content


def test_the_command_retries_the_failed_certificates_of_an_association(
    failed, other_association, queued, django_capture_on_commit_callbacks
):
    elsewhere = EndorsementFactory(
        application__association=other_association,
        category__framework__association=other_association,
    )
    other = Certificate.objects.create(
        endorsement=elsewhere, holder_name="B", state=CertificateState.FAILED
    )
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("certificates_retry", association="northfield", stdout=out)
    assert out.getvalue() == "1 certificates queued to be produced again.\n"
    assert queued == [failed.pk]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("certificates_retry", stdout=out)
    assert queued == [failed.pk, other.pk]
    with pytest.raises(CommandError, match="No association with slug: nowhere."):
        call_command("certificates_retry", association="nowhere")
