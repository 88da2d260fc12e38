"""The application's state machine: who may take each step, from where, and what it needs.

Every step is tried by the person who may take it (it works and is logged), and by the wrong
role, the same role in another association and an anonymous visitor (refused, nothing written).
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from endorsement.services import (
    TransitionNotAllowed,
    application_transition,
    transition_allowed,
    transition_refusal,
)
from tests.factories import ApplicationFactory, EndorsementCategoryFactory, RequirementFactory

# The workflow alone: the conditions of later apps are tested in tests/endorsement/test_guards.py.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_the_workflow")]

# step: (from state, to state, who may take it)
STEPS = {
    "accept": (S.REGISTERED, S.ACCEPTED, "coordinator"),
    "return_registration": (S.REGISTERED, S.RETURNED, "coordinator"),
    "resubmit_registration": (S.RETURNED, S.REGISTERED, "applicant"),
    "submit": (S.ACCEPTED, S.SUBMITTED, "applicant"),
    "start_review": (S.SUBMITTED, S.IN_REVIEW, "coordinator"),
    "defer": (S.IN_REVIEW, S.DEFERRED, "coordinator"),
    "hold": (S.IN_REVIEW, S.ON_HOLD, "coordinator"),
    "approve": (S.IN_REVIEW, S.APPROVED, "coordinator"),
    "deny": (S.IN_REVIEW, S.DENIED, "coordinator"),
    "register_exam": (S.APPROVED, S.EXAM, "applicant"),
    "retake_exam": (S.EXAM_FAILED, S.EXAM, "coordinator"),
    "pass_exam": (S.EXAM, S.EXAM_PASSED, "exam_grader"),
    "fail_exam": (S.EXAM, S.EXAM_FAILED, "coordinator"),
    "award": (S.EXAM_PASSED, S.AWARDED, "coordinator"),
    "withdraw": (S.IN_REVIEW, S.WITHDRAWN, "applicant"),
}
WRONG = {"coordinator": Role.ADVISOR, "applicant": Role.COORDINATOR, "exam_grader": Role.REVIEWER}
# Steps the coordinator may also take for the applicant: an advisor is the wrong role there.
WRONG_FOR_STEP = {"register_exam": Role.ADVISOR}


@pytest.fixture
def exam_category(association):
    category = EndorsementCategoryFactory(framework__association=association, code="IMHM-C")
    RequirementFactory(category=category, kind="exam", exam_part=1, min_hours=None)
    return category


def at(category, state) -> Application:
    application = ApplicationFactory(category=category)
    Application.objects.filter(pk=application.pk).update(state=state)
    return Application.objects.get(pk=application.pk)


def person(kind, application, make_staff, association):
    if kind == "applicant":
        return application.applicant
    return make_staff(Role(kind), association)


@pytest.mark.parametrize("action", sorted(STEPS))
def test_the_right_person_takes_the_step_and_it_is_logged(
    action, exam_category, association, make_staff
):
    source, target, who = STEPS[action]
    application = at(exam_category, source)
    by = person(who, application, make_staff, association)
    assert transition_allowed(application=application, action=action, by=by)
    result = application_transition(application=application, action=action, by=by, note="Why")
    assert result.state == target
    assert list(ApplicationEvent.objects.values_list("actor", "from_state", "to_state")) == [
        (by.pk, source.value, target.value)
    ]


@pytest.mark.parametrize("action", sorted(STEPS))
@pytest.mark.parametrize("intruder", ["wrong role", "other association", "anonymous", "stranger"])
def test_everyone_else_is_refused_and_nothing_is_written(
    action, intruder, exam_category, association, other_association, make_staff
):
    source, _target, who = STEPS[action]
    application = at(exam_category, source)
    if intruder == "wrong role":
        by = make_staff(WRONG_FOR_STEP.get(action, WRONG[who]), association)
    elif intruder == "other association":
        by = make_staff(Role.COORDINATOR if who == "applicant" else Role(who), other_association)
    elif intruder == "anonymous":
        by = AnonymousUser()
    else:
        by = ApplicationFactory().applicant
    with pytest.raises(TransitionNotAllowed, match="You may not take this step"):
        application_transition(application=application, action=action, by=by, note="Why")
    assert Application.objects.get(pk=application.pk).state == source
    assert ApplicationEvent.objects.count() == 0


def test_a_step_from_the_wrong_state_says_where_the_application_is(association, make_staff):
    application = at(EndorsementCategoryFactory(framework__association=association), S.SUBMITTED)
    coordinator = make_staff(Role.COORDINATOR, association)
    assert transition_refusal(application=application, action="approve", by=coordinator) == (
        "This step is not possible while the application is “Submitted”."
    )


@pytest.mark.parametrize("action", ["defer", "deny"])
def test_deferral_and_denial_need_reasons(action, association, make_staff):
    application = at(EndorsementCategoryFactory(framework__association=association), S.IN_REVIEW)
    coordinator = make_staff(Role.COORDINATOR, association)
    with pytest.raises(TransitionNotAllowed, match="Give the reasons"):
        application_transition(application=application, action=action, by=coordinator, note=" ")
    assert Application.objects.get(pk=application.pk).state == S.IN_REVIEW


def test_no_exam_for_a_category_without_one(association, make_staff):
    application = at(EndorsementCategoryFactory(framework__association=association), S.APPROVED)
    refusal = transition_refusal(
        application=application, action="register_exam", by=application.applicant
    )
    assert refusal == "This category has no exam."


def test_an_exam_category_is_awarded_only_after_the_exam(exam_category, association, make_staff):
    application = at(exam_category, S.APPROVED)
    coordinator = make_staff(Role.COORDINATOR, association)
    assert transition_refusal(application=application, action="award", by=coordinator) == (
        "This category has an exam: the award follows a passed exam."
    )


def test_a_category_without_exam_is_awarded_once_approved(association, make_staff):
    application = at(EndorsementCategoryFactory(framework__association=association), S.APPROVED)
    coordinator = make_staff(Role.COORDINATOR, association)
    result = application_transition(application=application, action="award", by=coordinator)
    assert result.state == S.AWARDED


def test_submission_waits_for_the_advisor_when_the_association_asks_for_it(association):
    association.advisor_signoff_required = True
    association.save()
    application = at(EndorsementCategoryFactory(framework__association=association), S.ACCEPTED)
    assert transition_refusal(
        application=application, action="submit", by=application.applicant
    ) == ("Your advisor has not yet marked the portfolio ready for review.")


@pytest.mark.parametrize("held_from", [S.SUBMITTED, S.IN_REVIEW])
def test_resume_returns_to_the_state_before_the_hold(held_from, association, make_staff):
    application = at(EndorsementCategoryFactory(framework__association=association), held_from)
    coordinator = make_staff(Role.COORDINATOR, association)
    application = application_transition(application=application, action="hold", by=coordinator)
    assert (application.state, application.state_before_hold) == (S.ON_HOLD, held_from)
    application = application_transition(application=application, action="resume", by=coordinator)
    assert (application.state, application.state_before_hold) == (held_from, "")


def test_the_applicant_resumes_an_inactivity_hold_but_not_a_review_hold(association, make_staff):
    category = EndorsementCategoryFactory(framework__association=association)
    building = application_transition(
        application=at(category, S.ACCEPTED), action="hold_inactive", by=None, note="12 months"
    )
    resumed = application_transition(application=building, action="resume", by=building.applicant)
    assert resumed.state == S.ACCEPTED
    coordinator = make_staff(Role.COORDINATOR, association)
    reviewing = application_transition(
        application=at(category, S.IN_REVIEW), action="hold", by=coordinator
    )
    assert not transition_allowed(application=reviewing, action="resume", by=reviewing.applicant)


def test_nobody_but_the_portal_puts_an_application_on_hold_for_inactivity(association, make_staff):
    application = at(EndorsementCategoryFactory(framework__association=association), S.ACCEPTED)
    for by in (application.applicant, make_staff(Role.COORDINATOR, association)):
        assert not transition_allowed(application=application, action="hold_inactive", by=by)
    assert transition_allowed(application=application, action="hold_inactive", by=None)


@pytest.mark.parametrize("state", [s for s in S if s not in (S.AWARDED, S.WITHDRAWN, S.DENIED)])
def test_the_applicant_may_withdraw_at_any_time_before_the_award(state, association):
    application = at(EndorsementCategoryFactory(framework__association=association), state)
    result = application_transition(
        application=application, action="withdraw", by=application.applicant
    )
    assert result.state == S.WITHDRAWN


@pytest.mark.parametrize("state", [S.AWARDED, S.WITHDRAWN, S.DENIED])
def test_nothing_follows_a_closed_application(state, association):
    application = at(EndorsementCategoryFactory(framework__association=association), state)
    assert not transition_allowed(
        application=application, action="withdraw", by=application.applicant
    )
