"""portfolios.rules: who reads, changes and marks a portfolio, asked directly (no view); later
apps add readers through ``portfolio_readers`` (reviews adds the assigned reviewers)."""

import pytest

from endorsement.enums import BUILDING_STATES
from endorsement.enums import ApplicationState as S
from portfolios.rules import portfolio_readers
from tests.factories import ApplicationFactory, ReviewAssignmentFactory
from tests.rules_helpers import passing

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_application(people, category):
    def _make(state=S.ACCEPTED):
        application = ApplicationFactory(
            category=category, applicant=people["owner"], advisor=people["advisor"], state=state
        )
        ReviewAssignmentFactory(application=application, reviewer=people["assigned reviewer"])
        return application

    return _make


def test_who_reads_a_portfolio(people, make_application):
    assert passing("portfolios.view_portfolio", people, make_application()) == {
        "owner",
        "advisor",
        "coordinator",
        "assigned reviewer",
    }


def test_without_the_registered_readers_the_reviewers_read_nothing(
    people, make_application, monkeypatch
):
    monkeypatch.setattr("portfolios.rules.portfolio_readers", [])
    assert passing("portfolios.view_portfolio", people, make_application()) == {
        "owner",
        "advisor",
        "coordinator",
    }
    assert portfolio_readers  # the real list is untouched


@pytest.mark.parametrize("state", list(S))
def test_only_the_owner_changes_it_and_only_while_building(people, make_application, state):
    expected = {"owner"} if state in BUILDING_STATES else set()
    assert passing("portfolios.edit_portfolio", people, make_application(state)) == expected


def test_only_the_coordinator_marks_evidence(people, make_application):
    assert passing("portfolios.verify_evidence", people, make_application()) == {"coordinator"}
