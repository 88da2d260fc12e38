"""reviews.services.exams and reviews.selectors.exams: the exam requirement, sittings, registration
(capacity, retakes)."""

import datetime

import pytest
from django.core import mail
from django.utils.formats import date_format

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from endorsement.services import TransitionNotAllowed
from reviews.enums import ExamResult
from reviews.models import ExamRegistration, ExamSitting
from reviews.selectors.exams import (
    add_months,
    applications_to_register,
    exam_rules,
    local_date,
    percent_text,
    retake_status,
    sitting_label,
    sittings_upcoming,
)
from reviews.services import exams
from reviews.services.exams import ExamRefused
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    UserFactory,
)
from tests.reviews.helpers import exam_rows, in_days, last_event, state_of

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
