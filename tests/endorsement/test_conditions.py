"""The registry of step conditions (endorsement.conditions): the one writer asks every
condition registered for a step, refuses with their sentences, names them in ``reasons`` and
writes nothing; other steps are not asked; the caller's facts reach the condition."""

from collections import defaultdict

import pytest

from accounts.enums import Role
from endorsement import conditions
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from endorsement.services import (
    TransitionNotAllowed,
    application_transition,
    transition_refusal,
)
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test (what the apps registered comes back afterwards)."""
    monkeypatch.setattr(conditions, "CONDITIONS", defaultdict(list))
    return conditions.CONDITIONS


@pytest.fixture
def in_review(association):
    application = ApplicationFactory(category__framework__association=association)
    Application.objects.filter(pk=application.pk).update(state=S.IN_REVIEW)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def coordinator(make_staff, association):
    return make_staff(Role.COORDINATOR, association)


def test_a_registered_condition_refuses_the_step_with_its_sentence(
    registry, in_review, coordinator
):
    @conditions.register("approve")
    def never(application, **facts):
        return "Not today."

    with pytest.raises(TransitionNotAllowed) as refused:
        application_transition(application=in_review, action="approve", by=coordinator)
    assert (str(refused.value), refused.value.reasons) == ("Not today.", ("never",))
    assert Application.objects.get(pk=in_review.pk).state == S.IN_REVIEW
    assert ApplicationEvent.objects.filter(application=in_review).count() == 0


def test_every_condition_not_met_is_said_and_met_ones_are_silent(registry, in_review, coordinator):
    conditions.register("approve")(lambda application, **facts: "")

    @conditions.register("approve")
    def first(application, **facts):
        return "First."

    @conditions.register("approve", "defer")
    def second(application, **facts):
        return "Second."

    assert transition_refusal(application=in_review, action="approve", by=coordinator) == (
        "First. Second."
    )
    assert transition_refusal(application=in_review, action="defer", by=coordinator) == "Second."
    assert transition_refusal(application=in_review, action="hold", by=coordinator) == ""


def test_registering_twice_asks_once(registry, in_review, coordinator):
    calls = []

    def counted(application, **facts):
        calls.append(application.pk)
        return ""

    conditions.register("hold")(counted)
    conditions.register("hold")(counted)
    application_transition(application=in_review, action="hold", by=coordinator)
    assert calls == [in_review.pk]


def test_the_callers_facts_reach_the_condition(registry, in_review, coordinator):
    seen = {}

    @conditions.register("hold")
    def needs_a_fact(application, *, colour=None, **facts):
        seen["colour"] = colour
        return "" if colour == "green" else "Say green."

    with pytest.raises(TransitionNotAllowed, match="Say green."):
        application_transition(
            application=in_review, action="hold", by=coordinator, facts={"colour": "red"}
        )
    held = application_transition(
        application=in_review, action="hold", by=coordinator, facts={"colour": "green"}
    )
    assert (held.state, seen) == (S.ON_HOLD, {"colour": "green"})


def test_state_and_permission_come_before_the_conditions(
    registry, in_review, coordinator, make_staff, association
):
    @conditions.register("approve", "accept")
    def never(application, **facts):
        return "Not today."

    with pytest.raises(TransitionNotAllowed) as refused:
        application_transition(application=in_review, action="accept", by=coordinator)
    assert refused.value.reasons == ("state",)
    advisor = make_staff(Role.ADVISOR, association)
    with pytest.raises(TransitionNotAllowed) as refused:
        application_transition(application=in_review, action="approve", by=advisor)
    assert refused.value.reasons == ("permission",)


def test_the_apps_register_their_conditions_when_they_load():
    """portfolios: the portfolio meets its requirements; reviews: every review is in, the
    retake rules; billing: the fees the association wants paid first."""
    names = {
        action: [function.__name__ for function in functions]
        for action, functions in conditions.CONDITIONS.items()
        if functions
    }
    assert names == {
        "submit": ["portfolio_meets_requirements", "processing_fee_settled"],
        "accept": ["registration_fee_settled"],
        "approve": ["every_review_in"],
        "defer": ["every_review_in"],
        "retake_exam": ["retake_allowed"],
        "reinstate": ["prior_endorsement_lapsed", "reinstatement_fee_settled"],
        # The endorsement's lifecycle (``endorsement.lifecycle.register_condition``).
        "endorsement.lapse": ["no_renewal_waiting"],
        "endorsement.renew": ["renewal_fee_settled"],
    }
