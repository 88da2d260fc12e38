"""reviews.services.exams and reviews.selectors.exams: Part 1 (entered by the coordinator or a
grader), Part 2 (vignettes scored blind by the graders), the result."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from reviews.enums import ExamResult
from reviews.models import ExamRegistration, ExamSitting, VignetteScore
from reviews.selectors.exams import (
    add_months,
    local_date,
    other_scores_visible,
    retake_status,
    scoring_opens_text,
)
from reviews.selectors.exams import sitting_started as has_started
from reviews.services import exams
from reviews.services.exams import ExamRefused
from tests.factories import ApplicationFactory, EndorsementCategoryFactory, ExamRegistrationFactory
from tests.reviews.helpers import exam_rows, last_event, sitting_started, state_of

# --- Part 1 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("correct", [0, 60])
def test_part1_accepts_zero_to_the_number_of_questions(registration, coordinator, correct):
    exams.part1_enter(registration=registration, correct=correct, by=coordinator)
    saved = ExamRegistration.objects.get(pk=registration.pk)
    assert (saved.part1_correct, saved.part1_entered_by, saved.result) == (
        correct,
        coordinator,
        ExamResult.PENDING,  # Part 2 is still to come
    )


@pytest.mark.parametrize("correct", [-1, 61, None])
def test_part1_refuses_scores_out_of_bounds(registration, coordinator, correct):
    with pytest.raises(ExamRefused, match="Enter the number of correct answers, from 0 to 60."):
        exams.part1_enter(registration=registration, correct=correct, by=coordinator)
    assert ExamRegistration.objects.get(pk=registration.pk).part1_correct is None


def test_an_exam_grader_of_the_association_enters_part1(registration, grader_a):
    exams.part1_enter(registration=registration, correct=50, by=grader_a)
    assert ExamRegistration.objects.get(pk=registration.pk).part1_entered_by == grader_a


def test_part1_is_refused_to_others(registration, applicant, make_staff, other_association):
    others = [
        applicant,
        make_staff(Role.EXAM_GRADER, other_association),
        make_staff(Role.COORDINATOR, other_association),
        make_staff(Role.REVIEWER, registration.sitting.association),
    ]
    for person in others:
        with pytest.raises(ExamRefused, match="Only a coordinator or an exam grader"):
            exams.part1_enter(registration=registration, correct=50, by=person)
    assert ExamRegistration.objects.get(pk=registration.pk).part1_correct is None


def test_part1_is_refused_before_the_sitting_starts(registration_ahead, coordinator, grader_a):
    sitting = registration_ahead.sitting
    opens = date_format(
        sitting.starts_at.astimezone(zoneinfo.ZoneInfo(sitting.association.time_zone)),
        "DATETIME_FORMAT",
    )
    for person in (coordinator, grader_a):
        with pytest.raises(ExamRefused) as refusal:
            exams.part1_enter(registration=registration_ahead, correct=50, by=person)
        assert str(refusal.value) == f"Scores can be entered from {opens}, when the sitting starts."
    saved = ExamRegistration.objects.get(pk=registration_ahead.pk)
    assert (saved.part1_correct, saved.part1_entered_by, saved.part1_entered_at) == (
        None,
        None,
        None,
    )


def test_part1_is_accepted_once_the_sitting_has_started(registration_ahead, coordinator):
    sitting = registration_ahead.sitting
    sitting.starts_at = timezone.now() + datetime.timedelta(minutes=2)
    sitting.save(update_fields=["starts_at"])
    with pytest.raises(ExamRefused, match="when the sitting starts"):
        exams.part1_enter(registration=registration_ahead, correct=50, by=coordinator)
    sitting.starts_at = timezone.now() - datetime.timedelta(minutes=1)
    sitting.save(update_fields=["starts_at"])
    exams.part1_enter(registration=registration_ahead, correct=50, by=coordinator)
    assert ExamRegistration.objects.get(pk=registration_ahead.pk).part1_correct == 50


def test_the_start_is_read_in_the_associations_time_zone(association, registration_ahead):
    """09:30 typed in New York is 13:30 or 14:30 UTC: the message says 9:30 a.m."""
    association.time_zone = "America/New_York"
    association.save(update_fields=["time_zone"])
    sitting = ExamSitting.objects.select_related("association").get(
        pk=registration_ahead.sitting_id
    )
    local = datetime.datetime.combine(
        timezone.localdate() + datetime.timedelta(days=20),
        datetime.time(9, 30),
        tzinfo=zoneinfo.ZoneInfo("America/New_York"),
    )
    sitting.starts_at = local
    sitting.save(update_fields=["starts_at"])
    assert scoring_opens_text(sitting) == (
        f"Scores can be entered from {date_format(local, 'DATETIME_FORMAT')}, when the sitting "
        "starts."
    )
    assert "9:30 a.m." in scoring_opens_text(sitting)
    assert has_started(sitting) is False


# --- Part 2 -----------------------------------------------------------------------------------


def test_the_coordinator_assigns_two_graders_who_are_emailed(
    registration, coordinator, grader_a, grader_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rows = exams.graders_assign(
            registration=registration, graders=[grader_a, grader_b], by=coordinator
        )
    assert [(row.grader, row.assigned_by, row.percent) for row in rows] == [
        (grader_a, coordinator, None),
        (grader_b, coordinator, None),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "gail@example.org",
        "gus@example.org",
    ]
    message = mail.outbox[0]
    assert message.subject == "Exam vignettes to score: Ana Applicant"
    assert f"/exams/scores/{rows[0].pk}/" in message.body or f"/exams/scores/{rows[1].pk}/" in (
        message.body
    )


def test_graders_must_be_as_many_as_the_requirement_says(registration, coordinator, grader_a):
    with pytest.raises(ExamRefused, match="Choose 2 different graders."):
        exams.graders_assign(registration=registration, graders=[grader_a], by=coordinator)
    with pytest.raises(ExamRefused, match="Choose 2 different graders."):
        exams.graders_assign(
            registration=registration, graders=[grader_a, grader_a], by=coordinator
        )
    assert not VignetteScore.objects.exists()


def test_graders_hold_the_role_and_are_not_the_applicant_or_advisor(
    registration, coordinator, grader_a, make_staff, other_association, association
):
    outsider = make_staff(Role.EXAM_GRADER, other_association, user__full_name="Olga Other")
    with pytest.raises(ExamRefused, match="Olga Other is not an exam grader of this association."):
        exams.graders_assign(
            registration=registration, graders=[grader_a, outsider], by=coordinator
        )
    application = registration.application
    advisor = make_staff(Role.EXAM_GRADER, association, user__full_name="Ada Advisor")
    Application.objects.filter(pk=application.pk).update(advisor=advisor)
    registration.refresh_from_db()
    with pytest.raises(ExamRefused, match="Ada Advisor is the applicant's advisor"):
        exams.graders_assign(registration=registration, graders=[grader_a, advisor], by=coordinator)
    from tests.factories import RoleGrantFactory

    RoleGrantFactory(user=application.applicant, association=association, role=Role.EXAM_GRADER)
    with pytest.raises(ExamRefused, match="Ana Applicant is the applicant."):
        exams.graders_assign(
            registration=registration, graders=[grader_a, application.applicant], by=coordinator
        )
    assert not VignetteScore.objects.exists()


def test_only_the_coordinator_assigns_graders(registration, grader_a, grader_b, applicant):
    for person in (grader_a, applicant):
        with pytest.raises(ExamRefused, match="Only a coordinator of this association"):
            exams.graders_assign(registration=registration, graders=[grader_a, grader_b], by=person)
    assert not VignetteScore.objects.exists()


def test_reassigning_keeps_a_grader_who_has_scored(
    registration, coordinator, grader_a, grader_b, make_staff, association
):
    third = make_staff(Role.EXAM_GRADER, association, user__full_name="Theo Third")
    exams.graders_assign(registration=registration, graders=[grader_a, grader_b], by=coordinator)
    row_a = VignetteScore.objects.get(grader=grader_a)
    exams.vignette_score(score_row=row_a, percent=85, by=grader_a)
    with pytest.raises(ExamRefused, match="Gail G has already scored and stays a grader."):
        exams.graders_assign(registration=registration, graders=[grader_b, third], by=coordinator)
    exams.graders_assign(registration=registration, graders=[grader_a, third], by=coordinator)
    assert sorted(VignetteScore.objects.values_list("grader__full_name", "percent")) == [
        ("Gail G", 85),
        ("Theo Third", None),
    ]


def test_only_the_assigned_grader_scores_once(assigned, grader_a, grader_b, coordinator):
    row_a, row_b = assigned
    for person in (grader_b, coordinator):
        with pytest.raises(ExamRefused, match="Only the grader assigned"):
            exams.vignette_score(score_row=row_a, percent=90, by=person)
    exams.vignette_score(score_row=row_a, percent=90, comments=" Clear. ", by=grader_a)
    with pytest.raises(ExamRefused, match="You have already scored these vignettes"):
        exams.vignette_score(score_row=row_a, percent=40, by=grader_a)
    saved = VignetteScore.objects.get(pk=row_a.pk)
    assert (saved.percent, saved.comments) == (90, "Clear.")


@pytest.mark.parametrize("percent", [-1, 101, None])
def test_vignette_scores_are_0_to_100(assigned, grader_a, percent):
    with pytest.raises(ExamRefused, match="Enter a score from 0 to 100."):
        exams.vignette_score(score_row=assigned[0], percent=percent, by=grader_a)
    assert VignetteScore.objects.get(pk=assigned[0].pk).submitted_at is None


def test_graders_are_assigned_ahead_but_score_only_once_the_sitting_has_started(
    registration_ahead, coordinator, grader_a, grader_b
):
    sitting = registration_ahead.sitting
    rows = exams.graders_assign(
        registration=registration_ahead, graders=[grader_a, grader_b], by=coordinator
    )
    assert [row.grader for row in rows] == [grader_a, grader_b]
    with pytest.raises(ExamRefused) as refusal:
        exams.vignette_score(score_row=rows[0], percent=90, by=grader_a)
    assert str(refusal.value) == scoring_opens_text(sitting)
    saved = VignetteScore.objects.get(pk=rows[0].pk)
    assert (saved.percent, saved.submitted_at) == (None, None)

    sitting_started(sitting)
    exams.vignette_score(score_row=rows[0], percent=90, by=grader_a)
    assert VignetteScore.objects.get(pk=rows[0].pk).percent == 90


def test_graders_do_not_see_each_others_scores_until_both_are_in(assigned, grader_a, grader_b):
    row_a, row_b = assigned
    exams.vignette_score(score_row=row_a, percent=90, by=grader_a)
    assert other_scores_visible(score_row=row_a) == []
    assert other_scores_visible(score_row=row_b) == []
    exams.vignette_score(score_row=row_b, percent=70, by=grader_b)
    assert [(r.grader, r.percent) for r in other_scores_visible(score_row=row_a)] == [
        (grader_b, 70)
    ]
    assert [(r.grader, r.percent) for r in other_scores_visible(score_row=row_b)] == [
        (grader_a, 90)
    ]


# --- the result -------------------------------------------------------------------------------


def score(assigned, grader_a, grader_b, a: int, b: int):
    exams.vignette_score(score_row=assigned[0], percent=a, by=grader_a)
    exams.vignette_score(score_row=assigned[1], percent=b, by=grader_b)


def test_both_parts_passed_pass_the_exam(
    registration, assigned, coordinator, grader_a, grader_b, django_capture_on_commit_callbacks
):
    exams.part1_enter(registration=registration, correct=48, by=coordinator)
    exams.vignette_score(score_row=assigned[0], percent=80, by=grader_a)
    assert ExamRegistration.objects.get(pk=registration.pk).result == ExamResult.PENDING
    assert state_of(registration.application) == S.EXAM
    with django_capture_on_commit_callbacks(execute=True):
        exams.vignette_score(score_row=assigned[1], percent=80, by=grader_b)
    saved = ExamRegistration.objects.get(pk=registration.pk)
    assert saved.result == ExamResult.PASSED
    assert saved.decided_at is not None
    assert state_of(registration.application) == S.EXAM_PASSED
    event = last_event(registration.application)
    assert (event.actor, event.from_state, event.to_state, event.note_is_public) == (
        grader_b,
        S.EXAM,
        S.EXAM_PASSED,
        True,
    )
    assert event.note == (
        "Part 1: 48 of 60 correct (80%); pass mark 80%: passed.\n"
        "Part 2: mean of the 2 graders' scores 80%; pass mark 80%: passed.\n"
        "The exam is passed."
    )
    by_key = {message.subject: message.to for message in mail.outbox}
    assert by_key["Exam scores complete: Ana Applicant (Exam passed)"] == ["casey@example.org"]
    assert ["ana@example.org"] in by_key.values()


def test_a_part1_below_the_pass_mark_fails_the_exam(
    registration, assigned, coordinator, grader_a, grader_b
):
    score(assigned, grader_a, grader_b, 95, 95)
    exams.part1_enter(registration=registration, correct=47, by=coordinator)
    assert ExamRegistration.objects.get(pk=registration.pk).result == ExamResult.FAILED
    assert state_of(registration.application) == S.EXAM_FAILED
    event = last_event(registration.application)
    assert event.actor == coordinator
    assert event.note == (
        "Part 1: 47 of 60 correct (78.3%); pass mark 80%: not passed.\n"
        "Part 2: mean of the 2 graders' scores 95%; pass mark 80%: passed.\n"
        "The exam is not passed."
    )


def test_part2_is_judged_on_the_mean_just_below_fails(
    registration, assigned, coordinator, grader_a, grader_b
):
    exams.part1_enter(registration=registration, correct=60, by=coordinator)
    score(assigned, grader_a, grader_b, 80, 79)
    assert state_of(registration.application) == S.EXAM_FAILED
    assert "Part 2: mean of the 2 graders' scores 79.5%; pass mark 80%: not passed." in (
        last_event(registration.application).note
    )


def test_part2_is_judged_on_the_mean_a_low_score_can_be_made_up(
    registration, assigned, coordinator, grader_a, grader_b
):
    exams.part1_enter(registration=registration, correct=50, by=coordinator)
    score(assigned, grader_a, grader_b, 70, 90)
    assert ExamRegistration.objects.get(pk=registration.pk).result == ExamResult.PASSED
    assert state_of(registration.application) == S.EXAM_PASSED


def test_nothing_is_decided_without_the_graders(registration, coordinator):
    exams.part1_enter(registration=registration, correct=60, by=coordinator)
    assert ExamRegistration.objects.get(pk=registration.pk).result == ExamResult.PENDING
    assert state_of(registration.application) == S.EXAM


def test_an_exam_with_only_part1_is_decided_by_it(association, applicant, sitting, coordinator):
    category = exam_rows(
        EndorsementCategoryFactory(framework__association=association), part2=False
    )
    application = ApplicationFactory(category=category, applicant=applicant, state=S.EXAM)
    registration = ExamRegistrationFactory(sitting=sitting, application=application)
    sitting_started(sitting)
    exams.part1_enter(registration=registration, correct=55, by=coordinator)
    assert state_of(application) == S.EXAM_PASSED
    assert last_event(application).note == (
        "Part 1: 55 of 60 correct (91.6%); pass mark 80%: passed.\nThe exam is passed."
    )


def test_scores_cannot_change_once_decided(registration, assigned, coordinator, grader_a, grader_b):
    exams.part1_enter(registration=registration, correct=50, by=coordinator)
    score(assigned, grader_a, grader_b, 90, 90)
    with pytest.raises(ExamRefused, match="The result is decided"):
        exams.part1_enter(registration=registration, correct=10, by=coordinator)
    assert ExamRegistration.objects.get(pk=registration.pk).part1_correct == 50


def test_a_failed_exam_is_retaken_after_the_wait(
    registration, assigned, coordinator, grader_a, grader_b, association, applicant
):
    exams.part1_enter(registration=registration, correct=10, by=coordinator)
    score(assigned, grader_a, grader_b, 90, 90)
    application = Application.objects.get(pk=registration.application_id)
    assert application.state == S.EXAM_FAILED
    status = retake_status(application)
    assert (status.attempts, status.max_attempts) == (1, 3)
    assert status.possible_from == add_months(
        local_date(registration.sitting.starts_at, association), 12
    )
