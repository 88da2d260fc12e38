"""Exam pages: who may open them, what they show, query counts."""

import datetime
import re
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from reviews.enums import ExamResult
from reviews.models import ExamRegistration, ExamSitting, VignetteScore
from reviews.selectors.exams import add_months, local_date, scoring_opens_text, sitting_label
from reviews.services import exams
from tests.factories import (
    ApplicationFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    UserFactory,
    VignetteScoreFactory,
)
from tests.reviews.helpers import in_days, sitting_started


def messages_of(response) -> list[str]:
    """The messages the response adds (the ones of earlier redirects are still queued)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1:]


def state_of(application) -> str:
    return Application.objects.get(pk=application.pk).state


def sittings_url(association):
    return reverse("reviews:exam.sittings", kwargs={"slug": association.slug})


def sitting_url(sitting, name="exam.sitting"):
    return reverse(f"reviews:{name}", kwargs={"pk": sitting.pk})


def coordinator_urls(association, sitting, registration):
    return [
        sittings_url(association),
        reverse("reviews:exam.sitting.add", kwargs={"slug": association.slug}),
        sitting_url(sitting),
        sitting_url(sitting, "exam.sitting.edit"),
        sitting_url(sitting, "exam.sitting.delete"),
        reverse("reviews:exam.graders", kwargs={"pk": registration.pk}),
    ]


# --- refusals ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, association, registration, assigned):
    urls = [
        *coordinator_urls(association, registration.sitting, registration),
        sitting_url(registration.sitting, "exam.sitting.register"),
        reverse("reviews:exam.part1", kwargs={"pk": registration.pk}),
        reverse("reviews:exam.score", kwargs={"pk": assigned[0].pk}),
        reverse("reviews:exam.register", kwargs={"application_id": registration.application_id}),
    ]
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/?next="), url


def test_coordinator_pages_refuse_other_roles_and_associations(
    client, association, other_association, make_staff, registration, grader_a, applicant
):
    people = [
        grader_a,
        applicant,
        make_staff(Role.REVIEWER, association),
        make_staff(Role.COORDINATOR, other_association),
    ]
    urls = [
        *coordinator_urls(association, registration.sitting, registration),
        sitting_url(registration.sitting, "exam.sitting.register"),
    ]
    for person in people:
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code in (403, 405), (person, url)
            assert client.post(url, {"capacity": 3}).status_code == 403, (person, url)
    assert ExamSitting.objects.count() == 1
    assert not VignetteScore.objects.exists()


def test_part1_page_refuses_everyone_but_coordinators_and_graders_of_the_association(
    client, association, other_association, make_staff, registration, applicant
):
    url = reverse("reviews:exam.part1", kwargs={"pk": registration.pk})
    for person in (
        applicant,
        make_staff(Role.REVIEWER, association),
        make_staff(Role.EXAM_GRADER, other_association),
        make_staff(Role.COORDINATOR, other_association),
    ):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"correct": 50}).status_code == 403
    assert ExamRegistration.objects.get(pk=registration.pk).part1_correct is None


def test_a_grader_not_assigned_cannot_see_or_score(
    client, association, make_staff, assigned, coordinator, applicant
):
    url = reverse("reviews:exam.score", kwargs={"pk": assigned[0].pk})
    for person in (make_staff(Role.EXAM_GRADER, association), coordinator, applicant):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"percent": 90}).status_code == 404
    assert VignetteScore.objects.get(pk=assigned[0].pk).percent is None


def test_a_grader_who_lost_the_role_cannot_score(client, assigned, grader_a):
    grader_a.role_grants.all().delete()
    client.force_login(grader_a)
    url = reverse("reviews:exam.score", kwargs={"pk": assigned[0].pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"percent": 90}).status_code == 403


def test_the_register_page_is_the_applicants_own_only(
    client, approved, coordinator, make_staff, association
):
    url = reverse("reviews:exam.register", kwargs={"application_id": approved.pk})
    for person in (UserFactory(), coordinator, make_staff(Role.EXAM_GRADER, association)):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"sitting": 1}).status_code == 404
    assert state_of(approved) == S.APPROVED


def test_the_register_page_of_a_category_without_exam_is_not_found(
    client, plain_category, applicant
):
    application = ApplicationFactory(category=plain_category, applicant=applicant, state=S.APPROVED)
    client.force_login(applicant)
    url = reverse("reviews:exam.register", kwargs={"application_id": application.pk})
    assert client.get(url).status_code == 404


# --- coordinator: sittings --------------------------------------------------------------------


def test_the_coordinator_creates_a_sitting_in_the_associations_time(
    client, association, coordinator
):
    client.force_login(coordinator)
    url = reverse("reviews:exam.sitting.add", kwargs={"slug": association.slug})
    assert client.get(url).status_code == 200
    day = datetime.date.today() + datetime.timedelta(days=60)
    response = client.post(
        url,
        {
            "starts_at": f"{day:%Y-%m-%d}T09:30",
            "place": "Northfield Library",
            "capacity": 15,
            "note": "Bring an ID.",
        },
    )
    sitting = ExamSitting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == sitting_url(sitting)
    local = sitting.starts_at.astimezone(zoneinfo.ZoneInfo(association.time_zone))
    assert (local.date(), local.hour, local.minute) == (day, 9, 30)
    assert (sitting.association, sitting.place, sitting.capacity, sitting.note) == (
        association,
        "Northfield Library",
        15,
        "Bring an ID.",
    )


def test_a_sitting_without_place_shows_the_reason(client, association, coordinator):
    client.force_login(coordinator)
    url = reverse("reviews:exam.sitting.add", kwargs={"slug": association.slug})
    day = datetime.date.today() + datetime.timedelta(days=60)
    response = client.post(url, {"starts_at": f"{day:%Y-%m-%d}T09:30", "capacity": 15})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Give the place of the sitting, or mark it online."
    ]
    assert not ExamSitting.objects.exists()


def test_the_coordinator_edits_a_sitting(client, coordinator, sitting):
    client.force_login(coordinator)
    url = sitting_url(sitting, "exam.sitting.edit")
    response = client.get(url)
    assert response.context["form"].initial["capacity"] == 2
    local = sitting.starts_at.astimezone(zoneinfo.ZoneInfo(sitting.association.time_zone))
    response = client.post(
        url, {"starts_at": f"{local:%Y-%m-%dT%H:%M}", "is_online": "on", "capacity": 30}
    )
    assert response.status_code == 302
    saved = ExamSitting.objects.get(pk=sitting.pk)
    assert (saved.capacity, saved.is_online, saved.starts_at) == (
        30,
        True,
        sitting.starts_at.replace(second=0),
    )


def test_deleting_asks_first_and_refuses_with_registrations(client, coordinator, registration):
    client.force_login(coordinator)
    url = sitting_url(registration.sitting, "exam.sitting.delete")
    response = client.get(url)
    assert response.context["has_registrations"] is True
    response = client.post(url)
    assert response["Location"] == sitting_url(registration.sitting)
    assert messages_of(response) == [
        "Candidates are registered for this sitting: it cannot be deleted."
    ]
    registration.delete()
    response = client.get(url)
    assert response.context["has_registrations"] is False
    response = client.post(url)
    assert response["Location"] == sittings_url(registration.sitting.association)
    assert not ExamSitting.objects.exists()


def test_the_sittings_list_is_paginated(client, association, other_association, coordinator):
    for day in range(25):
        ExamSittingFactory(association=association, starts_at=in_days(10 + day))
    ExamSittingFactory(association=other_association)
    client.force_login(coordinator)
    first = client.get(sittings_url(association))
    assert len(first.context["sittings"]) == 20
    second = client.get(sittings_url(association) + "?page=2")
    assert len(second.context["sittings"]) == 5
    assert {s.association_id for s in second.context["sittings"]} == {association.pk}


@pytest.mark.parametrize("count", [1, 12])
def test_sittings_list_query_count(
    client, association, coordinator, django_assert_num_queries, count
):
    for day in range(count):
        sitting = ExamSittingFactory(association=association, starts_at=in_days(10 + day))
        ExamRegistrationFactory(sitting=sitting)
    client.force_login(coordinator)
    # session, user, authenticators, role map, count, page of sittings
    with django_assert_num_queries(6):
        response = client.get(sittings_url(association))
    assert [(s.registered, s.free) for s in response.context["sittings"]] == [(1, 19)] * count


# --- coordinator: a sitting's page ------------------------------------------------------------


def test_the_coordinator_registers_an_approved_applicant(
    client, coordinator, approved, sitting, plain_category
):
    waiting_plain = ApplicationFactory(category=plain_category, state=S.APPROVED)
    client.force_login(coordinator)
    page = client.get(sitting_url(sitting))
    choices = list(page.context["register_form"].fields["application"].queryset)
    assert choices == [approved]
    response = client.post(
        sitting_url(sitting, "exam.sitting.register"), {"application": approved.pk}
    )
    assert messages_of(response) == ["Registered Ana Applicant for this sitting."]
    assert state_of(approved) == S.EXAM
    response = client.post(
        sitting_url(sitting, "exam.sitting.register"), {"application": waiting_plain.pk}
    )
    assert messages_of(response) == ["Choose an approved applicant."]
    assert state_of(waiting_plain) == S.APPROVED


def test_the_sitting_page_shows_scores_only_as_scored_until_all_are_in(
    client, coordinator, registration, assigned, grader_a
):
    exams.vignette_score(score_row=assigned[0], percent=91, by=grader_a)
    client.force_login(coordinator)
    response = client.get(sitting_url(registration.sitting))
    [row] = response.context["rows"]
    assert row["all_in"] is False
    body = response.content.decode()
    assert "Gail G: scored" in body
    assert "Gus G: waiting" in body
    assert "91%" not in body


def test_part1_is_entered_from_the_sitting_page(client, coordinator, registration):
    client.force_login(coordinator)
    url = reverse("reviews:exam.part1", kwargs={"pk": registration.pk})
    response = client.post(url, {"correct": 61, "inline": "1"})
    assert messages_of(response) == ["Ensure this value is less than or equal to 60."]
    response = client.post(url, {"correct": 52, "inline": "1"})
    assert response["Location"] == sitting_url(registration.sitting)
    assert messages_of(response) == ["Part 1 of Ana Applicant is entered."]
    assert ExamRegistration.objects.get(pk=registration.pk).part1_correct == 52


def test_part1_page_says_when_scoring_opens_and_refuses_before(
    client, coordinator, registration_ahead
):
    client.force_login(coordinator)
    url = reverse("reviews:exam.part1", kwargs={"pk": registration_ahead.pk})
    opens = scoring_opens_text(registration_ahead.sitting)
    page = client.get(url)
    assert page.context["scoring_closed"] == opens
    body = page.content.decode()
    assert opens in body
    assert 'name="correct"' not in body
    response = client.post(url, {"correct": 50})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [opens]
    response = client.post(url, {"correct": 50, "inline": "1"})
    assert response["Location"] == sitting_url(registration_ahead.sitting)
    assert messages_of(response) == [opens]
    assert ExamRegistration.objects.get(pk=registration_ahead.pk).part1_correct is None

    sitting_started(registration_ahead.sitting)
    page = client.get(url)
    assert page.context["scoring_closed"] == ""
    assert 'name="correct"' in page.content.decode()
    response = client.post(url, {"correct": 50})
    assert response["Location"] == sitting_url(registration_ahead.sitting)
    assert ExamRegistration.objects.get(pk=registration_ahead.pk).part1_correct == 50


def test_the_sitting_page_offers_part1_entry_only_once_the_sitting_has_started(
    client, coordinator, registration_ahead
):
    client.force_login(coordinator)
    sitting = registration_ahead.sitting
    page = client.get(sitting_url(sitting))
    body = page.content.decode()
    assert page.context["is_future"] is True
    assert scoring_opens_text(sitting) in body
    assert "After the sitting" in body
    assert 'name="correct"' not in body
    # Graders may be assigned ahead.
    assert reverse("reviews:exam.graders", kwargs={"pk": registration_ahead.pk}) in body

    sitting_started(sitting)
    page = client.get(sitting_url(sitting))
    body = page.content.decode()
    assert page.context["is_future"] is False
    assert "After the sitting" not in body
    assert f'id="part1-{registration_ahead.pk}"' in body


def test_a_grader_enters_part1_on_its_page(client, grader_a, registration):
    client.force_login(grader_a)
    url = reverse("reviews:exam.part1", kwargs={"pk": registration.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"correct": 60})
    assert response["Location"] == "/a/northfield/dashboard/exam_grader/"
    assert ExamRegistration.objects.get(pk=registration.pk).part1_entered_by == grader_a


def test_the_coordinator_assigns_graders(client, coordinator, registration, grader_a, grader_b):
    client.force_login(coordinator)
    url = reverse("reviews:exam.graders", kwargs={"pk": registration.pk})
    form = client.get(url).context["form"]
    assert list(form.fields["graders"].queryset) == [grader_a, grader_b]
    response = client.post(url, {"graders": [grader_a.pk]})
    assert response.context["form"].errors == {"graders": ["Choose 2 different graders."]}
    response = client.post(url, {"graders": [grader_a.pk, grader_b.pk]})
    assert response["Location"] == sitting_url(registration.sitting)
    assert sorted(VignetteScore.objects.values_list("grader__email", flat=True)) == [
        "gail@example.org",
        "gus@example.org",
    ]


@pytest.mark.parametrize("count", [1, 8])
def test_sitting_page_query_count(
    client, association, coordinator, exam_category, django_assert_num_queries, count
):
    sitting = ExamSittingFactory(association=association, capacity=20)
    for _ in range(count):
        application = ApplicationFactory(category=exam_category, state=S.EXAM)
        registration = ExamRegistrationFactory(sitting=sitting, application=application)
        VignetteScoreFactory(registration=registration)
        VignetteScoreFactory(registration=registration)
        ApplicationFactory(category=exam_category, state=S.APPROVED)
    client.force_login(coordinator)
    # session, user, authenticators, sitting, role map, sitting with counts, registrations,
    # requirements, vignette scores, candidates exist, candidates for the select
    with django_assert_num_queries(11):
        response = client.get(sitting_url(sitting))
    assert len(response.context["rows"]) == count


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
    assert response.content.decode().count("/exams/scores/") == count


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
