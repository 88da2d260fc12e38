"""The references' reminders: the rater still waited for is reminded 7 and 14 days after the
invitation, with a fresh personal link (the invitation's deadline kept); the applicant is told
on the day a rater's link expired without a rating. Each once, with the association's own day
counts, and not once the rating is in (or the link resent)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.time_zones import association_day
from notifications.models import OutboxMessage, Reminder, ReminderSchedule
from notifications.reminders import REMINDERS, reminders_scan
from portfolios.enums import RaterRelationship
from portfolios.models import Reference
from portfolios.references import (
    reference_for_token,
    reference_invite,
    reference_resend,
    reference_submit_rating,
    reference_withdraw,
)
from tests.factories import ReferenceFactory
from tests.portfolios.references_helpers import (
    last_token,
    make_application,
    make_category,
    scores,
    tokens_in,
)

DAY = datetime.timedelta(days=1)


@pytest.fixture
def category(association):
    return make_category(association)


@pytest.fixture
def application(category):
    return make_application(category)


@pytest.fixture
def invited(application, django_capture_on_commit_callbacks):
    """(reference, token): Grace asked, the invitation e-mailed, the outbox emptied."""
    with django_capture_on_commit_callbacks(execute=True):
        reference = reference_invite(
            application=application,
            rater_name="Grace Supervisor",
            rater_email="grace@example.org",
            relationship=RaterRelationship.CURRENT_SUPERVISOR,
            waive=False,
            by=application.applicant,
        )
    token = last_token()
    mail.outbox.clear()
    return reference, token


def asked_on(reference) -> datetime.date:
    return association_day(reference.sent_at, reference.application.association)


def scan(day, kind):
    return reminders_scan(today=day, kinds=[kind])


def expire(reference, moment):
    Reference.objects.filter(pk=reference.pk).update(token_expires=moment)
    reference.refresh_from_db()


# --- the rater ------------------------------------------------------------------------------------


def test_the_rater_is_reminded_7_and_14_days_after_the_invitation_once_each(
    invited, django_capture_on_commit_callbacks
):
    reference, first_token = invited
    day0 = asked_on(reference)
    deadline = reference.token_expires
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(day0 + 6 * DAY, "reference_pending") == {}
        assert scan(day0 + 7 * DAY, "reference_pending") == {"reference_pending": 1}
        assert scan(day0 + 7 * DAY, "reference_pending") == {}  # run twice: nothing more
        assert scan(day0 + 9 * DAY, "reference_pending") == {}
        assert scan(day0 + 14 * DAY, "reference_pending") == {"reference_pending": 1}
        assert scan(day0 + 15 * DAY, "reference_pending") == {}
    assert [m.to for m in mail.outbox] == [["grace@example.org"]] * 2
    first = mail.outbox[0]
    assert first.subject == "Reminder: Ana López is waiting for your reference rating"
    assert "We have not received your rating yet." in first.body
    # Each reminder carries a fresh link that works; the earlier ones no longer do.
    [second_token] = tokens_in(mail.outbox[0])
    [third_token] = tokens_in(mail.outbox[1])
    assert len({first_token, second_token, third_token}) == 3
    assert reference_for_token(token=first_token) is None
    assert reference_for_token(token=second_token) is None
    assert reference_for_token(token=third_token) == reference
    reference.refresh_from_db()
    assert reference.token_expires == deadline  # a reminder is not a new invitation
    assert sorted(Reminder.objects.values_list("kind", "days", "due")) == [
        ("reference_pending", 7, day0 + 7 * DAY),
        ("reference_pending", 14, day0 + 14 * DAY),
    ]
    # Staff reading the outbox do not see the personal link.
    message = OutboxMessage.objects.filter(key="reminder.reference_pending").first()
    assert third_token not in message.text_shown
    assert message.url == ""
    assert message.concerns == reference.application


def test_the_rater_is_reminded_in_the_language_chosen_for_them(
    application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reference = reference_invite(
            application=application,
            rater_name="Graciela",
            rater_email="graciela@example.org",
            relationship=RaterRelationship.CURRENT_SUPERVISOR,
            waive=False,
            by=application.applicant,
            rater_language="es",
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(asked_on(reference) + 7 * DAY, "reference_pending") == {"reference_pending": 1}
    [message] = mail.outbox
    assert message.subject == "Recordatorio: Ana López espera su evaluación de referencia"
    assert len(tokens_in(message)) == 1


def test_the_associations_own_day_counts_for_the_rater(
    invited, association, django_capture_on_commit_callbacks
):
    reference, _token = invited
    ReminderSchedule.objects.create(association=association, kind="reference_pending", days="3")
    day0 = asked_on(reference)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(day0 + 2 * DAY, "reference_pending") == {}
        assert scan(day0 + 3 * DAY, "reference_pending") == {"reference_pending": 1}
        assert scan(day0 + 7 * DAY, "reference_pending") == {}
    assert len(mail.outbox) == 1


def test_a_rating_sent_stops_the_reminders(
    invited, category, application, django_capture_on_commit_callbacks
):
    reference, _token = invited
    with django_capture_on_commit_callbacks(execute=True):
        reference_submit_rating(reference=reference, scores=scores(category), comment="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(asked_on(reference) + 7 * DAY, "reference_pending") == {}
    assert mail.outbox == []


def test_a_withdrawn_invitation_is_not_reminded(
    invited, application, django_capture_on_commit_callbacks
):
    reference, _token = invited
    reference_withdraw(reference=reference, by=application.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(asked_on(reference) + 7 * DAY, "reference_pending") == {}
    assert mail.outbox == []


# --- the applicant, when the link expired ---------------------------------------------------------


def test_the_applicant_is_told_the_day_the_link_expired_once(
    invited, application, django_capture_on_commit_callbacks
):
    reference, _token = invited
    expire(reference, timezone.now() - datetime.timedelta(minutes=5))
    expired_on = association_day(reference.token_expires, application.association)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(expired_on - DAY, "reference_expired") == {}
        assert scan(expired_on, "reference_expired") == {"reference_expired": 1}
        assert scan(expired_on, "reference_expired") == {}  # run twice: nothing more
        assert scan(expired_on + 3 * DAY, "reference_expired") == {}
    [message] = mail.outbox
    assert message.to == ["ana@example.org"]
    assert message.subject == "The link to rate your work expired: Grace Supervisor"
    assert f"/portfolio/{application.pk}/references/" in message.body
    assert OutboxMessage.objects.get(key="reminder.reference_expired").url.endswith(
        f"/portfolio/{application.pk}/references/"
    )


def test_no_notice_before_the_link_has_expired(invited, django_capture_on_commit_callbacks):
    reference, _token = invited
    expire(reference, timezone.now() + datetime.timedelta(minutes=5))
    expires_on = association_day(reference.token_expires, reference.application.association)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(expires_on, "reference_expired") == {}
    assert mail.outbox == []


def test_the_associations_own_day_counts_for_the_expiry(
    invited, association, django_capture_on_commit_callbacks
):
    reference, _token = invited
    ReminderSchedule.objects.create(association=association, kind="reference_expired", days="2")
    expire(reference, timezone.now() - datetime.timedelta(days=3))
    expired_on = association_day(reference.token_expires, association)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(expired_on, "reference_expired") == {}
        assert scan(expired_on + 2 * DAY, "reference_expired") == {"reference_expired": 1}
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]


def test_a_new_link_stops_the_expiry_notice(
    invited, application, django_capture_on_commit_callbacks
):
    reference, _token = invited
    expire(reference, timezone.now() - datetime.timedelta(minutes=5))
    expired_on = association_day(reference.token_expires, application.association)
    with django_capture_on_commit_callbacks(execute=True):
        reference_resend(reference=reference, by=application.applicant)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(expired_on, "reference_expired") == {}
    assert mail.outbox == []


def test_the_reference_reminders_are_not_essential():
    assert REMINDERS["reference_pending"].default_days == (7, 14)
    assert REMINDERS["reference_expired"].default_days == (0,)
    assert not REMINDERS["reference_pending"].essential
    assert not REMINDERS["reference_expired"].essential


def test_each_find_is_one_query_whatever_the_number_of_rows(
    invited, application, association, django_assert_num_queries
):
    reference, _token = invited
    second = ReferenceFactory(application=application, sent_at=reference.sent_at)
    day = asked_on(reference) + 7 * DAY
    with django_assert_num_queries(1):
        rows = list(
            REMINDERS["reference_pending"].find(
                association=association, days=7, since=day, today=day
            )
        )
    assert sorted(row.pk for row, _due in rows) == sorted([reference.pk, second.pk])
    with django_assert_num_queries(0):
        assert {row.application.applicant.get_full_name() for row, _due in rows} == {"Ana López"}
    moment = timezone.now() - datetime.timedelta(hours=1)
    Reference.objects.update(token_expires=moment)
    expired_on = association_day(moment, association)
    with django_assert_num_queries(1):
        rows = list(
            REMINDERS["reference_expired"].find(
                association=association, days=0, since=expired_on, today=expired_on
            )
        )
    assert len(rows) == 2
