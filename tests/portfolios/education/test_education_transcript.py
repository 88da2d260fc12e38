"""Education section: the official transcript's status, set by the coordinator (the page and the
service)."""

import pytest
from django.utils import timezone

from endorsement.enums import ApplicationState
from portfolios.enums import TranscriptStatus
from portfolios.models import EvidenceChange
from tests.factories import (
    ApplicationFactory,
    EducationFactory,
    EndorsementCategoryFactory,
    FrameworkFactory,
)
from tests.portfolios.education.helpers import url

# --- Transcript status ----------------------------------------------------------------------


def test_the_coordinator_marks_the_official_transcript_received(client, coordinator, education):
    client.force_login(coordinator)

    response = client.post(
        url("transcript_status", education.application, pk=education.pk),
        {"status": "official_received"},
    )

    assert response.status_code == 302
    assert response["Location"] == url("list", education.application)
    education.refresh_from_db()
    assert education.transcript_status == TranscriptStatus.OFFICIAL_RECEIVED


def test_the_coordinator_can_mark_a_submitted_portfolio_and_it_is_kept_as_history(
    client, coordinator, association
):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    submitted = ApplicationFactory(
        category=category, state=ApplicationState.SUBMITTED, submitted_at=timezone.now()
    )
    education = EducationFactory(application=submitted)
    client.force_login(coordinator)

    client.post(
        url("transcript_status", submitted, pk=education.pk), {"status": "official_received"}
    )

    education.refresh_from_db()
    assert education.transcript_status == TranscriptStatus.OFFICIAL_RECEIVED
    change = EvidenceChange.objects.get()
    assert (change.section, change.object_id, change.action, change.by) == (
        "education",
        education.pk,
        "transcript_status",
        coordinator,
    )
    assert change.before["transcript_status"] == "not_provided"
    assert change.after["transcript_status"] == "official_received"


def test_an_unknown_status_is_refused(client, coordinator, education):
    client.force_login(coordinator)

    response = client.post(
        url("transcript_status", education.application, pk=education.pk), {"status": "forged"}
    )

    assert response.status_code == 302
    education.refresh_from_db()
    assert education.transcript_status == TranscriptStatus.NOT_PROVIDED


def test_the_applicant_cannot_set_the_transcript_status(client, owner, education):
    client.force_login(owner)

    response = client.post(
        url("transcript_status", education.application, pk=education.pk),
        {"status": "official_received"},
    )

    assert response.status_code == 403
    education.refresh_from_db()
    assert education.transcript_status == TranscriptStatus.NOT_PROVIDED


def test_the_transcript_status_url_takes_only_post(client, coordinator, education):
    client.force_login(coordinator)

    response = client.get(url("transcript_status", education.application, pk=education.pk))

    assert response.status_code == 405


# --- Service --------------------------------------------------------------------------------


def test_education_set_transcript_status_refuses_an_unknown_status(education, coordinator):
    from portfolios.services import education_set_transcript_status

    with pytest.raises(ValueError, match="Unknown transcript status: 'forged'"):
        education_set_transcript_status(education=education, status="forged", by=coordinator)


def test_education_set_transcript_status_to_the_same_status_writes_nothing(education, coordinator):
    from portfolios.services import education_set_transcript_status

    updated = education.updated
    education_set_transcript_status(
        education=education, status=TranscriptStatus.NOT_PROVIDED, by=coordinator
    )

    education.refresh_from_db()
    assert education.updated == updated
    assert education.transcript_status == TranscriptStatus.NOT_PROVIDED
