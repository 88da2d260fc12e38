"""The reminder scan: each reminder due is sent once, to the right person, with the
association's own day counts; the renewal reminders (60, 30 and 7 days before the end of
validity, the late notice, the lapse notice)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from endorsement.enums import EndorsementStatus as E
from endorsement.enums import RenewalState
from endorsement.models import Renewal
from notifications.models import OutboxMessage, Reminder, ReminderSchedule
from notifications.reminders import REMINDERS, days_parse, reminders_scan, schedules
from tests.factories import EndorsementFactory, endorsement_status_set

END = datetime.date(2026, 12, 31)


@pytest.fixture
def holder_due(category, applicant):
    return EndorsementFactory(
        category=category,
        application__applicant=applicant,
        awarded_on=datetime.date(2026, 3, 1),
        valid_through=END,
    )


def scan(day, **kwargs):
    return reminders_scan(
        today=day, kinds=["renewal_due", "renewal_late", "endorsement_lapsed"], **kwargs
    )


def test_the_renewal_reminder_goes_60_30_and_7_days_before_the_end_once_each(
    holder_due, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(END - datetime.timedelta(days=61)) == {}
        assert scan(END - datetime.timedelta(days=60)) == {"renewal_due": 1}
        assert scan(END - datetime.timedelta(days=60)) == {}  # run twice: nothing more
        assert scan(END - datetime.timedelta(days=58)) == {}  # still within the catch-up window
        assert scan(END - datetime.timedelta(days=29)) == {"renewal_due": 1}  # a day late
        assert scan(END - datetime.timedelta(days=7)) == {"renewal_due": 1}
        assert scan(END) == {}
    assert [m.to for m in mail.outbox] == [[applicant.email]] * 3
    assert "60 days" in mail.outbox[0].body
    assert f"/portfolio/renewal/{holder_due.pk}/" in mail.outbox[0].body
    assert sorted(Reminder.objects.values_list("days", "due")) == [
        (7, END - datetime.timedelta(days=7)),
        (30, END - datetime.timedelta(days=30)),
        (60, END - datetime.timedelta(days=60)),
    ]
    message = OutboxMessage.objects.filter(key="reminder.renewal_due").first()
    assert message.concerns == holder_due.application


def test_a_submitted_renewal_stops_the_reminders(holder_due, django_capture_on_commit_callbacks):
    Renewal.objects.create(endorsement=holder_due, year=2027, state=RenewalState.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(END - datetime.timedelta(days=7)) == {}
    assert mail.outbox == []


def test_the_associations_own_day_counts_replace_the_defaults(
    holder_due, association, django_capture_on_commit_callbacks
):
    ReminderSchedule.objects.create(association=association, kind="renewal_due", days="45, 10")
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(END - datetime.timedelta(days=60)) == {}
        assert scan(END - datetime.timedelta(days=45)) == {"renewal_due": 1}
        assert scan(END - datetime.timedelta(days=10)) == {"renewal_due": 1}
    assert len(mail.outbox) == 2


def test_an_essential_reminder_cannot_be_switched_off(holder_due, association):
    ReminderSchedule.objects.create(association=association, kind="renewal_due", active=False)
    schedule = {s.kind.kind: s for s in schedules(association)}["renewal_due"]
    assert REMINDERS["renewal_due"].essential
    assert schedule.active


def test_the_late_notice_on_1_january_and_the_lapse_notice(
    holder_due, applicant, django_capture_on_commit_callbacks
):
    endorsement_status_set(holder_due, E.RENEWAL_DUE)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(datetime.date(2027, 1, 1)) == {"renewal_late": 1}
        assert scan(datetime.date(2027, 1, 2)) == {}
        endorsement_status_set(holder_due, E.LAPSED, status_since=timezone.now())
        assert scan(timezone.localdate()) == {"endorsement_lapsed": 1}
        assert scan(timezone.localdate()) == {}
    assert [m.subject for m in mail.outbox][0].endswith("the late fee applies")
    assert "has lapsed" in mail.outbox[1].subject


def test_day_counts_are_whole_numbers():
    assert days_parse("30, 60;90, 30") == (30, 60, 90)
    for bad in ("-3", "thirty", "1000"):
        with pytest.raises(ValueError):
            days_parse(bad)


def test_an_essential_reminder_on_a_fixed_day_cannot_be_switched_off_either(association):
    ReminderSchedule.objects.create(association=association, kind="renewal_late", active=False)
    schedule = {s.kind.kind: s for s in schedules(association)}["renewal_late"]
    assert REMINDERS["renewal_late"].essential and REMINDERS["renewal_late"].fixed
    assert (schedule.active, schedule.own) == (True, True)


def test_a_reminder_sent_late_names_the_days_really_left(
    holder_due, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        # The 60-day reminder, missed while the beat was down, goes out two days late.
        assert scan(END - datetime.timedelta(days=58)) == {"renewal_due": 1}
    assert "58 days from now" in mail.outbox[0].body
    assert Reminder.objects.get().days == 60
