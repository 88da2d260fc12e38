"""reviews.services.exams: sittings, registration (capacity, retakes), Parts 1 and 2, the result."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from endorsement.services import TransitionNotAllowed
from reviews.enums import ExamResult
from reviews.models import ExamRegistration, ExamSitting, VignetteScore
from reviews.selectors.exams import (
    add_months,
    applications_to_register,
    exam_rules,
    local_date,
    other_scores_visible,
    percent_text,
    retake_status,
    scoring_opens_text,
    sitting_label,
    sittings_upcoming,
)
from reviews.selectors.exams import sitting_started as has_started
from reviews.services import exams
from reviews.services.exams import ExamRefused
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    UserFactory,
)
from tests.reviews.helpers import exam_rows, in_days, sitting_started


def state_of(application) -> str:
    return Application.objects.get(pk=application.pk).state


def last_event(application):
    return ApplicationEvent.objects.filter(application=application).order_by("id").last()


# --- the requirement --------------------------------------------------------------------------


def test_exam_rules_read_the_requirement_rows(exam_category):
    rules = exam_rules(exam_category)
    assert (rules.part1.exam_part, rules.part2.exam_part) == (1, 2)
    assert (rules.questions, rules.part1_pass_percent) == (60, 80)
    assert (rules.graders, rules.part2_pass_percent) == (2, 80)
    assert (rules.retake_wait_months, rules.max_attempts) == (12, 3)


def test_a_category_without_exam_rows_has_no_exam(plain_category):
    assert exam_rules(plain_category) is None


def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert add_months(datetime.date(2026, 3, 15), 12) == datetime.date(2027, 3, 15)
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)


def test_percent_text_never_rounds_up_to_the_pass_mark():
    assert percent_text(48, 60) == "80"
    assert percent_text(159, 200) == "79.5"
    assert percent_text(2, 3) == "66.6"


# --- sittings ---------------------------------------------------------------------------------


def test_coordinator_creates_updates_and_deletes_a_sitting(association, coordinator):
    when = in_days(40)
    sitting = exams.sitting_create(
        association=association, starts_at=when, capacity=12, place=" Room 4 ", by=coordinator
    )
    assert (sitting.association, sitting.starts_at, sitting.capacity, sitting.place) == (
        association,
        when,
        12,
        "Room 4",
    )
    exams.sitting_update(
        sitting=sitting, by=coordinator, starts_at=when, capacity=5, is_online=True, note="Zoom"
    )
    saved = ExamSitting.objects.get(pk=sitting.pk)
    assert (saved.capacity, saved.is_online, saved.place, saved.note) == (5, True, "", "Zoom")
    exams.sitting_delete(sitting=sitting, by=coordinator)
    assert not ExamSitting.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"capacity": 0, "place": "Room"}, "A sitting needs at least one place."),
        ({"capacity": 3, "place": " "}, "Give the place of the sitting, or mark it online."),
    ],
)
def test_a_sitting_needs_places_and_a_place(association, coordinator, kwargs, message):
    with pytest.raises(ExamRefused, match=message):
        exams.sitting_create(
            association=association, starts_at=in_days(3), by=coordinator, **kwargs
        )
    assert not ExamSitting.objects.exists()


def test_a_new_sitting_must_be_in_the_future(association, coordinator):
    with pytest.raises(ExamRefused, match="A new sitting must be in the future."):
        exams.sitting_create(
            association=association, starts_at=in_days(-1), capacity=3, place="R", by=coordinator
        )


def test_only_a_coordinator_of_the_association_manages_sittings(
    association, other_association, make_staff, grader_a, sitting
):
    other = make_staff(Role.COORDINATOR, other_association)
    for person in (grader_a, other, UserFactory()):
        with pytest.raises(ExamRefused, match="Only a coordinator of this association"):
            exams.sitting_create(
                association=association, starts_at=in_days(3), capacity=3, place="R", by=person
            )
        with pytest.raises(ExamRefused, match="Only a coordinator of this association"):
            exams.sitting_delete(sitting=sitting, by=person)
    assert ExamSitting.objects.count() == 1


def test_capacity_cannot_fall_below_the_registered_candidates(coordinator, registration):
    sitting = registration.sitting
    ExamRegistrationFactory(sitting=sitting)
    with pytest.raises(ExamRefused, match="2 candidates are registered"):
        exams.sitting_update(
            sitting=sitting, by=coordinator, starts_at=sitting.starts_at, capacity=1, place="R"
        )
    assert ExamSitting.objects.get(pk=sitting.pk).capacity == 2


def test_a_sitting_with_registrations_cannot_be_deleted(coordinator, registration):
    with pytest.raises(ExamRefused, match="it cannot be deleted"):
        exams.sitting_delete(sitting=registration.sitting, by=coordinator)
    assert ExamSitting.objects.count() == 1


def test_upcoming_sittings_are_future_ones_of_the_association_with_free_places(
    association, other_association, registration_ahead
):
    open_one = ExamSittingFactory(association=association, starts_at=in_days(60), capacity=3)
    full = ExamSittingFactory(association=association, starts_at=in_days(61), capacity=1)
    ExamRegistrationFactory(sitting=full)
    ExamSittingFactory(association=association, starts_at=in_days(-2), capacity=3)
    ExamSittingFactory(association=other_association, starts_at=in_days(60), capacity=3)
    upcoming = sittings_upcoming(association=association).order_by("starts_at")
    assert [(s.pk, s.registered, s.free) for s in upcoming] == [
        (registration_ahead.sitting.pk, 1, 1),
        (open_one.pk, 0, 3),
    ]
    later = sittings_upcoming(association=association, on_or_after=in_days(45).date()).order_by(
        "starts_at"
    )
    assert [s.pk for s in later] == [open_one.pk]


@pytest.mark.parametrize("count", [1, 15])
def test_upcoming_sittings_take_one_query(association, django_assert_num_queries, count):
    for day in range(count):
        sitting = ExamSittingFactory(association=association, starts_at=in_days(10 + day))
        ExamRegistrationFactory(sitting=sitting)
    with django_assert_num_queries(1):
        rows = [(s.registered, s.free) for s in sittings_upcoming(association=association)]
    assert rows == [(1, 19)] * count


# --- registration -----------------------------------------------------------------------------


def test_the_applicant_registers_an_approved_application(
    approved, sitting, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = exams.exam_register(application=approved, sitting=sitting, by=applicant)
    assert (registration.attempt, registration.registered_by, registration.result) == (
        1,
        applicant,
        ExamResult.PENDING,
    )
    assert state_of(approved) == S.EXAM
    event = last_event(approved)
    assert (event.actor, event.from_state, event.to_state, event.note_is_public) == (
        applicant,
        S.APPROVED,
        S.EXAM,
        True,
    )
    assert event.note == f"Exam sitting: {sitting_label(sitting)}."
    assert "Northfield University, Room 101" in event.note
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]


def test_the_coordinator_registers_an_approved_application(approved, sitting, coordinator):
    registration = exams.exam_register(application=approved, sitting=sitting, by=coordinator)
    assert registration.registered_by == coordinator
    assert last_event(approved).actor == coordinator
    assert state_of(approved) == S.EXAM


def test_a_category_without_exam_cannot_register(plain_category, applicant, sitting):
    application = ApplicationFactory(category=plain_category, applicant=applicant, state=S.APPROVED)
    with pytest.raises(ExamRefused, match="This category has no exam."):
        exams.exam_register(application=application, sitting=sitting, by=applicant)
    assert not ExamRegistration.objects.exists()
    assert state_of(application) == S.APPROVED


@pytest.mark.parametrize("state", [S.IN_REVIEW, S.SUBMITTED, S.EXAM, S.EXAM_PASSED, S.AWARDED])
def test_only_approved_or_failed_applications_register(exam_category, applicant, sitting, state):
    application = ApplicationFactory(category=exam_category, applicant=applicant, state=state)
    with pytest.raises(ExamRefused, match="Only an approved application"):
        exams.exam_register(application=application, sitting=sitting, by=applicant)
    assert not ExamRegistration.objects.exists()


def test_registration_is_refused_to_other_people(
    approved, sitting, make_staff, association, other_association, grader_a
):
    other_coordinator = make_staff(Role.COORDINATOR, other_association)
    for person in (UserFactory(), grader_a, other_coordinator):
        with pytest.raises(ExamRefused, match="Only the applicant or a coordinator"):
            exams.exam_register(application=approved, sitting=sitting, by=person)
    assert not ExamRegistration.objects.exists()
    assert state_of(approved) == S.APPROVED


def test_a_sitting_of_another_association_is_refused(approved, applicant, other_association):
    foreign = ExamSittingFactory(association=other_association)
    with pytest.raises(ExamRefused, match="This sitting belongs to another association."):
        exams.exam_register(application=approved, sitting=foreign, by=applicant)


def test_a_past_sitting_is_refused(approved, applicant, association):
    past = ExamSittingFactory(association=association, starts_at=in_days(-1))
    with pytest.raises(ExamRefused, match="This sitting has already taken place."):
        exams.exam_register(application=approved, sitting=past, by=applicant)


def test_the_last_place_goes_to_one_registration_only(exam_category, association):
    sitting = ExamSittingFactory(association=association, capacity=2)
    ExamRegistrationFactory(sitting=sitting)
    first, second = (ApplicationFactory(category=exam_category, state=S.APPROVED) for _ in range(2))
    exams.exam_register(application=first, sitting=sitting, by=first.applicant)
    with pytest.raises(ExamRefused, match="This sitting is full. Choose another date."):
        exams.exam_register(application=second, sitting=sitting, by=second.applicant)
    assert sitting.registrations.count() == 2
    assert (state_of(first), state_of(second)) == (S.EXAM, S.APPROVED)


def failed_attempts(application, association, count: int, days_ago: int = 60):
    for attempt in range(1, count + 1):
        past = ExamSittingFactory(
            association=association, starts_at=in_days(-days_ago - 400 * (count - attempt))
        )
        ExamRegistrationFactory(
            sitting=past, application=application, attempt=attempt, result=ExamResult.FAILED
        )


def test_a_retake_waits_the_months_the_requirement_sets(exam_category, applicant, association):
    application = ApplicationFactory(
        category=exam_category, applicant=applicant, state=S.EXAM_FAILED
    )
    failed_attempts(application, association, 1)
    possible_from = add_months(local_date(in_days(-60), association), 12)
    assert retake_status(Application.objects.get(pk=application.pk)).possible_from == (
        possible_from
    )
    too_soon = ExamSittingFactory(association=association, starts_at=in_days(200))
    with pytest.raises(TransitionNotAllowed) as refused:
        exams.exam_register(application=application, sitting=too_soon, by=applicant)
    assert str(refused.value) == (
        "A retake is possible no sooner than 12 months after the last attempt: choose a sitting "
        f"on or after {date_format(possible_from, 'DATE_FORMAT')}."
    )
    later = ExamSittingFactory(association=association, starts_at=in_days(400))
    registration = exams.exam_register(application=application, sitting=later, by=applicant)
    assert registration.attempt == 2
    assert state_of(application) == S.EXAM
    event = last_event(application)
    assert (event.from_state, event.to_state) == (S.EXAM_FAILED, S.EXAM)


def test_no_retake_once_the_attempts_are_used(exam_category, applicant, association):
    application = ApplicationFactory(
        category=exam_category, applicant=applicant, state=S.EXAM_FAILED
    )
    failed_attempts(application, association, 3, days_ago=400)
    later = ExamSittingFactory(association=association, starts_at=in_days(400))
    with pytest.raises(TransitionNotAllowed) as refused:
        exams.exam_register(application=application, sitting=later, by=applicant)
    assert str(refused.value) == (
        "The exam may be taken 3 times: all attempts are used, so no retake is possible."
    )
    assert retake_status(application).limit_reached is True
    assert ExamRegistration.objects.filter(application=application).count() == 3


def test_without_a_limit_retakes_go_on(association, applicant):
    category = exam_rows(
        EndorsementCategoryFactory(framework__association=association), max_attempts=None
    )
    application = ApplicationFactory(category=category, applicant=applicant, state=S.EXAM_FAILED)
    failed_attempts(application, association, 3, days_ago=400)
    later = ExamSittingFactory(association=association, starts_at=in_days(30))
    assert exams.exam_register(application=application, sitting=later, by=applicant).attempt == 4


def test_applications_to_register_are_approved_or_failed_with_an_exam(
    association, exam_category, plain_category, other_association
):
    approved = ApplicationFactory(category=exam_category, state=S.APPROVED)
    failed = ApplicationFactory(category=exam_category, state=S.EXAM_FAILED)
    ApplicationFactory(category=exam_category, state=S.IN_REVIEW)
    ApplicationFactory(category=plain_category, state=S.APPROVED)
    foreign = EndorsementCategoryFactory(framework__association=other_association)
    ApplicationFactory(category=exam_rows(foreign), state=S.APPROVED)
    assert set(applications_to_register(association)) == {approved, failed}


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


@pytest.mark.django_db(transaction=True)
def test_two_registrations_at_once_cannot_both_take_the_last_place(association):
    """Each registration runs in its own thread and transaction; the sitting row lock makes the
    second wait for the first and then find the sitting full."""
    import threading

    from django.db import connection

    category = exam_rows(EndorsementCategoryFactory(framework__association=association))
    sitting = ExamSittingFactory(association=association, capacity=1)
    applications = [ApplicationFactory(category=category, state=S.APPROVED) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def register(application):
        try:
            barrier.wait()
            exams.exam_register(application=application, sitting=sitting, by=application.applicant)
            outcomes.append("registered")
        except ExamRefused as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["This sitting is full. Choose another date.", "registered"]
    assert ExamRegistration.objects.filter(sitting=sitting).count() == 1
    assert sorted(state_of(a) for a in applications) == [S.APPROVED, S.EXAM]
