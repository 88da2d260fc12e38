"""Exam pages of the coordinator: the sittings (create, edit, delete, list) and a sitting's page
(registering, Part 1, graders); query counts."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from endorsement.enums import ApplicationState as S
from reviews.models import ExamRegistration, ExamSitting, VignetteScore
from reviews.selectors.exams import scoring_opens_text
from reviews.services import exams
from tests.factories import (
    ApplicationFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    VignetteScoreFactory,
)
from tests.reviews.helpers import (
    in_days,
    messages_of,
    sitting_started,
    sitting_url,
    sittings_url,
    state_of,
)

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
    choices = [value for value, _label in page.context["register_form"].offered]
    assert choices == [approved.pk]
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
    # requirements, vignette scores, the applications near the sitting (with their attempts)
    # and their requirements
    with django_assert_num_queries(10):
        response = client.get(sitting_url(sitting))
    assert len(response.context["rows"]) == count
