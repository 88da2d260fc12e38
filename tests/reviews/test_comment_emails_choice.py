"""Each person chooses when they hear of new comments (``User.comment_emails``): soon after
(every run of ``reviews.comments_send_digests``, a few minutes apart) or once a day (the first
run after 07:00 in their time zone, at most one e-mail a day per portfolio)."""

import datetime
import zoneinfo

import pytest
from django.core import mail

from accounts.enums import CommentEmails
from reviews.models import Comment
from reviews.services import advising
from reviews.services.advising import comments_digest_send, daily_digest_since
from reviews.tasks import comments_send_digests
from tests.factories import CommentFactory

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")  # Northfield's time zone (the factory's)


def at(day: int, hour: int, minute: int = 0, zone=NEW_YORK) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=zone)


def comment_at(application, author, when: datetime.datetime, body: str) -> Comment:
    comment = CommentFactory(application=application, author=author, body=body)
    Comment.objects.filter(pk=comment.pk).update(created=when)
    return comment


def run(now, django_capture_on_commit_callbacks) -> list[tuple[str, str]]:
    """One run of the digest at ``now``: the (recipient, subject) of the e-mails it sent."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comments_digest_send(now=now)
    return [(m.to[0], m.subject) for m in mail.outbox]


def choose(user, choice: str) -> None:
    user.comment_emails = choice
    user.save(update_fields=["comment_emails"])


def test_by_default_comments_are_e_mailed_at_the_next_run(
    advised, advisor, applicant, django_capture_on_commit_callbacks
):
    assert applicant.comment_emails == CommentEmails.IMMEDIATELY
    advising.comment_add(application=advised, by=advisor, section="work", body="Hours per week?")
    with django_capture_on_commit_callbacks(execute=True):
        assert comments_send_digests.apply().get() == 1
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("ana@example.org", "1 new comment on your portfolio")
    ]
    assert "Hours per week?" in mail.outbox[0].body


def test_immediately_sends_each_run_what_is_new(
    advised, advisor, applicant, django_capture_on_commit_callbacks
):
    choose(applicant, CommentEmails.IMMEDIATELY)
    comment_at(advised, advisor, at(7, 9, 0), "First")
    comment_at(advised, advisor, at(7, 9, 1), "Second, same sitting")
    assert run(at(7, 9, 5), django_capture_on_commit_callbacks) == [
        ("ana@example.org", "2 new comments on your portfolio")
    ]
    comment_at(advised, advisor, at(7, 9, 20), "Later")
    assert run(at(7, 9, 25), django_capture_on_commit_callbacks) == [
        ("ana@example.org", "1 new comment on your portfolio")
    ]


def test_once_a_day_waits_for_the_next_morning_then_sends_everything_in_one_e_mail(
    advised, advisor, applicant, django_capture_on_commit_callbacks
):
    choose(applicant, CommentEmails.DAILY)
    comment_at(advised, advisor, at(7, 9, 0), "Morning comment")
    comment_at(advised, advisor, at(7, 16, 0), "Afternoon comment")
    # The same day, and the next day before 07:00: nothing.
    for now in (at(7, 9, 5), at(7, 23, 55), at(8, 6, 55)):
        assert run(now, django_capture_on_commit_callbacks) == []
    assert Comment.objects.filter(notified_at__isnull=True).count() == 2
    # The first run after 07:00: one e-mail with both.
    assert run(at(8, 7, 5), django_capture_on_commit_callbacks) == [
        ("ana@example.org", "2 new comments on your portfolio")
    ]
    assert "Morning comment" in mail.outbox[0].body
    assert "Afternoon comment" in mail.outbox[0].body
    assert Comment.objects.filter(notified_at__isnull=True).count() == 0
    # A comment that same morning waits for the next one: at most one e-mail a day.
    comment_at(advised, advisor, at(8, 7, 10), "After the e-mail")
    for now in (at(8, 7, 15), at(8, 20, 0), at(9, 6, 59)):
        assert run(now, django_capture_on_commit_callbacks) == []
    assert run(at(9, 7, 0), django_capture_on_commit_callbacks) == [
        ("ana@example.org", "1 new comment on your portfolio")
    ]


def test_once_a_day_sends_at_once_a_comment_older_than_this_morning(
    advised, advisor, applicant, django_capture_on_commit_callbacks
):
    """Written before 07:00, it has waited past the morning hour: the next run sends it."""
    choose(applicant, CommentEmails.DAILY)
    comment_at(advised, advisor, at(7, 6, 30), "Early bird")
    assert run(at(7, 7, 5), django_capture_on_commit_callbacks) == [
        ("ana@example.org", "1 new comment on your portfolio")
    ]


def test_once_a_day_for_the_advisor_leaves_the_applicant_s_choice_alone(
    advised, advisor, applicant, django_capture_on_commit_callbacks
):
    choose(advisor, CommentEmails.DAILY)
    first = comment_at(advised, advisor, at(7, 10, 0), "To Ana")
    reply = CommentFactory(application=advised, author=applicant, parent=first, body="Reply")
    Comment.objects.filter(pk=reply.pk).update(created=at(7, 10, 5))
    assert run(at(7, 10, 10), django_capture_on_commit_callbacks) == [
        ("ana@example.org", "1 new comment on your portfolio")
    ]
    assert run(at(8, 7, 0), django_capture_on_commit_callbacks) == [
        (advisor.email, "1 new reply from Ana Applicant")
    ]


def test_once_a_day_follows_the_person_s_own_time_zone(
    advised, advisor, applicant, django_capture_on_commit_callbacks
):
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    choose(applicant, CommentEmails.DAILY)
    applicant.time_zone = "Asia/Tokyo"
    applicant.save(update_fields=["time_zone"])
    comment_at(advised, advisor, datetime.datetime(2026, 12, 7, 8, 0, tzinfo=tokyo), "Hello")
    # 06:59 in Tokyo the next day (16:59 on the 7th in New York): still waiting.
    assert (
        run(datetime.datetime(2026, 12, 8, 6, 59, tzinfo=tokyo), django_capture_on_commit_callbacks)
        == []
    )
    assert run(
        datetime.datetime(2026, 12, 8, 7, 1, tzinfo=tokyo), django_capture_on_commit_callbacks
    ) == [("ana@example.org", "1 new comment on your portfolio")]


def test_switching_to_immediately_sends_what_waited(
    advised, advisor, applicant, django_capture_on_commit_callbacks
):
    choose(applicant, CommentEmails.DAILY)
    comment_at(advised, advisor, at(7, 9, 0), "Waiting")
    assert run(at(7, 9, 5), django_capture_on_commit_callbacks) == []
    choose(applicant, CommentEmails.IMMEDIATELY)
    assert run(at(7, 9, 10), django_capture_on_commit_callbacks) == [
        ("ana@example.org", "1 new comment on your portfolio")
    ]


@pytest.mark.parametrize(
    ("now", "since"),
    [
        (at(7, 7, 0), at(7, 7, 0)),
        (at(7, 6, 59), at(6, 7, 0)),
        (at(7, 23, 0), at(7, 7, 0)),
    ],
)
def test_the_daily_hour_is_the_last_07_00_at_or_before_now(applicant, association, now, since):
    assert daily_digest_since(recipient=applicant, association=association, now=now) == since
