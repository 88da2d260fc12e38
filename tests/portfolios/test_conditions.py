"""The portfolio's condition on submitting (portfolios.conditions), asked by the workflow
itself: a service call without any view is refused the same way the submit page is."""

import pytest

from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from endorsement.services import TransitionNotAllowed, application_transition
from portfolios.conditions import portfolio_meets_requirements
from portfolios.requirements import requirement_check
from tests.portfolios.check_helpers import accepted_application, complete_ifs, load_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(association):
    return accepted_application(load_category(association, "IFS"))


def test_an_incomplete_portfolio_is_refused_by_the_service_with_what_is_missing(portfolio):
    missing = [item.detail for item in requirement_check(application=portfolio).missing]
    assert missing  # a bare portfolio
    with pytest.raises(TransitionNotAllowed) as refused:
        application_transition(application=portfolio, action="submit", by=portfolio.applicant)
    assert refused.value.reasons == ("portfolio_meets_requirements",)
    assert str(refused.value) == (
        "The portfolio does not meet its requirements yet: " + "; ".join(missing)
    )
    assert Application.objects.get(pk=portfolio.pk).state == S.ACCEPTED
    assert not ApplicationEvent.objects.filter(application=portfolio, to_state=S.SUBMITTED)


def test_the_portal_itself_cannot_submit_an_incomplete_portfolio_either(portfolio):
    with pytest.raises(TransitionNotAllowed, match="does not meet its requirements"):
        application_transition(application=portfolio, action="submit", by=None)


def test_a_complete_portfolio_is_submitted_by_the_service(portfolio):
    complete_ifs(portfolio)
    submitted = application_transition(
        application=portfolio, action="submit", by=portfolio.applicant
    )
    assert submitted.state == S.SUBMITTED


def test_a_page_that_has_the_check_passes_it_and_the_condition_reads_nothing(
    portfolio, django_assert_num_queries
):
    check = requirement_check(application=portfolio)
    with django_assert_num_queries(0):
        assert portfolio_meets_requirements(portfolio, check=check).startswith(
            "The portfolio does not meet its requirements yet: "
        )
