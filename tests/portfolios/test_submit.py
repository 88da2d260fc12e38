"""Submitting a portfolio: confirmation, the server's own check, read-only afterwards."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from accounts.enums import Role
from endorsement.enums import ApplicationState
from endorsement.models import Application, ApplicationEvent
from endorsement.services import application_register
from portfolios.models import Training
from tests.factories import UserFactory
from tests.portfolios.check_helpers import (
    accepted_application,
    add_membership,
    add_training,
    complete_ifs,
    load_category,
)


@pytest.fixture
def ifs(association):
    return load_category(association, "IFS")


@pytest.fixture
def portfolio(ifs):
    return accepted_application(ifs)


def submit_url(application) -> str:
    return reverse("portfolios:submit", kwargs={"application_id": application.pk})


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def missing_list(html: str) -> list[str]:
    block = re.search(r'<ul class="mb-0 missing-list">(.*?)</ul>', html, re.S)[1]
    return [
        text(re.sub(r"<a .*?</a>", "", item, flags=re.S))
        for item in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]


def test_confirmation_page_before_submitting(client, portfolio):
    complete_ifs(portfolio)
    client.force_login(portfolio.applicant)
    response = client.get(submit_url(portfolio))
    assert response.status_code == 200
    page = text(response.content.decode())
    assert (
        "After you submit, your portfolio is read-only until the review is done or it is "
        "returned to you for changes." in page
    )
    assert "Processing fee: paying online is not available yet." in page
    assert '<button type="submit" class="btn btn-primary">Submit my portfolio</button>' in (
        response.content.decode()
    )
    portfolio.refresh_from_db()
    assert portfolio.state == ApplicationState.ACCEPTED


def test_submit_complete_portfolio(client, portfolio):
    complete_ifs(portfolio)
    client.force_login(portfolio.applicant)
    response = client.post(submit_url(portfolio))
    assert response.status_code == 302
    # The dashboard shows what happens next.
    assert response["Location"] == "/dashboard/applicant/"
    portfolio.refresh_from_db()
    assert portfolio.state == ApplicationState.SUBMITTED
    assert portfolio.submitted_at is not None
    assert portfolio.category.framework.locked_at == portfolio.submitted_at
    event = ApplicationEvent.objects.filter(application=portfolio).last()
    assert (event.from_state, event.to_state, event.actor) == (
        ApplicationState.ACCEPTED,
        ApplicationState.SUBMITTED,
        portfolio.applicant,
    )
    page = text(client.get(response["Location"]).content.decode())
    assert "Your portfolio is submitted. The coordinator will let you know" in page
    summary = text(client.get(f"/portfolio/{portfolio.pk}/").content.decode())
    assert "Your portfolio is submitted and read-only." in summary


def test_submitted_portfolio_is_read_only(client, portfolio):
    complete_ifs(portfolio)
    client.force_login(portfolio.applicant)
    client.post(submit_url(portfolio))
    add_url = reverse("portfolios:training.add", kwargs={"application_id": portfolio.pk})
    response = client.post(
        add_url,
        {
            "title": "Late",
            "provider": "X",
            "date": "2025-01-01",
            "hours": "3",
            "format": "workshop",
        },
    )
    assert response.status_code == 403
    assert client.get(add_url).status_code == 403
    training = Training.objects.get(application=portfolio)
    edit_url = reverse(
        "portfolios:training.edit", kwargs={"application_id": portfolio.pk, "pk": training.pk}
    )
    response = client.post(
        edit_url,
        {
            "title": "Changed",
            "provider": "X",
            "date": "2025-01-01",
            "hours": "3",
            "format": "workshop",
        },
    )
    assert response.status_code == 403
    training.refresh_from_db()
    assert (training.title, training.hours) == ("Foundations of infant mental health", 30)
    delete_url = reverse(
        "portfolios:training.delete", kwargs={"application_id": portfolio.pk, "pk": training.pk}
    )
    assert client.post(delete_url).status_code == 403
    assert Training.objects.filter(application=portfolio).live().count() == 1
    # Submitting again is refused too: the portfolio is no longer editable.
    assert client.post(submit_url(portfolio)).status_code == 403
    assert client.get(submit_url(portfolio)).status_code == 403
    assert (
        ApplicationEvent.objects.filter(
            application=portfolio, to_state=ApplicationState.SUBMITTED
        ).count()
        == 1
    )


def test_incomplete_portfolio_is_refused_with_what_is_missing(client, portfolio):
    add_training(portfolio, 22)
    add_membership(portfolio)
    client.force_login(portfolio.applicant)
    response = client.post(submit_url(portfolio))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your portfolio was not submitted. These requirements are not met yet:" in text(html)
    assert missing_list(html) == [
        "Work experience: 0 of 2 years of paid work with infants/toddlers and families.",
        "Training: 22 of 30 hours",
        "RS/C: 0 of 24 hours within 24 months",
        "Current supervisor: nobody asked yet.",
        "RS/C provider: nobody asked yet.",
        "Anyone who knows your work: nobody asked yet.",
        "Code of Ethics: Northfield Association for Infant Mental Health has not published it "
        "yet. Please contact them.",
        "Endorsement Agreement: Northfield Association for Infant Mental Health has not "
        "published it yet. Please contact them.",
    ]
    assert '<form method="post">' not in html
    portfolio.refresh_from_db()
    assert (portfolio.state, portfolio.submitted_at) == (ApplicationState.ACCEPTED, None)
    assert not ApplicationEvent.objects.filter(
        application=portfolio, to_state=ApplicationState.SUBMITTED
    ).exists()


def test_one_missing_item_refuses(client, portfolio):
    complete_ifs(portfolio)
    portfolio.applicant.memberships.all().delete()
    client.force_login(portfolio.applicant)
    response = client.post(submit_url(portfolio))
    assert missing_list(response.content.decode()) == [
        "Membership of Northfield Association for Infant Mental Health: none on record for this "
        "year. Join online: pay the membership fee or ask for a waiver."
    ]
    portfolio.refresh_from_db()
    assert portfolio.state == ApplicationState.ACCEPTED


def test_registered_portfolio_cannot_be_submitted(client, ifs):
    application = application_register(applicant=UserFactory(), category=ifs)
    complete_ifs(application)
    client.force_login(application.applicant)
    response = client.post(submit_url(application))
    assert response.status_code == 200
    assert (
        "Your portfolio cannot be submitted while its status is “Waiting for the coordinator "
        "to accept your registration”."
    ) in text(response.content.decode())
    application.refresh_from_db()
    assert application.state == ApplicationState.REGISTERED


def test_deferred_portfolio_resubmits_and_keeps_first_submission_lock(client, portfolio):
    """A portfolio returned for amendment (deferred) can be submitted again."""
    complete_ifs(portfolio)
    first = datetime.datetime(2025, 5, 1, tzinfo=datetime.UTC)
    Application.objects.filter(pk=portfolio.pk).update(
        state=ApplicationState.DEFERRED, submitted_at=first
    )
    client.force_login(portfolio.applicant)
    response = client.post(submit_url(portfolio))
    assert response.status_code == 302
    portfolio.refresh_from_db()
    assert portfolio.state == ApplicationState.SUBMITTED


# Refusals


def test_submit_anonymous_goes_to_login(client, portfolio):
    response = client.post(submit_url(portfolio))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/portfolio/{portfolio.pk}/submit/"


def test_submit_by_another_applicant_is_404(client, portfolio):
    complete_ifs(portfolio)
    client.force_login(UserFactory())
    assert client.get(submit_url(portfolio)).status_code == 404
    assert client.post(submit_url(portfolio)).status_code == 404
    portfolio.refresh_from_db()
    assert portfolio.state == ApplicationState.ACCEPTED


@pytest.mark.parametrize("same_association", [True, False])
def test_submit_by_a_coordinator_is_404(
    client, make_staff, portfolio, association, other_association, same_association
):
    """Only the applicant submits; a coordinator (of this or another association) cannot."""
    complete_ifs(portfolio)
    client.force_login(
        make_staff(Role.COORDINATOR, association if same_association else other_association)
    )
    assert client.post(submit_url(portfolio)).status_code == 404
    portfolio.refresh_from_db()
    assert portfolio.state == ApplicationState.ACCEPTED


def test_submit_needs_post_to_change_anything(client, portfolio):
    complete_ifs(portfolio)
    client.force_login(portfolio.applicant)
    client.get(submit_url(portfolio))
    portfolio.refresh_from_db()
    assert portfolio.state == ApplicationState.ACCEPTED


def test_submit_refused_by_the_state_machine_at_the_last_moment(client, portfolio, monkeypatch):
    """Another request submitted first: the transition refuses and nothing is recorded twice."""
    import portfolios.views.summary
    from endorsement.services import TransitionNotAllowed

    def refuse(**kwargs):
        raise TransitionNotAllowed(
            "This step is not possible while the application is “Submitted”."
        )

    monkeypatch.setattr(portfolios.views.summary, "application_transition", refuse)
    complete_ifs(portfolio)
    client.force_login(portfolio.applicant)
    response = client.post(submit_url(portfolio), follow=True)
    assert response.redirect_chain == [(f"/portfolio/{portfolio.pk}/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "This step is not possible while the application is “Submitted”."
    ]


@pytest.mark.parametrize(
    ("state", "banner"),
    [
        (
            ApplicationState.IN_REVIEW,
            "Your portfolio is submitted and read-only. If it is returned",
        ),
        (ApplicationState.ON_HOLD, "Your application is on hold, so the portfolio is read-only."),
        (ApplicationState.EXAM, "Your portfolio has been approved and is kept read-only."),
        (ApplicationState.AWARDED, "Your portfolio has been approved and is kept read-only."),
        (
            ApplicationState.WITHDRAWN,
            "This application is closed; its portfolio is kept read-only.",
        ),
        (ApplicationState.DENIED, "This application is closed; its portfolio is kept read-only."),
    ],
)
def test_the_read_only_banner_says_why(client, portfolio, state, banner):
    Application.objects.filter(pk=portfolio.pk).update(state=state)
    client.force_login(portfolio.applicant)
    page = text(client.get(f"/portfolio/{portfolio.pk}/").content.decode())
    assert banner in page
    assert page.count("read-only") == 1


def test_no_read_only_banner_while_the_applicant_builds_the_portfolio(client, portfolio):
    client.force_login(portfolio.applicant)
    page = text(client.get(f"/portfolio/{portfolio.pk}/").content.decode())
    assert "read-only" not in page
