"""endorsement.rules: the predicates about an application that every app combines, asked
directly (no view) for each person around an application, and the permissions built on them."""

import pytest
import rules

from accounts.services import role_revoke
from endorsement.enums import BUILDING_STATES, CLOSED_STATES
from endorsement.enums import ApplicationState as S
from endorsement.rules import (
    application_is_building,
    application_is_open,
    is_applicant,
    is_application_advisor,
    is_application_coordinator,
    is_application_exam_grader,
    nobody,
    was_held_while_building,
)
from tests.factories import ApplicationFactory, UserFactory
from tests.rules_helpers import PEOPLE, passing

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(people, category):
    return ApplicationFactory(
        category=category, applicant=people["owner"], advisor=people["advisor"], state=S.ACCEPTED
    )


@pytest.mark.parametrize(
    ("predicate", "allowed"),
    [
        (is_applicant, {"owner"}),
        (is_application_coordinator, {"coordinator"}),
        (is_application_advisor, {"advisor"}),
        (is_application_exam_grader, {"grader"}),
        (nobody, set()),
    ],
)
def test_who_each_predicate_names(people, application, predicate, allowed):
    assert {who for who in PEOPLE if predicate(people[who], application)} == allowed


def test_the_advisor_counts_only_while_holding_the_role(people, application, association):
    advisor = people["advisor"]
    role_revoke(user=advisor, association=association, role="advisor")
    advisor = type(advisor).objects.get(pk=advisor.pk)
    assert not is_application_advisor(advisor, application)


@pytest.mark.parametrize("state", list(S))
def test_open_and_building_follow_the_state_sets(people, category, state):
    application = ApplicationFactory(category=category, state=state)
    owner = people["owner"]
    assert application_is_open(owner, application) == (state not in CLOSED_STATES)
    assert application_is_building(owner, application) == (state in BUILDING_STATES)


@pytest.mark.parametrize(
    ("before", "resumable"), [(S.ACCEPTED, True), (S.DEFERRED, True), (S.IN_REVIEW, False)]
)
def test_the_applicant_resumes_only_a_hold_while_building(category, before, resumable):
    application = ApplicationFactory(category=category, state=S.ON_HOLD, state_before_hold=before)
    assert was_held_while_building(None, application) == resumable


@pytest.mark.parametrize(
    ("permission", "allowed"),
    [
        ("endorsement.view_application", {"owner", "coordinator"}),
        ("endorsement.view_private_timeline", {"coordinator"}),
        ("endorsement.coordinate_application", {"coordinator"}),
    ],
)
def test_permissions(people, application, permission, allowed):
    assert passing(permission, people, application) == allowed


def test_the_platform_admin_is_not_let_through(application):
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert not rules.has_perm("endorsement.coordinate_application", admin, application)
