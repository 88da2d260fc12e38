"""reviews.rules: every predicate and permission, asked directly (no view), for each person
around an application, with the cases that refuse them."""

import pytest
import rules
from django.utils import timezone

from endorsement.enums import ApplicationState as S
from portfolios.rules import portfolio_readers
from reviews.rules import (
    can_enter_exam_scores,
    has_advisor,
    is_assigned_reviewer,
    may_ask_for_advisor,
    may_be_marked_ready,
)
from tests.factories import ApplicationFactory, ReviewAssignmentFactory, UserFactory
from tests.rules_helpers import passing

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_application(people, category):
    """make_application(state, advised=True, requested=False): Ana's application in ``state``
    (with her advisor, or without one; asked for one or not), reviewed by the assigned reviewer."""

    def _make(state=S.ACCEPTED, *, advised=True, requested=False):
        application = ApplicationFactory(
            category=category,
            applicant=people["owner"],
            advisor=people["advisor"] if advised else None,
            advisor_requested_at=timezone.now() if requested else None,
            state=state,
        )
        ReviewAssignmentFactory(application=application, reviewer=people["assigned reviewer"])
        return application

    return _make


# --- permissions about an application ---------------------------------------------------------


@pytest.mark.parametrize(
    ("permission", "situation", "allowed"),
    [
        # The conversation: the advisor and the advised applicant, while the application is open.
        ("reviews.comment_application", {}, {"owner", "advisor"}),
        ("reviews.comment_application", {"advised": False}, set()),
        ("reviews.comment_application", {"state": S.AWARDED}, set()),
        # The advisor's "comment on this item" links.
        ("reviews.comment_items", {}, {"advisor"}),
        ("reviews.comment_items", {"state": S.WITHDRAWN}, set()),
        # The coordinator reads the conversation too, also once the application is finished.
        ("reviews.view_comments", {}, {"owner", "advisor", "coordinator"}),
        ("reviews.view_comments", {"state": S.AWARDED}, {"owner", "advisor", "coordinator"}),
        ("reviews.view_comments", {"advised": False}, {"owner", "coordinator"}),
        # Assigning an advisor: the coordinator, while the application is open.
        ("reviews.assign_advisor", {}, {"coordinator"}),
        ("reviews.assign_advisor", {"state": S.DENIED}, set()),
        # Asking for an advisor: the applicant, once, without one, while building.
        ("reviews.request_advisor", {"advised": False}, {"owner"}),
        ("reviews.request_advisor", {}, set()),
        ("reviews.request_advisor", {"advised": False, "requested": True}, set()),
        ("reviews.request_advisor", {"advised": False, "state": S.SUBMITTED}, set()),
        # The sign-off: the advisor, while the applicant can still submit.
        ("reviews.mark_ready", {}, {"advisor"}),
        ("reviews.mark_ready", {"state": S.DEFERRED}, {"advisor"}),
        ("reviews.mark_ready", {"state": S.SUBMITTED}, set()),
        ("reviews.mark_ready", {"advised": False}, set()),
        # The assigned reviewers read the portfolio (registered in portfolios.rules).
        (
            "portfolios.view_portfolio",
            {},
            {"owner", "advisor", "coordinator", "assigned reviewer"},
        ),
        (
            "portfolios.view_portfolio",
            {"advised": False},
            {"owner", "coordinator", "assigned reviewer"},
        ),
    ],
)
def test_application_permissions(permission, situation, allowed, people, make_application):
    application = make_application(**situation)
    assert passing(permission, people, application) == allowed


@pytest.mark.parametrize(
    ("permission", "who"),
    [
        ("reviews.comment_application", "advisor"),
        ("reviews.comment_items", "advisor"),
        ("reviews.view_comments", "advisor"),
        ("reviews.mark_ready", "advisor"),
        ("reviews.view_comments", "coordinator"),
        ("reviews.assign_advisor", "coordinator"),
        ("portfolios.view_portfolio", "assigned reviewer"),
    ],
)
def test_people_who_lost_their_role_are_refused(permission, who, people, make_application):
    application = make_application()
    assert rules.has_perm(permission, people[who], application) is True
    people[who].role_grants.all().delete()
    people[who]._role_map = None
    assert rules.has_perm(permission, people[who], application) is False


def test_superusers_pass_no_permission_without_a_role(make_application):
    """``rules.has_perm`` (what the pages ask), unlike ``user.has_perm``, lets no superuser by."""
    application = make_application(advised=False)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    for permission in (
        "reviews.comment_application",
        "reviews.comment_items",
        "reviews.view_comments",
        "reviews.assign_advisor",
        "reviews.request_advisor",
        "reviews.mark_ready",
    ):
        assert rules.has_perm(permission, superuser, application) is False, permission


# --- predicates -------------------------------------------------------------------------------


@pytest.mark.parametrize(("advised", "expected"), [(True, True), (False, False)])
def test_has_advisor(advised, expected, people, make_application):
    application = make_application(advised=advised)
    assert has_advisor(people["owner"], application) is expected


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        ({"advised": False}, True),
        ({"advised": False, "state": S.RETURNED}, True),
        ({"advised": False, "state": S.DEFERRED}, True),
        ({}, False),  # has one
        ({"advised": False, "requested": True}, False),  # asked already
        ({"advised": False, "state": S.SUBMITTED}, False),  # not building
        ({"advised": False, "state": S.AWARDED}, False),
    ],
)
def test_may_ask_for_advisor(situation, expected, people, make_application):
    assert may_ask_for_advisor(people["owner"], make_application(**situation)) is expected


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (S.ACCEPTED, True),
        (S.DEFERRED, True),
        (S.REGISTERED, False),
        (S.SUBMITTED, False),
        (S.IN_REVIEW, False),
        (S.AWARDED, False),
    ],
)
def test_may_be_marked_ready(state, expected, people, make_application):
    assert may_be_marked_ready(people["advisor"], make_application(state)) is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("assigned reviewer", True),
        ("unassigned reviewer", False),
        ("owner", False),
        ("advisor", False),
        ("coordinator", False),
        ("coordinator of another association", False),
        ("grader", False),
        ("anonymous", False),
    ],
)
def test_is_assigned_reviewer(who, expected, people, make_application):
    assert is_assigned_reviewer(people[who], make_application()) is expected


def test_an_assigned_reviewer_without_the_role_is_not_one(people, make_application):
    application = make_application()
    reviewer = people["assigned reviewer"]
    reviewer.role_grants.all().delete()
    reviewer._role_map = None
    assert is_assigned_reviewer(reviewer, application) is False


def test_assigned_reviewers_are_registered_once_as_portfolio_readers():
    assert portfolio_readers.count(is_assigned_reviewer) == 1


# --- permissions about an association ---------------------------------------------------------


def test_enter_exam_scores(people, association, other_association):
    assert passing("reviews.enter_exam_scores", people, association) == {"coordinator", "grader"}
    assert passing("reviews.enter_exam_scores", people, other_association) == {
        "coordinator of another association"
    }


def test_enter_exam_scores_is_the_predicate(people, association):
    assert {who for who, user in people.items() if can_enter_exam_scores(user, association)} == {
        "coordinator",
        "grader",
    }


def test_enter_exam_scores_refuses_a_grader_who_lost_the_role(people, association):
    grader = people["grader"]
    grader.role_grants.all().delete()
    grader._role_map = None
    assert rules.has_perm("reviews.enter_exam_scores", grader, association) is False
