"""The coordinator's "needs you now" list: each kind of row, exactly, from the registry that
``endorsement`` and ``reviews`` fill; the decision page leading to the award."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import dashboards
from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.selectors import awards_waiting
from reviews.enums import ExamResult, Recommendation
from reviews.selectors import tasks
from tests.factories import (
    ApplicationFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    ReviewAssignmentFactory,
    UserFactory,
    VignetteScoreFactory,
)
from tests.reviews.helpers import exam_rows, make_framework, submit_review, submitted

pytestmark = pytest.mark.django_db

DASHBOARD = "/a/northfield/dashboard/coordinator/"


def rows(client, coordinator) -> list[tuple]:
    client.force_login(coordinator)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return [(t.kind, t.label, t.url, t.overdue_days) for t in response.context["needs_you"]]


def test_nothing_waits(client, association, coordinator):
    assert rows(client, coordinator) == []
    assert "Nothing waits for you." in client.get(DASHBOARD).content.decode()


def test_registrations_and_advisor_requests(client, association, category, coordinator):
    registered = ApplicationFactory(
        category=category, state=S.REGISTERED, applicant=UserFactory(full_name="Rae Registered")
    )
    asking = ApplicationFactory(
        category=category,
        state=S.ACCEPTED,
        applicant=UserFactory(full_name="Ada Asking"),
        advisor_requested_at=timezone.now(),
    )
    assert rows(client, coordinator) == [
        (
            "registration",
            "Accept or return the registration of Rae Registered (IFS)",
            f"#registration-{registered.pk}",
            None,
        ),
        (
            "advisor_request",
            "Assign an advisor to Ada Asking (IFS)",
            f"/advising/{asking.pk}/advisor/",
            None,
        ),
    ]


def test_awards_waiting_leave_out_approved_applications_that_take_an_exam(
    client, association, category, exam_category, coordinator
):
    plain = ApplicationFactory(
        category=category, state=S.APPROVED, applicant=UserFactory(full_name="Paul Plain")
    )
    ApplicationFactory(category=exam_category, state=S.APPROVED)
    passed = ApplicationFactory(
        category=exam_category, state=S.EXAM_PASSED, applicant=UserFactory(full_name="Pam Passed")
    )
    assert awards_waiting(association=association) == [plain, passed]
    assert rows(client, coordinator) == [
        (
            "award",
            "Award the endorsement to Paul Plain (IFS)",
            f"/coordinator/applications/{plain.pk}/award/",
            None,
        ),
        (
            "award",
            "Award the endorsement to Pam Passed (IMHM-C)",
            f"/coordinator/applications/{passed.pk}/award/",
            None,
        ),
    ]


def test_decisions_say_whether_the_reviewers_agree(client, association, coordinator, rita, ray):
    association.reviewers_per_portfolio = 2
    association.save()
    category, areas = make_framework(association)
    agreed = submitted(category, state=S.IN_REVIEW, applicant=UserFactory(full_name="Al Agreed"))
    split = submitted(category, state=S.IN_REVIEW, applicant=UserFactory(full_name="Di Split"))
    half = submitted(category, state=S.IN_REVIEW, applicant=UserFactory(full_name="Hal Half"))
    for application, opinions in (
        (agreed, ("approve", "approve")),
        (split, ("approve", "defer")),
        (half, ("approve", None)),
    ):
        for person, opinion in zip((rita, ray), opinions, strict=True):
            assignment = ReviewAssignmentFactory(application=application, reviewer=person)
            if opinion:
                extra = {"amendments": "Add the log."} if opinion == "defer" else {}
                submit_review(assignment, areas, recommendation=opinion, **extra)
    # A first round all in does not count once the portfolio is in its second round.
    again = submitted(
        category, state=S.IN_REVIEW, submissions=2, applicant=UserFactory(full_name="Re Again")
    )
    for person in (rita, ray):
        ReviewAssignmentFactory(
            application=again,
            reviewer=person,
            round=1,
            submitted_at=timezone.now(),
            recommendation=Recommendation.DEFER,
        )
    decide = "/reviewing/applications/{}/decision/"
    assert sorted(rows(client, coordinator)) == [
        (
            "decision",
            "Decide on Al Agreed (IFS): the reviewers agree",
            decide.format(agreed.pk),
            None,
        ),
        (
            "decision",
            "Decide on Di Split (IFS): the reviewers disagree",
            decide.format(split.pk),
            None,
        ),
    ]


def test_overdue_reviews_name_the_reviewer_and_the_days(
    client, association, category, coordinator, rita, ray
):
    application = submitted(
        category, state=S.IN_REVIEW, applicant=UserFactory(full_name="Olive Overdue")
    )
    today = association.today()
    ReviewAssignmentFactory(
        application=application, reviewer=rita, due_on=today - datetime.timedelta(days=3)
    )
    ReviewAssignmentFactory(
        application=application, reviewer=ray, due_on=today - datetime.timedelta(days=9)
    )
    ReviewAssignmentFactory(application=application, due_on=today)  # due today: not overdue
    url = f"/reviewing/applications/{application.pk}/decision/"
    assert rows(client, coordinator) == [
        ("overdue_review", "Review of Olive Overdue (IFS) by Ray Reviewer", url, 9),
        ("overdue_review", "Review of Olive Overdue (IFS) by Rita Reviewer", url, 3),
    ]
    page = client.get(DASHBOARD).content.decode()
    assert "9 days overdue" in page
    assert "3 days overdue" in page


def test_exam_rows_part1_to_enter_and_overdue_gradings(
    client, association, exam_category, coordinator, grader_a, grader_b
):
    now = timezone.now()
    old = ExamSittingFactory(
        association=association, starts_at=now - datetime.timedelta(days=tasks.GRADING_DUE_DAYS + 5)
    )
    recent = ExamSittingFactory(association=association, starts_at=now - datetime.timedelta(days=2))
    ExamSittingFactory(association=association)  # to come: nothing to enter yet

    def candidate(sitting, name, **kwargs):
        application = ApplicationFactory(
            category=exam_category, state=S.EXAM, applicant=UserFactory(full_name=name)
        )
        return ExamRegistrationFactory(sitting=sitting, application=application, **kwargs)

    late = candidate(old, "Lee Late", part1_correct=55)
    VignetteScoreFactory(registration=late, grader=grader_a)
    VignetteScoreFactory(registration=late, grader=grader_b, percent=90, submitted_at=now)
    fresh_one = candidate(recent, "Fay Fresh")
    VignetteScoreFactory(registration=fresh_one, grader=grader_a)  # not yet overdue
    done = candidate(old, "Dan Done", result=ExamResult.PASSED, part1_correct=58)
    VignetteScoreFactory(registration=done, grader=grader_a)
    name_a = grader_a.get_full_name()
    assert rows(client, coordinator) == [
        (
            "overdue_grading",
            f"Part 2 grading of Lee Late (IMHM-C) by {name_a}",
            f"/exams/registrations/{late.pk}/graders/",
            5,
        ),
        (
            "part1",
            "Enter the Part 1 score of Fay Fresh (IMHM-C)",
            f"/exams/registrations/{fresh_one.pk}/part1/",
            None,
        ),
    ]


def test_a_later_capability_adds_its_rows_through_the_registry(
    client, association, coordinator, monkeypatch
):
    monkeypatch.setitem(
        dashboards.TASKS, Role.COORDINATOR, list(dashboards.TASKS[Role.COORDINATOR])
    )

    @dashboards.register_tasks(Role.COORDINATOR)
    def renewals(request, association, context):
        return [dashboards.Task(kind="renewal", label="Renew Ren", url="/renew/", priority=5)]

    assert rows(client, coordinator) == [("renewal", "Renew Ren", "/renew/", None)]


def test_approving_without_an_exam_leads_to_the_award(client, association, coordinator, rita):
    association.reviewers_per_portfolio = 1
    association.save()
    category, areas = make_framework(association)
    application = submitted(category, state=S.IN_REVIEW)
    submit_review(ReviewAssignmentFactory(application=application, reviewer=rita), areas)
    client.force_login(coordinator)
    url = reverse("reviews:review.decide", kwargs={"application_id": application.pk})
    response = client.post(url, {"decision": "approve", "note": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "endorsement:award", kwargs={"application_id": application.pk}
    )


def test_approving_with_an_exam_stays_on_the_decision_page(client, association, coordinator, rita):
    association.reviewers_per_portfolio = 1
    association.save()
    category, areas = make_framework(association, code="IMHM-C", mentor=True)
    exam_rows(category)
    application = submitted(category, state=S.IN_REVIEW)
    submit_review(ReviewAssignmentFactory(application=application, reviewer=rita), areas)
    client.force_login(coordinator)
    url = reverse("reviews:review.decide", kwargs={"application_id": application.pk})
    response = client.post(url, {"decision": "approve", "note": ""})
    assert response.status_code == 302
    assert response["Location"] == url
