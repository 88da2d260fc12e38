"""The reminders of advising, reviewing and the exam: an advisor's comment left unanswered
(14 days), a review due (3 days before) and overdue (1 day after), the same for a grader's
Part 2 score (due 14 days after the sitting), and the exam sitting (14 and 2 days before).
Each is sent on its day, not before, once, to the right people, with the association's own day
counts, and not once what it asks for is done."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone

from accounts.time_zones import association_day
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from notifications.models import OutboxMessage, Reminder, ReminderSchedule
from notifications.reminders import REMINDERS, reminders_scan, schedules
from reviews.models import Comment, ReviewAssignment, VignetteScore
from reviews.selectors.exams import sitting_label
from reviews.services.advising import comment_reply, comment_resolve
from tests.factories import (
    ApplicationFactory,
    CommentFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    ReviewAssignmentFactory,
    UserFactory,
    VignetteScoreFactory,
)

DAY = datetime.timedelta(days=1)


def scan(day, *kinds):
    return reminders_scan(today=day, kinds=kinds)


def sent():
    """(recipient, key) of each e-mail sent, in order."""
    return [
        (message.recipient, message.key)
        for message in OutboxMessage.objects.order_by("id")
        if message.key.startswith("reminder.")
    ]


def day_of(moment, association) -> datetime.date:
    return association_day(moment, association)


# --- an advisor's comment ------------------------------------------------------------------------


@pytest.fixture
def comment(advised, advisor):
    return CommentFactory(
        application=advised, author=advisor, section="education", body="Add your transcript."
    )


def test_an_unanswered_comment_is_reminded_14_days_after_it_was_written_once(
    comment, advised, association, django_capture_on_commit_callbacks
):
    day0 = day_of(comment.created, association)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(day0 + 13 * DAY, "comment_unanswered") == {}
        assert scan(day0 + 14 * DAY, "comment_unanswered") == {"comment_unanswered": 1}
        assert scan(day0 + 14 * DAY, "comment_unanswered") == {}  # run twice: nothing more
        assert scan(day0 + 16 * DAY, "comment_unanswered") == {}
    [message] = mail.outbox
    assert message.to == ["ana@example.org"]
    assert message.subject == "Your advisor's comment is waiting for your answer"
    assert "Avery Advisor commented on your portfolio (Education):" in message.body
    assert "Add your transcript." in message.body
    url = f"/portfolio/{advised.pk}/education/#comment-{comment.pk}"
    assert url in message.body
    assert OutboxMessage.objects.get(key="reminder.comment_unanswered").url.endswith(url)
    assert Reminder.objects.get().due == day0 + 14 * DAY


def test_a_reply_or_resolving_the_thread_stops_the_reminder(
    comment, advised, applicant, advisor, association, django_capture_on_commit_callbacks
):
    resolved = CommentFactory(application=advised, author=advisor, body="Done?")
    comment_reply(parent=comment, by=applicant, body="Uploaded it.")
    comment_resolve(comment=resolved, by=applicant)
    day0 = day_of(comment.created, association)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(day0 + 14 * DAY, "comment_unanswered") == {}
    assert mail.outbox == []


def test_the_advisors_reply_is_reminded_not_the_first_comment(
    comment, advised, applicant, advisor, association, django_capture_on_commit_callbacks
):
    day0 = day_of(comment.created, association)
    comment_reply(parent=comment, by=applicant, body="Which one?")
    follow_up = comment_reply(parent=comment, by=advisor, body="The master's.")
    Comment.objects.filter(pk=follow_up.pk).update(created=comment.created + 3 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(day0 + 14 * DAY, "comment_unanswered") == {}
        assert scan(day0 + 17 * DAY, "comment_unanswered") == {"comment_unanswered": 1}
    assert f"#comment-{follow_up.pk}" in mail.outbox[0].body
    assert "The master's." in mail.outbox[0].body


def test_the_applicants_own_comment_is_not_reminded(
    advised, applicant, association, django_capture_on_commit_callbacks
):
    own = CommentFactory(application=advised, author=applicant, body="A question.")
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(day_of(own.created, association) + 14 * DAY, "comment_unanswered") == {}


def test_the_associations_own_day_counts_for_comments(
    comment, association, django_capture_on_commit_callbacks
):
    ReminderSchedule.objects.create(association=association, kind="comment_unanswered", days="5")
    day0 = day_of(comment.created, association)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(day0 + 5 * DAY, "comment_unanswered") == {"comment_unanswered": 1}
        assert scan(day0 + 14 * DAY, "comment_unanswered") == {}
    assert len(mail.outbox) == 1


# --- a review -----------------------------------------------------------------------------------

DUE = datetime.date(2027, 3, 15)


@pytest.fixture
def assignment(category, rita, coordinator):
    application = ApplicationFactory(
        category=category,
        applicant=UserFactory(email="ana@example.org", full_name="Ana Applicant"),
        state=S.IN_REVIEW,
    )
    return ReviewAssignmentFactory(application=application, reviewer=rita, due_on=DUE)


def test_the_review_is_reminded_3_days_before_and_1_day_after_it_is_due(
    assignment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(DUE - 4 * DAY, "review_due", "review_overdue") == {}
        assert scan(DUE - 3 * DAY, "review_due", "review_overdue") == {"review_due": 1}
        assert scan(DUE - 3 * DAY, "review_due", "review_overdue") == {}
        assert scan(DUE, "review_due", "review_overdue") == {}
        assert scan(DUE + DAY, "review_due", "review_overdue") == {"review_overdue": 1}
        assert scan(DUE + DAY, "review_due", "review_overdue") == {}
    # The reviewer, and a separate e-mail to the coordinator, each time.
    assert sent() == [
        ("rita@example.org", "reminder.review_due.reviewer"),
        ("casey@example.org", "reminder.review_due.coordinator"),
        ("rita@example.org", "reminder.review_overdue.reviewer"),
        ("casey@example.org", "reminder.review_overdue.coordinator"),
    ]
    to_reviewer, to_coordinator, overdue, _ = mail.outbox
    assert to_reviewer.subject == "Reminder: your review of Ana Applicant is due March 15, 2027"
    assert "in 3 days" in to_reviewer.body
    assert f"/reviewing/reviews/{assignment.pk}/" in to_reviewer.body
    assert "Rita Reviewer" in to_coordinator.body
    assert f"/coordinator/applications/{assignment.application_id}/" in to_coordinator.body
    assert overdue.subject == "Overdue: your review of Ana Applicant was due March 15, 2027"


def test_a_submitted_review_or_a_decision_stops_the_reminders(
    assignment, category, rita, django_capture_on_commit_callbacks
):
    ReviewAssignment.objects.filter(pk=assignment.pk).update(submitted_at=timezone.now())
    decided = ApplicationFactory(category=category, state=S.APPROVED)
    ReviewAssignmentFactory(application=decided, reviewer=rita, due_on=DUE)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(DUE - 3 * DAY, "review_due", "review_overdue") == {}
        assert scan(DUE + DAY, "review_due", "review_overdue") == {}
    assert mail.outbox == []


def test_the_associations_own_day_counts_for_reviews(
    assignment, association, django_capture_on_commit_callbacks
):
    ReminderSchedule.objects.create(association=association, kind="review_due", days="7, 1")
    ReminderSchedule.objects.create(association=association, kind="review_overdue", days="5")
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(DUE - 8 * DAY, "review_due", "review_overdue") == {}
        assert scan(DUE - 7 * DAY, "review_due", "review_overdue") == {"review_due": 1}
        assert scan(DUE - 3 * DAY, "review_due", "review_overdue") == {}
        assert scan(DUE - DAY, "review_due", "review_overdue") == {"review_due": 1}
        assert scan(DUE + DAY, "review_due", "review_overdue") == {}
        assert scan(DUE + 5 * DAY, "review_due", "review_overdue") == {"review_overdue": 1}
    assert "is due March 15, 2027, in 1 day." in mail.outbox[2].body


# --- a grader's Part 2 score ----------------------------------------------------------------------


@pytest.fixture
def score_row(registration_ahead, grader_a, coordinator):
    """Gail named to grade Bea's vignettes before her sitting (in 30 days)."""
    return VignetteScoreFactory(registration=registration_ahead, grader=grader_a)


def grading_due(row, association, settings) -> datetime.date:
    sitting_day = day_of(row.registration.sitting.starts_at, association)
    return sitting_day + settings.EXAM_GRADING_DAYS * DAY


def test_grading_is_reminded_3_days_before_and_1_day_after_it_is_due(
    score_row, association, settings, django_capture_on_commit_callbacks
):
    due = grading_due(score_row, association, settings)
    assert settings.EXAM_GRADING_DAYS == 14
    kinds = ("grading_due", "grading_overdue")
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(due - 4 * DAY, *kinds) == {}
        assert scan(due - 3 * DAY, *kinds) == {"grading_due": 1}
        assert scan(due - 3 * DAY, *kinds) == {}
        assert scan(due, *kinds) == {}
        assert scan(due + DAY, *kinds) == {"grading_overdue": 1}
        assert scan(due + DAY, *kinds) == {}
    assert sent() == [
        ("gail@example.org", "reminder.grading_due.grader"),
        ("casey@example.org", "reminder.grading_due.coordinator"),
        ("gail@example.org", "reminder.grading_overdue.grader"),
        ("casey@example.org", "reminder.grading_overdue.coordinator"),
    ]
    to_grader = mail.outbox[0]
    assert "in 3 days" in to_grader.body
    assert sitting_label(score_row.registration.sitting) in to_grader.body
    assert f"/exams/scores/{score_row.pk}/" in to_grader.body
    assert f"/exams/sittings/{score_row.registration.sitting_id}/" in mail.outbox[1].body


def test_a_grader_named_after_the_sitting_has_the_same_time(
    score_row, association, settings, django_capture_on_commit_callbacks
):
    sitting = score_row.registration.sitting
    VignetteScore.objects.filter(pk=score_row.pk).update(created=sitting.starts_at + 10 * DAY)
    named_on = day_of(sitting.starts_at + 10 * DAY, association)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(grading_due(score_row, association, settings) - 3 * DAY, "grading_due") == {}
        assert scan(named_on + 11 * DAY, "grading_due") == {"grading_due": 1}


def test_a_score_given_stops_the_grading_reminders(
    score_row, association, settings, django_capture_on_commit_callbacks
):
    VignetteScore.objects.filter(pk=score_row.pk).update(percent=85, submitted_at=timezone.now())
    due = grading_due(score_row, association, settings)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(due - 3 * DAY, "grading_due", "grading_overdue") == {}
        assert scan(due + DAY, "grading_due", "grading_overdue") == {}
    assert mail.outbox == []


def test_the_associations_own_day_counts_for_grading(
    score_row, association, settings, django_capture_on_commit_callbacks
):
    ReminderSchedule.objects.create(association=association, kind="grading_overdue", days="4")
    due = grading_due(score_row, association, settings)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(due + DAY, "grading_overdue") == {}
        assert scan(due + 4 * DAY, "grading_overdue") == {"grading_overdue": 1}


# --- the exam sitting ---------------------------------------------------------------------------


@pytest.fixture
def sitting_day(registration_ahead, association):
    return day_of(registration_ahead.sitting.starts_at, association)


def test_the_candidate_is_reminded_14_and_2_days_before_the_exam_once_each(
    registration_ahead, sitting_day, association, django_capture_on_commit_callbacks
):
    sitting = registration_ahead.sitting
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(sitting_day - 15 * DAY, "exam_sitting") == {}
        assert scan(sitting_day - 14 * DAY, "exam_sitting") == {"exam_sitting": 1}
        assert scan(sitting_day - 14 * DAY, "exam_sitting") == {}
        assert scan(sitting_day - 10 * DAY, "exam_sitting") == {}
        assert scan(sitting_day - 2 * DAY, "exam_sitting") == {"exam_sitting": 1}
        assert scan(sitting_day, "exam_sitting") == {}
    assert [m.to for m in mail.outbox] == [["bea@example.org"]] * 2
    first, second = mail.outbox
    label = sitting_label(sitting)
    assert first.subject == f"Reminder: your exam on {label}"
    assert "is in 14 days:" in first.body
    assert "is in 2 days:" in second.body
    application_id = registration_ahead.application_id
    assert f"/exams/{application_id}/register/" in first.body


def test_the_exam_time_is_in_the_associations_time_zone(
    registration_ahead, association, django_capture_on_commit_callbacks
):
    sitting = registration_ahead.sitting
    # 14:30 UTC on a winter day is 09:30 in New York (the association's zone).
    sitting.starts_at = datetime.datetime(2027, 1, 20, 14, 30, tzinfo=datetime.UTC)
    sitting.save(update_fields=["starts_at"])
    assert association.time_zone == "America/New_York"
    local = sitting.starts_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert local.hour == 9
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(datetime.date(2027, 1, 18), "exam_sitting") == {"exam_sitting": 1}
    assert "Jan. 20, 2027, 9:30 a.m." in mail.outbox[0].body


def test_the_exam_reminder_is_in_the_candidates_language(
    registration_ahead, sitting_day, django_capture_on_commit_callbacks
):
    applicant = registration_ahead.application.applicant
    applicant.preferred_language = "es"
    applicant.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(sitting_day - 2 * DAY, "exam_sitting") == {"exam_sitting": 1}
    assert mail.outbox[0].subject.startswith("Recordatorio: su examen")
    assert "dentro de 2 días" in mail.outbox[0].body


def test_a_withdrawn_candidate_is_not_reminded(
    registration_ahead, sitting_day, django_capture_on_commit_callbacks
):
    Application.objects.filter(pk=registration_ahead.application_id).update(state=S.WITHDRAWN)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(sitting_day - 2 * DAY, "exam_sitting") == {}
    assert mail.outbox == []


def test_the_associations_own_day_counts_for_the_exam_and_it_cannot_be_switched_off(
    registration_ahead, sitting_day, association, django_capture_on_commit_callbacks
):
    ReminderSchedule.objects.create(
        association=association, kind="exam_sitting", days="7", active=False
    )
    assert REMINDERS["exam_sitting"].essential
    assert {s.kind.kind: s for s in schedules(association)}["exam_sitting"].active
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(sitting_day - 14 * DAY, "exam_sitting") == {}
        assert scan(sitting_day - 7 * DAY, "exam_sitting") == {"exam_sitting": 1}
        assert scan(sitting_day - 2 * DAY, "exam_sitting") == {}
    assert len(mail.outbox) == 1


def test_another_associations_candidates_are_not_reminded_with_this_one(
    registration_ahead,
    sitting_day,
    association,
    other_association,
    django_capture_on_commit_callbacks,
):
    sitting = ExamSittingFactory(
        association=other_association, starts_at=registration_ahead.sitting.starts_at
    )
    ExamRegistrationFactory(
        sitting=sitting,
        application=ApplicationFactory(
            state=S.EXAM, category__framework__association=other_association
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        counts = reminders_scan(
            today=sitting_day - 2 * DAY, kinds=["exam_sitting"], associations=[association]
        )
    assert counts == {"exam_sitting": 1}
    assert [m.to for m in mail.outbox] == [["bea@example.org"]]


def test_the_defaults():
    days = {kind: REMINDERS[kind].default_days for kind in REMINDERS}
    assert days["comment_unanswered"] == (14,)
    assert days["review_due"] == (3,)
    assert days["review_overdue"] == (1,)
    assert days["grading_due"] == (3,)
    assert days["grading_overdue"] == (1,)
    assert days["exam_sitting"] == (2, 14)
    assert [
        kind
        for kind in days
        if REMINDERS[kind].essential
        and kind
        in (
            "comment_unanswered",
            "review_due",
            "review_overdue",
            "grading_due",
            "grading_overdue",
            "exam_sitting",
        )
    ] == ["exam_sitting"]


# What each kind's ``send`` reads of its row (before the e-mail door's own queries).
SEND_READS = {
    "comment": lambda row: [row.application.applicant.email, row.author.get_full_name()],
    "review": lambda row: [row.reviewer.email, row.application.association.name],
    "grading": lambda row: [
        row.grader.email,
        row.registration.sitting.association.time_zone,
        row.registration.application.applicant.email,
    ],
    "exam": lambda row: [row.application.applicant.email, row.sitting.association.time_zone],
}


def test_each_find_is_one_query_whatever_the_number_of_rows(
    advised,
    advisor,
    assignment,
    score_row,
    registration_ahead,
    sitting_day,
    association,
    settings,
    django_assert_num_queries,
):
    """What ``send`` reads comes with the rows: one query per kind and day count."""
    CommentFactory(application=advised, author=advisor, body="One.")
    CommentFactory(application=advised, author=advisor, section="work", body="Two.")
    second = ApplicationFactory(category=assignment.application.category, state=S.IN_REVIEW)
    ReviewAssignmentFactory(application=second, reviewer=assignment.reviewer, due_on=DUE)
    VignetteScoreFactory(registration=score_row.registration)
    ExamRegistrationFactory(
        sitting=registration_ahead.sitting,
        application=ApplicationFactory(
            category=registration_ahead.application.category, state=S.EXAM
        ),
    )
    comments_day = day_of(timezone.now(), association) + 14 * DAY
    grading = grading_due(score_row, association, settings)
    cases = [
        ("comment_unanswered", 14, comments_day),
        ("review_due", 3, DUE - 3 * DAY),
        ("review_overdue", 1, DUE + DAY),
        ("grading_due", 3, grading - 3 * DAY),
        ("grading_overdue", 1, grading + DAY),
        ("exam_sitting", 2, sitting_day - 2 * DAY),
    ]
    for kind, days, day in cases:
        with django_assert_num_queries(1):
            rows = list(
                REMINDERS[kind].find(association=association, days=days, since=day, today=day)
            )
        assert len(rows) == 2, kind
        for row, due in rows:
            assert due == day
            # What send reads is already there.
            with django_assert_num_queries(0):
                assert all(SEND_READS[kind.split("_")[0]](row)), kind
