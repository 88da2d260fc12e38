"""Education section: the refusals on every URL (other people, other associations, anonymous
visitors, a submitted portfolio, another portfolio's evidence)."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from endorsement.enums import ApplicationState
from portfolios.models import Document
from tests.factories import (
    ApplicationFactory,
    EducationFactory,
    EndorsementCategoryFactory,
    FrameworkFactory,
    UserFactory,
)
from tests.portfolios.education.helpers import pdf, url, valid_data

# --- Refusals on every URL ------------------------------------------------------------------

ALL = ["list", "add", "edit", "delete", "restore", "transcript_status"]


def _request(client, name, education):
    application = education.application
    kwargs = {} if name in ("list", "add") else {"pk": education.pk}
    target = url(name, application, **kwargs)
    if name in ("restore", "transcript_status"):
        return client.post(target, {"status": "official_received"})
    return client.get(target)


@pytest.mark.parametrize("name", ALL)
def test_another_applicant_gets_404(client, name, education):
    client.force_login(UserFactory())

    assert _request(client, name, education).status_code == 404


@pytest.mark.parametrize("name", ALL)
def test_a_coordinator_of_another_association_gets_404(
    client, make_staff, other_association, name, education
):
    client.force_login(make_staff(Role.COORDINATOR, other_association))

    assert _request(client, name, education).status_code == 404


@pytest.mark.parametrize("name", ALL)
def test_anonymous_is_sent_to_log_in(client, name, education):
    response = _request(client, name, education)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


@pytest.mark.parametrize("name", ["add", "edit", "delete", "restore"])
def test_the_coordinator_cannot_change_the_applicants_evidence(
    client, coordinator, name, education
):
    client.force_login(coordinator)

    assert _request(client, name, education).status_code == 404


@pytest.mark.parametrize("name", ["add", "edit", "delete", "restore"])
def test_after_submission_the_owner_gets_403(client, association, name):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    submitted = ApplicationFactory(category=category, state=ApplicationState.SUBMITTED)
    education = EducationFactory(application=submitted)
    client.force_login(submitted.applicant)

    assert _request(client, name, education).status_code == 403


def test_after_submission_posting_an_edit_changes_nothing(client, association):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    submitted = ApplicationFactory(category=category, state=ApplicationState.SUBMITTED)
    education = EducationFactory(application=submitted, credential="Before")
    client.force_login(submitted.applicant)

    response = client.post(
        url("edit", submitted, pk=education.pk),
        {**valid_data(credential="After"), "transcript_file": pdf()},
    )

    assert response.status_code == 403
    education.refresh_from_db()
    assert education.credential == "Before"
    assert Document.objects.count() == 0


def test_after_submission_the_owner_still_reads_the_list(client, association):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    submitted = ApplicationFactory(category=category, state=ApplicationState.SUBMITTED)
    education = EducationFactory(application=submitted)
    client.force_login(submitted.applicant)

    response = client.get(url("list", submitted))

    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert url("edit", submitted, pk=education.pk) not in response.content.decode()


def test_evidence_of_another_portfolio_is_not_found_through_mine(client, owner, application):
    other = EducationFactory()

    client.force_login(owner)

    assert client.get(url("edit", application, pk=other.pk)).status_code == 404
    assert client.post(url("delete", application, pk=other.pk)).status_code == 404


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.REVIEWER])
@pytest.mark.parametrize("name", ALL)
def test_an_advisor_or_reviewer_not_assigned_gets_404(
    client, make_staff, association, role, name, education
):
    client.force_login(make_staff(role, association))

    assert _request(client, name, education).status_code == 404
