"""reviews.services.reviewing: assigning reviewers (one portfolio or in bulk), the round."""

import pytest
from django.core import mail
from django.utils import translation
from django.utils.formats import date_format

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from reviews.models import ReviewAssignment
from reviews.selectors.reviewing import review_round
from reviews.services.reviewing import ReviewRefused, review_assign, review_assign_bulk
from tests.factories import ApplicationFactory, ReferenceFactory, UserFactory, WorkExperienceFactory
from tests.reviews.helpers import due, reviewer, submitted

pytestmark = pytest.mark.django_db


# --- Assignments -----------------------------------------------------------------------------


def test_assign_starts_the_review_and_emails_the_reviewer(
    application, coordinator, rita, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [assignment] = review_assign(
            application=application, reviewers=[rita], due_on=due(14), by=coordinator
        )
    assert (assignment.reviewer, assignment.round, assignment.due_on, assignment.assigned_by) == (
        rita,
        1,
        due(14),
        coordinator,
    )
    application.refresh_from_db()
    assert application.state == S.IN_REVIEW
    assert list(
        ApplicationEvent.objects.filter(application=application)
        .order_by("id")
        .values_list("to_state", "actor")
    ) == [(S.SUBMITTED, application.applicant_id), (S.IN_REVIEW, coordinator.pk)]
    to_rita = [m for m in mail.outbox if m.to == ["rita@example.org"]]
    assert len(to_rita) == 1
    assert to_rita[0].subject == (
        f"Portfolio to review: Ana Applicant, due {date_format(due(14), 'DATE_FORMAT')}"
    )
    assert f"by {date_format(due(14), 'DATE_FORMAT')}." in to_rita[0].body
    assert f"/reviewing/reviews/{assignment.pk}/" in to_rita[0].body
    assert [m.to for m in mail.outbox if m.to != ["rita@example.org"]] == [
        [application.applicant.email]
    ]


def test_a_spanish_speaking_reviewer_reads_the_due_date_in_spanish(
    application, coordinator, rita, django_capture_on_commit_callbacks
):
    type(rita).objects.filter(pk=rita.pk).update(preferred_language="es")
    with django_capture_on_commit_callbacks(execute=True):
        review_assign(application=application, reviewers=[rita], due_on=due(14), by=coordinator)
    [to_rita] = [m for m in mail.outbox if m.to == ["rita@example.org"]]
    with translation.override("es"):
        spanish = date_format(due(14), "DATE_FORMAT")
    assert spanish in to_rita.body


def test_the_second_reviewer_can_be_added_later_but_not_a_third(
    association, application, coordinator, rita, ray, make_staff
):
    review_assign(application=application, reviewers=[rita], due_on=due(), by=coordinator)
    review_assign(application=application, reviewers=[ray], due_on=due(), by=coordinator)
    third = reviewer(make_staff, association, "Theo Third", "theo@example.org")
    with pytest.raises(ReviewRefused) as refused:
        review_assign(application=application, reviewers=[third], due_on=due(), by=coordinator)
    assert str(refused.value) == (
        f"{association.name} has 2 reviewers per portfolio: 2 already assigned."
    )
    assert ReviewAssignment.objects.count() == 2


def test_more_reviewers_than_the_setting_are_refused(
    association, application, coordinator, rita, ray
):
    association.reviewers_per_portfolio = 1
    association.save()
    with pytest.raises(ReviewRefused, match="has 1 reviewer per portfolio: 0 already assigned"):
        review_assign(application=application, reviewers=[rita, ray], due_on=due(), by=coordinator)
    assert ReviewAssignment.objects.count() == 0
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_a_conflicted_reviewer_is_refused_with_the_reasons(application, coordinator, rita, ray):
    ReferenceFactory(application=application, rater_email="ray@example.org")
    with pytest.raises(ReviewRefused) as refused:
        review_assign(application=application, reviewers=[rita, ray], due_on=due(), by=coordinator)
    assert str(refused.value) == (
        "Ray Reviewer may not review this portfolio: "
        "They are a rater of one of the applicant's references."
    )
    assert ReviewAssignment.objects.count() == 0


def test_the_advisor_cannot_be_assigned(application, coordinator, rita):
    Application.objects.filter(pk=application.pk).update(advisor=rita)
    with pytest.raises(ReviewRefused, match="advisors never review their own advisees"):
        review_assign(application=application, reviewers=[rita], due_on=due(), by=coordinator)


def test_assign_refuses_people_outside_the_pool(association, application, coordinator, user):
    with pytest.raises(ReviewRefused) as refused:
        review_assign(application=application, reviewers=[user], due_on=due(), by=coordinator)
    assert str(refused.value) == f"{user.get_full_name()} is not a reviewer of {association.name}."


@pytest.mark.parametrize("who", ["reviewer", "other_coordinator", "applicant"])
def test_only_a_coordinator_of_the_association_assigns(
    application, rita, ray, make_staff, other_association, who
):
    by = {
        "reviewer": ray,
        "other_coordinator": make_staff(Role.COORDINATOR, other_association),
        "applicant": application.applicant,
    }[who]
    with pytest.raises(ReviewRefused, match="Only a coordinator of this association"):
        review_assign(application=application, reviewers=[rita], due_on=due(), by=by)
    assert ReviewAssignment.objects.count() == 0


def test_assign_needs_a_submitted_portfolio(category, coordinator, rita):
    application = ApplicationFactory(category=category, state=S.ACCEPTED)
    with pytest.raises(ReviewRefused, match="this one is “Accepted”|this one is"):
        review_assign(application=application, reviewers=[rita], due_on=due(), by=coordinator)


def test_assign_refuses_a_past_due_date_and_no_reviewer(application, coordinator, rita):
    with pytest.raises(ReviewRefused, match="The due date is in the past."):
        review_assign(application=application, reviewers=[rita], due_on=due(-3), by=coordinator)
    with pytest.raises(ReviewRefused, match="Choose a reviewer."):
        review_assign(application=application, reviewers=[], due_on=due(), by=coordinator)


def test_round_counts_the_submissions(category, coordinator, rita):
    application = submitted(category, submissions=2)
    assert review_round(application=application) == 2
    [assignment] = review_assign(
        application=application, reviewers=[rita], due_on=due(), by=coordinator
    )
    assert assignment.round == 2


def test_assigning_in_review_does_not_start_it_again(category, coordinator, rita):
    application = submitted(category, state=S.IN_REVIEW)
    review_assign(application=application, reviewers=[rita], due_on=due(), by=coordinator)
    assert ApplicationEvent.objects.filter(application=application).count() == 1


def test_bulk_assigns_each_application_completely_or_not_at_all(
    category, coordinator, rita, ray, django_capture_on_commit_callbacks
):
    first = submitted(category, applicant=UserFactory(full_name="First Applicant"))
    conflicted = submitted(category, applicant=UserFactory(full_name="Second Applicant"))
    third = submitted(category, applicant=UserFactory(full_name="Third Applicant"))
    WorkExperienceFactory(
        application=conflicted, supervisor_email="ray@example.org", employer="Sun"
    )
    with django_capture_on_commit_callbacks(execute=True):
        results = review_assign_bulk(
            applications=[first, conflicted, third],
            reviewers=[rita, ray],
            due_on=due(),
            by=coordinator,
        )
    assert [(r.application, r.assigned, r.refusal) for r in results] == [
        (first, True, ""),
        (
            conflicted,
            False,
            "Ray Reviewer may not review this portfolio: "
            "They are named as the applicant's supervisor at Sun.",
        ),
        (third, True, ""),
    ]
    assert sorted(
        ReviewAssignment.objects.values_list("application_id", "reviewer__email")
    ) == sorted(
        [
            (first.pk, "rita@example.org"),
            (first.pk, "ray@example.org"),
            (third.pk, "rita@example.org"),
            (third.pk, "ray@example.org"),
        ]
    )
    states = dict(Application.objects.values_list("pk", "state"))
    assert (states[first.pk], states[conflicted.pk], states[third.pk]) == (
        S.IN_REVIEW,
        S.SUBMITTED,
        S.IN_REVIEW,
    )
    reviewer_mails = [m for m in mail.outbox if m.subject.startswith("Portfolio to review")]
    assert sorted(m.to[0] for m in reviewer_mails) == [
        "ray@example.org",
        "ray@example.org",
        "rita@example.org",
        "rita@example.org",
    ]
