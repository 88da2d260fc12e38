"""Exam pages of the applicant (registering, retakes) and of the graders (blind scoring, their
dashboard); query counts."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from endorsement.enums import ApplicationState as S
from reviews.enums import ExamResult
from reviews.models import VignetteScore
from reviews.selectors.exams import add_months, local_date, scoring_opens_text, sitting_label
from reviews.services import exams
from tests.factories import (
    ApplicationFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    VignetteScoreFactory,
)
from tests.reviews.helpers import in_days, messages_of, sitting_started, state_of

# --- applicant --------------------------------------------------------------------------------


def test_the_applicant_sees_sittings_with_free_places_and_registers(
    client, applicant, approved, association
):
    full = ExamSittingFactory(association=association, capacity=1, starts_at=in_days(20))
    ExamRegistrationFactory(sitting=full)
    open_one = ExamSittingFactory(association=association, capacity=5, starts_at=in_days(40))
    client.force_login(applicant)
    url = reverse("reviews:exam.register", kwargs={"application_id": approved.pk})
    response = client.get(url)
    assert [s.pk for s in response.context["sittings"]] == [open_one.pk]
    response = client.post(url, {"sitting": open_one.pk})
    assert messages_of(response) == [
        f"You are registered for the exam on {sitting_label(open_one)}."
    ]
    assert state_of(approved) == S.EXAM
    response = client.get(url)
    assert response.context["current"].sitting == open_one
    assert "You are registered for the sitting of" in response.content.decode()


def test_a_full_sitting_is_refused_to_the_applicant(client, applicant, approved, association):
    full = ExamSittingFactory(association=association, capacity=1)
    ExamRegistrationFactory(sitting=full)
    client.force_login(applicant)
    url = reverse("reviews:exam.register", kwargs={"application_id": approved.pk})
    response = client.post(url, {"sitting": full.pk})
    assert messages_of(response) == ["This sitting is full. Choose another date."]
    assert state_of(approved) == S.APPROVED


def test_after_a_failed_exam_the_page_says_when_a_retake_is_possible(
    client, applicant, exam_category, association
):
    application = ApplicationFactory(
        category=exam_category, applicant=applicant, state=S.EXAM_FAILED
    )
    past = ExamSittingFactory(association=association, starts_at=in_days(-30))
    ExamRegistrationFactory(sitting=past, application=application, result=ExamResult.FAILED)
    ExamSittingFactory(association=association, starts_at=in_days(100))
    later = ExamSittingFactory(association=association, starts_at=in_days(400))
    client.force_login(applicant)
    url = reverse("reviews:exam.register", kwargs={"application_id": application.pk})
    response = client.get(url)
    possible_from = add_months(local_date(past.starts_at, association), 12)
    assert response.context["status"].possible_from == possible_from
    assert [s.pk for s in response.context["sittings"]] == [later.pk]
    assert "You can retake the exam at a sitting on or after" in response.content.decode()


def test_the_page_says_when_the_attempts_are_used(client, applicant, exam_category, association):
    application = ApplicationFactory(
        category=exam_category, applicant=applicant, state=S.EXAM_FAILED
    )
    for attempt in (1, 2, 3):
        past = ExamSittingFactory(association=association, starts_at=in_days(-400 * attempt))
        ExamRegistrationFactory(
            sitting=past, application=application, attempt=attempt, result=ExamResult.FAILED
        )
    ExamSittingFactory(association=association, starts_at=in_days(100))
    client.force_login(applicant)
    url = reverse("reviews:exam.register", kwargs={"application_id": application.pk})
    response = client.get(url)
    assert list(response.context["sittings"]) == []
    assert "You have used all 3 attempts at the exam: no retake is possible." in (
        response.content.decode()
    )


# --- grader -----------------------------------------------------------------------------------


def test_graders_score_blind_and_see_each_other_once_both_are_in(
    client, assigned, grader_a, grader_b, coordinator, registration
):
    exams.part1_enter(registration=registration, correct=55, by=coordinator)
    row_a, row_b = assigned
    url_a = reverse("reviews:exam.score", kwargs={"pk": row_a.pk})
    url_b = reverse("reviews:exam.score", kwargs={"pk": row_b.pk})
    client.force_login(grader_a)
    response = client.post(url_a, {"percent": 83, "comments": "Thoughtful."})
    assert response["Location"] == url_a
    page = client.get(url_a)
    assert page.context["others"] == []
    assert "The other scores are shown once every grader has scored." in page.content.decode()
    response = client.post(url_a, {"percent": 20})
    assert messages_of(response) == [
        "You have already scored these vignettes: your score is final."
    ]

    client.force_login(grader_b)
    page = client.get(url_b)
    assert page.context["others"] == []
    # The page's text (not its attributes: a CSRF token may hold the digits) shows no 83.
    assert not re.search(r"\b83\b", re.sub(r"<[^>]*>", " ", page.content.decode()))
    client.post(url_b, {"percent": 77})
    page = client.get(url_b)
    assert [(o.grader, o.percent) for o in page.context["others"]] == [(grader_a, 83)]
    assert VignetteScore.objects.get(pk=row_a.pk).percent == 83
    assert state_of(registration.application) == S.EXAM_PASSED


def test_the_score_page_says_when_scoring_opens_and_refuses_before(
    client, registration_ahead, grader_a
):
    row = VignetteScoreFactory(registration=registration_ahead, grader=grader_a)
    url = reverse("reviews:exam.score", kwargs={"pk": row.pk})
    opens = scoring_opens_text(registration_ahead.sitting)
    client.force_login(grader_a)
    page = client.get(url)
    assert page.context["scoring_closed"] == opens
    assert opens in page.content.decode()
    assert "Send my score" not in page.content.decode()
    response = client.post(url, {"percent": 88})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [opens]
    assert VignetteScore.objects.get(pk=row.pk).submitted_at is None

    sitting_started(registration_ahead.sitting)
    assert "Send my score" in client.get(url).content.decode()
    response = client.post(url, {"percent": 88})
    assert response["Location"] == url
    assert VignetteScore.objects.get(pk=row.pk).percent == 88


def test_a_score_out_of_bounds_is_shown_on_the_form(client, assigned, grader_a):
    client.force_login(grader_a)
    url = reverse("reviews:exam.score", kwargs={"pk": assigned[0].pk})
    response = client.post(url, {"percent": 101})
    assert response.context["form"].errors == {
        "percent": ["Ensure this value is less than or equal to 100."]
    }


@pytest.mark.parametrize("count", [1, 8])
def test_grader_dashboard_lists_assignments_in_constant_queries(
    client,
    association,
    other_association,
    grader_a,
    exam_category,
    django_assert_num_queries,
    count,
):
    sitting = ExamSittingFactory(association=association, starts_at=in_days(-1), capacity=20)
    for index in range(count):
        application = ApplicationFactory(category=exam_category, state=S.EXAM)
        registration = ExamRegistrationFactory(sitting=sitting, application=application)
        VignetteScoreFactory(
            registration=registration,
            grader=grader_a,
            percent=90 if index == 0 else None,
            submitted_at=timezone.now() if index == 0 else None,
        )
    foreign = ExamRegistrationFactory(sitting=ExamSittingFactory(association=other_association))
    VignetteScoreFactory(registration=foreign, grader=grader_a)
    client.force_login(grader_a)
    # session, user, authenticators, role map, assignments, Part 1 scores to enter
    with django_assert_num_queries(6):
        response = client.get("/a/northfield/dashboard/exam_grader/")
    assert len(response.context["exam_assignments"]) == count
    assert response.context["exam_to_score"] == count - 1
    # Every row links its score page; the next-step card above the table links the first one.
    html = re.sub(
        r'<section class="card next-step-card.*?</section>',
        "",
        response.content.decode(),
        flags=re.S,
    )
    assert html.count("/exams/scores/") == count


def test_grader_dashboard_does_not_invite_scoring_before_the_sitting(
    client, association, grader_a, registration, registration_ahead
):
    started = VignetteScoreFactory(registration=registration, grader=grader_a)
    ahead = VignetteScoreFactory(registration=registration_ahead, grader=grader_a)
    client.force_login(grader_a)
    response = client.get("/a/northfield/dashboard/exam_grader/")
    assert response.context["exam_to_score"] == 1
    assert [row.scoring_opens for row in response.context["exam_assignments"]] == [
        "",
        scoring_opens_text(registration_ahead.sitting),
    ]
    body = response.content.decode()
    assert "1 candidate is waiting for your score." in body
    assert reverse("reviews:exam.score", kwargs={"pk": started.pk}) in body
    assert reverse("reviews:exam.score", kwargs={"pk": ahead.pk}) not in body
    assert scoring_opens_text(registration_ahead.sitting) in body


def test_grader_dashboard_lists_part1_scores_to_enter(
    client, association, other_association, grader_a, exam_category
):
    past = ExamSittingFactory(association=association, starts_at=in_days(-1))
    waiting = ExamRegistrationFactory(
        sitting=past, application=ApplicationFactory(category=exam_category, state=S.EXAM)
    )
    ExamRegistrationFactory(  # entered already
        sitting=past,
        application=ApplicationFactory(category=exam_category, state=S.EXAM),
        part1_correct=50,
    )
    ExamRegistrationFactory(  # the sitting is still to come
        sitting=ExamSittingFactory(association=association, starts_at=in_days(5)),
        application=ApplicationFactory(category=exam_category, state=S.EXAM),
    )
    ExamRegistrationFactory(sitting=ExamSittingFactory(association=other_association))
    client.force_login(grader_a)
    response = client.get("/a/northfield/dashboard/exam_grader/")
    assert response.context["exam_part1_waiting"] == [waiting]
    assert reverse("reviews:exam.part1", kwargs={"pk": waiting.pk}) in response.content.decode()


@pytest.mark.parametrize("count", [1, 10])
def test_the_register_page_query_count(
    client, applicant, approved, association, django_assert_num_queries, count
):
    for day in range(count):
        ExamSittingFactory(association=association, starts_at=in_days(10 + day))
    client.force_login(applicant)
    url = reverse("reviews:exam.register", kwargs={"application_id": approved.pk})
    # session, user, staff-role check, application, requirements, attempts, sittings,
    # the pending registration
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["sittings"]) == count
