"""The review's and the exam's conditions (reviews.conditions), asked by the workflow itself:
service calls without any view are refused."""

import datetime

import pytest
from django.utils.formats import date_format

from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from endorsement.services import TransitionNotAllowed, application_transition
from reviews.conditions import every_review_in
from reviews.enums import ExamResult, Recommendation
from reviews.selectors.exams import add_months, local_date
from reviews.selectors.reviewing import round_status
from reviews.services.reviewing import review_assign
from tests.factories import ApplicationFactory, ExamRegistrationFactory, ExamSittingFactory
from tests.reviews.helpers import due, in_days, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(association, category, coordinator, rita, ray):
    association.reviewers_per_portfolio = 2
    association.save(update_fields=["reviewers_per_portfolio"])
    application = submitted(category)
    review_assign(application=application, reviewers=[rita, ray], due_on=due(), by=coordinator)
    return Application.objects.get(pk=application.pk)


def submit_review(assignment, recommendation=Recommendation.APPROVE):
    type(assignment).objects.filter(pk=assignment.pk).update(
        recommendation=recommendation, submitted_at=in_days(0)
    )


@pytest.mark.parametrize("decision", ["approve", "defer"])
def test_approving_or_deferring_waits_for_every_review(in_review, coordinator, decision):
    first, second = in_review.review_assignments.order_by("id")
    submit_review(first)
    with pytest.raises(TransitionNotAllowed) as refused:
        application_transition(
            application=in_review, action=decision, by=coordinator, note="Amend."
        )
    assert (str(refused.value), refused.value.reasons) == (
        "Every review of this round must be in before this decision.",
        ("every_review_in",),
    )
    assert Application.objects.get(pk=in_review.pk).state == S.IN_REVIEW
    submit_review(second)
    done = application_transition(
        application=in_review, action=decision, by=coordinator, note="Amend."
    )
    assert done.state == {"approve": S.APPROVED, "defer": S.DEFERRED}[decision]


def test_holding_does_not_wait_for_the_reviews(in_review, coordinator):
    held = application_transition(application=in_review, action="hold", by=coordinator)
    assert held.state == S.ON_HOLD


def test_a_page_that_has_the_round_passes_it_and_the_condition_reads_nothing(
    in_review, django_assert_num_queries
):
    status = round_status(application=in_review)
    with django_assert_num_queries(0):
        assert every_review_in(in_review, review_status=status) == (
            "Every review of this round must be in before this decision."
        )


@pytest.fixture
def failed(exam_category, applicant, association):
    """Failed once, at a sitting 60 days ago (the category waits 12 months, 3 attempts)."""
    application = ApplicationFactory(
        category=exam_category, applicant=applicant, state=S.EXAM_FAILED
    )
    sitting = ExamSittingFactory(association=association, starts_at=in_days(-60))
    ExamRegistrationFactory(
        sitting=sitting, application=application, attempt=1, result=ExamResult.FAILED
    )
    return application


def test_a_retake_too_soon_is_refused_by_the_service(failed, applicant, association):
    possible_from = add_months(local_date(in_days(-60), association), 12)
    too_soon = ExamSittingFactory(association=association, starts_at=in_days(200))
    with pytest.raises(TransitionNotAllowed) as refused:
        application_transition(
            application=failed, action="retake_exam", by=applicant, facts={"sitting": too_soon}
        )
    assert refused.value.reasons == ("retake_allowed",)
    assert str(refused.value) == (
        "A retake is possible no sooner than 12 months after the last attempt: choose a sitting "
        f"on or after {date_format(possible_from, 'DATE_FORMAT')}."
    )
    # Without a sitting, today is judged: still too soon.
    with pytest.raises(TransitionNotAllowed, match="no sooner than 12 months"):
        application_transition(application=failed, action="retake_exam", by=applicant)
    assert not ApplicationEvent.objects.filter(application=failed)
    later = ExamSittingFactory(association=association, starts_at=in_days(400))
    retaken = application_transition(
        application=failed, action="retake_exam", by=applicant, facts={"sitting": later}
    )
    assert retaken.state == S.EXAM


def test_no_retake_once_the_attempts_are_used(failed, applicant, association):
    for attempt in (2, 3):
        sitting = ExamSittingFactory(
            association=association, starts_at=in_days(-60 - 400 * attempt)
        )
        ExamRegistrationFactory(
            sitting=sitting, application=failed, attempt=attempt, result=ExamResult.FAILED
        )
    later = ExamSittingFactory(
        association=association,
        starts_at=in_days(0) + datetime.timedelta(days=800),
    )
    with pytest.raises(TransitionNotAllowed) as refused:
        application_transition(
            application=failed, action="retake_exam", by=applicant, facts={"sitting": later}
        )
    assert str(refused.value) == (
        "The exam may be taken 3 times: all attempts are used, so no retake is possible."
    )
