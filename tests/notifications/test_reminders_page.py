"""The association's reminders page: the day counts of each kind, saved per association;
essential reminders cannot be switched off; bad day counts are refused with the text kept; the
scan run now sends what is due, once; only the association's coordinators and admins."""

import datetime

import pytest
from django.core import mail

from accounts.enums import Role
from notifications.models import Reminder, ReminderSchedule
from notifications.reminders import REMINDERS
from tests.factories import EndorsementFactory, UserFactory


def url(association, suffix=""):
    return f"/a/{association.slug}/reminders/{suffix}"


def form_data(association, **changes):
    """The page's form as it is shown, with ``changes`` ({field: value, or None to untick})."""
    from notifications.reminders import days_format, schedules

    data = {}
    for schedule in schedules(association):
        kind = schedule.kind.kind
        if not schedule.kind.fixed:
            data[f"days_{kind}"] = days_format(schedule.days)
        if schedule.active:
            data[f"active_{kind}"] = "on"
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ASSOCIATION_ADMIN])
def test_the_page_lists_every_kind_with_its_days(client, make_staff, association, role):
    client.force_login(make_staff(role, association))
    response = client.get(url(association))
    assert response.status_code == 200
    html = response.content.decode()
    for kind in REMINDERS.values():
        assert f'id="reminder-{kind.kind}"' in html
    assert 'value="7, 30, 60"' in html  # the renewal reminder's defaults


def test_the_day_counts_are_saved_for_the_association_alone(
    client, coordinator, association, other_association
):
    client.force_login(coordinator)
    response = client.post(url(association), form_data(association, days_renewal_due="45,10"))
    assert response.status_code == 302
    row = ReminderSchedule.objects.get(association=association, kind="renewal_due")
    assert (row.days, row.active) == ("10, 45", True)
    assert not ReminderSchedule.objects.filter(association=other_association).exists()


def test_bad_day_counts_are_refused_and_what_was_typed_is_kept(client, coordinator, association):
    client.force_login(coordinator)
    response = client.post(url(association), form_data(association, days_renewal_due="60, soon"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "“soon” is not a number of days" in html
    assert 'value="60, soon"' in html
    assert not ReminderSchedule.objects.exists()


def test_an_essential_reminder_stays_on(client, coordinator, association):
    client.force_login(coordinator)
    client.post(
        url(association),
        form_data(association, active_renewal_due=None, days_renewal_due="30"),
    )
    row = ReminderSchedule.objects.get(association=association, kind="renewal_due")
    assert (row.days, row.active) == ("30", True)


def test_a_reminder_that_is_not_essential_can_be_switched_off(client, coordinator, association):
    optional = [kind for kind in REMINDERS.values() if not kind.essential]
    if not optional:
        pytest.skip("every registered reminder is essential")
    kind = optional[0].kind
    client.force_login(coordinator)
    client.post(url(association), form_data(association, **{f"active_{kind}": None}))
    assert not ReminderSchedule.objects.get(association=association, kind=kind).active


def test_the_scan_run_now_sends_what_is_due_once(
    client, coordinator, association, category, eager, django_capture_on_commit_callbacks
):
    today = association.today()
    EndorsementFactory(
        category=category,
        awarded_on=today - datetime.timedelta(days=300),
        valid_through=today + datetime.timedelta(days=30),
    )
    client.force_login(coordinator)
    assert client.get(url(association, "send/")).status_code == 200  # the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(association, "send/"), follow=True)
        again = client.post(url(association, "send/"), follow=True)
    assert "1 reminder was due and is sent." in response.content.decode()
    assert "0 reminders were due and are sent." in again.content.decode()
    assert Reminder.objects.filter(kind="renewal_due").count() == 1
    assert [m.subject for m in mail.outbox if "renew by" in m.subject] != []


@pytest.mark.parametrize("who", ["applicant", "reviewer", "other_coordinator"])
def test_others_are_refused(client, association, other_association, make_staff, who):
    if who == "applicant":
        user = UserFactory()
    elif who == "reviewer":
        user = make_staff(Role.REVIEWER, association)
    else:
        user = make_staff(Role.COORDINATOR, other_association)
    client.force_login(user)
    assert client.get(url(association)).status_code == 403
    assert client.post(url(association), form_data(association)).status_code == 403
    assert client.post(url(association, "send/")).status_code == 403
    assert not ReminderSchedule.objects.exists()
    assert not Reminder.objects.exists()


def test_anonymous_people_are_sent_to_log_in(client, association):
    response = client.get(url(association))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
