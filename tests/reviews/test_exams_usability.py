"""Issue 9, item 6: a Part 1 score says at once where it stands against the pass mark; a
failed applicant reads when a retake becomes possible; a sitting's "register an applicant"
offers only those who may take that sitting and says why the others are left out."""

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from endorsement.enums import ApplicationState as S
from reviews.conditions import sitting_offer
from reviews.enums import ExamResult
from reviews.selectors.exams import (
    add_months,
    exam_rules,
    local_date,
    part1_check_text,
    retake_status,
    retake_text,
    retakes_of_applicant,
)
from tests.factories import (
    ApplicationFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    UserFactory,
)
from tests.reviews.helpers import in_days

pytestmark = pytest.mark.django_db


def failed_at(application, association, *days_ago):
    """Failed attempts at sittings ``days_ago`` (oldest first)."""
    for attempt, days in enumerate(days_ago, start=1):
        ExamRegistrationFactory(
            sitting=ExamSittingFactory(association=association, starts_at=in_days(-days)),
            application=application,
            attempt=attempt,
            result=ExamResult.FAILED,
        )


# --- Part 1: the pass-mark line ---------------------------------------------------------------


def test_part1_check_says_the_percentage_against_the_pass_mark(exam_category):
    rules = exam_rules(exam_category)
    assert part1_check_text(23, rules) == "23 of 60 = 38.3%: below the pass mark (80%)."
    assert part1_check_text(47, rules) == "47 of 60 = 78.3%: below the pass mark (80%)."
    assert part1_check_text(48, rules) == "48 of 60 = 80%: at or above the pass mark (80%)."
    assert part1_check_text(60, rules) == "60 of 60 = 100%: at or above the pass mark (80%)."


def test_the_check_view_answers_as_the_score_is_typed(client, coordinator, registration):
    client.force_login(coordinator)
    url = reverse("reviews:exam.part1.check", kwargs={"pk": registration.pk})
    response = client.get(url, {"correct": "23"})
    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<span class="part1-check">23 of 60 = 38.3%: below the pass mark (80%).</span>'
    )
    response = client.get(url, {"correct": "600"})
    assert response.content.decode().strip() == (
        '<span class="part1-check text-danger">'
        "Ensure this value is less than or equal to 60.</span>"
    )
    assert client.get(url, {"correct": ""}).content.decode().strip() == ""
    registration.refresh_from_db()
    assert registration.part1_correct is None  # nothing saved


def test_the_part1_page_asks_for_the_check_and_shows_the_saved_score(
    client, coordinator, registration
):
    client.force_login(coordinator)
    url = reverse("reviews:exam.part1", kwargs={"pk": registration.pk})
    html = client.get(url).content.decode()
    check_url = reverse("reviews:exam.part1.check", kwargs={"pk": registration.pk})
    assert f'hx-get="{check_url}"' in html
    assert 'hx-target="#part1-check"' in html
    assert "<script>" not in html.split("<main", 1)[1]
    registration.part1_correct = 50
    registration.save()
    page = client.get(url)
    assert page.context["part1_check"] == "50 of 60 = 83.3%: at or above the pass mark (80%)."
    sitting_page = client.get(
        reverse("reviews:exam.sitting", kwargs={"pk": registration.sitting.pk})
    )
    assert [row["part1_check"] for row in sitting_page.context["rows"]] == [
        "50 of 60 = 83.3%: at or above the pass mark (80%)."
    ]
    assert "50 of 60 = 83.3%: at or above the pass mark (80%)." in sitting_page.content.decode()


# --- the failed applicant's retake date ----------------------------------------------------


def test_a_failed_applicant_reads_the_day_a_retake_becomes_possible(
    client, exam_category, applicant, association
):
    application = ApplicationFactory(
        category=exam_category, applicant=applicant, state=S.EXAM_FAILED
    )
    failed_at(application, association, 60)
    day = add_months(local_date(in_days(-60), association), 12)
    statuses = retakes_of_applicant(applicant)
    assert statuses == {application.pk: retake_status(application)}
    expected = (
        f"You can retake the exam from {date_format(day, 'DATE_FORMAT')} "
        "(at a sitting on or after that day)."
    )
    assert retake_text(statuses[application.pk]) == expected
    client.force_login(applicant)
    response = client.get("/dashboard/applicant/")
    assert response.context["exam_retakes"] == {application.pk: expected}
    assert f'<span class="exam-retake fw-semibold">{expected}</span>' in response.content.decode()


def test_a_failed_applicant_with_every_attempt_used_reads_so(exam_category, applicant, association):
    application = ApplicationFactory(
        category=exam_category, applicant=applicant, state=S.EXAM_FAILED
    )
    failed_at(application, association, 900, 500, 60)
    ApplicationFactory(category=exam_category, applicant=applicant, state=S.APPROVED)
    statuses = retakes_of_applicant(applicant)
    assert list(statuses) == [application.pk]
    assert retake_text(statuses[application.pk]) == (
        "All 3 attempts are used: no retake is possible."
    )


# --- the sitting's "register an applicant" -----------------------------------------------------


def test_the_sitting_offers_only_who_may_take_it_and_says_why_not(
    client, coordinator, association, exam_category, applicant, approved
):
    sitting = ExamSittingFactory(association=association, starts_at=in_days(30), capacity=5)
    too_soon = ApplicationFactory(
        category=exam_category, applicant=UserFactory(full_name="Bea Soon"), state=S.EXAM_FAILED
    )
    failed_at(too_soon, association, 60)
    used_up = ApplicationFactory(
        category=exam_category, applicant=UserFactory(full_name="Cy Used"), state=S.EXAM_FAILED
    )
    failed_at(used_up, association, 1200, 800, 400)
    ready = ApplicationFactory(
        category=exam_category, applicant=UserFactory(full_name="Dee Ready"), state=S.EXAM_FAILED
    )
    failed_at(ready, association, 400)
    here = ApplicationFactory(
        category=exam_category, applicant=UserFactory(full_name="Eve Here"), state=S.EXAM
    )
    ExamRegistrationFactory(sitting=sitting, application=here, attempt=1)
    offered, left_out = sitting_offer(sitting)
    day = date_format(add_months(local_date(in_days(-60), association), 12), "DATE_FORMAT")
    assert offered == [approved, ready]
    assert [(a, reason) for a, reason in left_out] == [
        (
            too_soon,
            "A retake is possible no sooner than 12 months after the last attempt: "
            f"choose a sitting on or after {day}.",
        ),
        (
            used_up,
            "The exam may be taken 3 times: all attempts are used, so no retake is possible.",
        ),
        (here, "Already registered for this sitting."),
    ]
    client.force_login(coordinator)
    html = client.get(reverse("reviews:exam.sitting", kwargs={"pk": sitting.pk})).content.decode()
    assert "Not offered: Bea Soon (IMHM-C) — A retake is possible no sooner than 12 months" in html
    assert "Not offered: Eve Here (IMHM-C) — Already registered for this sitting." in html
    assert f'<option value="{ready.pk}">Dee Ready – IMHM-C' in html
    assert f'<option value="{too_soon.pk}"' not in html
