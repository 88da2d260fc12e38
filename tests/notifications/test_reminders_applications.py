"""The applications' reminders (``endorsement.reminders``): the registration waiting for the
coordinators' decision, the portfolio left untouched (to the applicant, copied to the advisor)
and the notice before the inactivity hold. Each is sent on its due day in the association's
calendar, not before, once however often the scan runs, to the right people, with the
association's own day counts, and stops when what it is about stops (a decision, activity)."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import formats, translation

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.inactivity import applications_hold_inactive
from endorsement.models import Application
from notifications.models import OutboxMessage, Reminder, ReminderSchedule
from notifications.reminders import REMINDERS, reminders_scan, schedules
from tests.factories import ApplicationFactory, UserFactory

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")  # the association's time zone (the default)


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """A moment on ``day`` in the association's calendar."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=NEW_YORK)


def scan(association, day, kind):
    return reminders_scan(today=day, associations=[association], kinds=[kind])


def application_in(category, applicant, state, **moments):
    application = ApplicationFactory(category=category, applicant=applicant, state=state)
    Application.objects.filter(pk=application.pk).update(**moments)
    return Application.objects.get(pk=application.pk)


def english_date(day: datetime.date) -> str:
    with translation.override("en"):
        return formats.date_format(day, "DATE_FORMAT")


# --- the registration waiting -------------------------------------------------------------------

REGISTERED_ON = datetime.date(2026, 3, 2)


@pytest.fixture
def registered(category, applicant):
    # 23:30 in New York is already 3 March in UTC: the days count in the association's calendar.
    return application_in(
        category, applicant, S.REGISTERED, state_changed=at(REGISTERED_ON, 23, 30)
    )


def test_a_registration_waiting_5_days_reminds_the_coordinators_once(
    registered,
    association,
    coordinator,
    make_staff,
    other_association,
    applicant,
    django_capture_on_commit_callbacks,
):
    second = make_staff(Role.COORDINATOR, association, user__email="cleo@example.org")
    make_staff(Role.COORDINATOR, other_association, user__email="elsewhere@example.org")
    make_staff(Role.REVIEWER, association, user__email="rita@example.org")
    due = REGISTERED_ON + datetime.timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, due - datetime.timedelta(days=1), "registration_waiting") == {}
        assert scan(association, due, "registration_waiting") == {"registration_waiting": 1}
        assert scan(association, due, "registration_waiting") == {}  # run twice: nothing more
        assert scan(association, due + datetime.timedelta(days=2), "registration_waiting") == {}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, second.email])
    message = mail.outbox[0]
    assert message.subject == (
        "The registration of Ana Applicant has waited 5 days for your decision"
    )
    assert f"on {english_date(REGISTERED_ON)}" in message.body
    detail = reverse("endorsement:detail", kwargs={"application_id": registered.pk})
    assert detail in message.body
    assert list(Reminder.objects.values_list("kind", "concerns_id", "due", "days")) == [
        ("registration_waiting", registered.pk, due, 5)
    ]
    assert OutboxMessage.objects.filter(key="reminder.registration_waiting").count() == 2


def test_a_decided_registration_is_not_reminded_and_one_sent_again_counts_anew(
    registered, association, coordinator, django_capture_on_commit_callbacks
):
    due = REGISTERED_ON + datetime.timedelta(days=5)
    Application.objects.filter(pk=registered.pk).update(state=S.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, due, "registration_waiting") == {}
        # Returned, then sent again on 10 March: five days from then.
        Application.objects.filter(pk=registered.pk).update(
            state=S.REGISTERED, state_changed=at(datetime.date(2026, 3, 10))
        )
        assert scan(association, due, "registration_waiting") == {}
        assert scan(association, datetime.date(2026, 3, 15), "registration_waiting") == {
            "registration_waiting": 1
        }
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_the_associations_own_day_counts_for_the_waiting_registration(
    registered, association, coordinator, django_capture_on_commit_callbacks
):
    ReminderSchedule.objects.create(association=association, kind="registration_waiting", days="3")
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, REGISTERED_ON + datetime.timedelta(days=5), "registration_waiting")
        assert Reminder.objects.get().due == REGISTERED_ON + datetime.timedelta(days=3)
    # Switched off (it is not essential): nothing.
    ReminderSchedule.objects.filter(kind="registration_waiting").update(active=False)
    other = application_in(
        registered.category,
        UserFactory(),
        S.REGISTERED,
        state_changed=at(REGISTERED_ON),
    )
    assert not REMINDERS["registration_waiting"].essential
    assert (
        scan(association, REGISTERED_ON + datetime.timedelta(days=3), "registration_waiting") == {}
    )
    assert not Reminder.objects.filter(concerns_id=other.pk).exists()


def test_without_a_coordinator_nothing_is_due(registered, association):
    assert (
        scan(association, REGISTERED_ON + datetime.timedelta(days=5), "registration_waiting") == {}
    )
    assert Reminder.objects.count() == 0


# --- the portfolio left untouched ---------------------------------------------------------------

LAST = datetime.date(2026, 1, 10)


@pytest.fixture
def advisor(make_staff, association):
    return make_staff(
        Role.ADVISOR,
        association,
        user__email="ada@example.org",
        user__full_name="Ada Advisor",
        user__preferred_language="es",
    )


@pytest.fixture
def building(category, applicant, advisor):
    application = ApplicationFactory(
        category=category, applicant=applicant, state=S.ACCEPTED, advisor=advisor
    )
    Application.objects.filter(pk=application.pk).update(last_activity=at(LAST))
    return Application.objects.get(pk=application.pk)


def test_an_untouched_portfolio_reminds_the_applicant_and_the_advisor_at_30_60_and_90_days(
    building, association, applicant, advisor, django_capture_on_commit_callbacks
):
    day = LAST + datetime.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, day - datetime.timedelta(days=1), "portfolio_inactive") == {}
        assert scan(association, day, "portfolio_inactive") == {"portfolio_inactive": 1}
        assert scan(association, day, "portfolio_inactive") == {}
        assert scan(association, LAST + datetime.timedelta(days=61), "portfolio_inactive") == {
            "portfolio_inactive": 1
        }
    assert [m.to for m in mail.outbox] == [[applicant.email], [advisor.email]] * 2
    to_applicant, to_advisor = mail.outbox[:2]
    assert to_applicant.subject == (
        "Your portfolio for Infant Family Specialist (IFS): nothing saved for 30 days"
    )
    assert f"since {english_date(LAST)}, 30 days ago" in to_applicant.body
    summary = reverse("portfolios:summary", kwargs={"application_id": building.pk})
    assert summary in to_applicant.body
    # The advisor's own e-mail, in their language, with the link to the portfolio.
    assert to_advisor.subject == "El portafolio de Ana Applicant: nada guardado en 30 días"
    assert summary in to_advisor.body
    assert "61 days" in mail.outbox[2].subject  # scanned a day late: the days really passed
    assert sorted(Reminder.objects.values_list("days", "due")) == [
        (30, LAST + datetime.timedelta(days=30)),
        (60, LAST + datetime.timedelta(days=60)),
    ]


def test_activity_resumed_gives_new_due_dates_and_the_old_ones_never_fire(
    building, association, applicant, django_capture_on_commit_callbacks
):
    resumed = datetime.date(2026, 3, 20)
    Application.objects.filter(pk=building.pk).update(last_activity=at(resumed))
    with django_capture_on_commit_callbacks(execute=True):
        for days in (30, 60, 90):  # the old due dates
            assert (
                scan(association, LAST + datetime.timedelta(days=days), "portfolio_inactive") == {}
            )
        assert scan(association, resumed + datetime.timedelta(days=30), "portfolio_inactive") == {
            "portfolio_inactive": 1
        }
    assert len(mail.outbox) == 2
    assert list(Reminder.objects.values_list("due", flat=True)) == [
        resumed + datetime.timedelta(days=30)
    ]


def test_only_portfolios_being_built_and_only_a_current_advisor_copied(
    category, association, advisor, django_capture_on_commit_callbacks
):
    alone = application_in(category, UserFactory(email="solo@example.org"), S.RETURNED)
    submitted = application_in(category, UserFactory(email="sent@example.org"), S.SUBMITTED)
    former = ApplicationFactory(
        category=category,
        applicant=UserFactory(email="third@example.org"),
        state=S.DEFERRED,
        advisor=UserFactory(email="former-advisor@example.org"),  # holds no advisor role
    )
    Application.objects.filter(pk__in=[alone.pk, submitted.pk, former.pk]).update(
        last_activity=at(LAST)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, LAST + datetime.timedelta(days=30), "portfolio_inactive") == {
            "portfolio_inactive": 2
        }
    assert sorted(m.to[0] for m in mail.outbox) == ["solo@example.org", "third@example.org"]
    returned = next(m for m in mail.outbox if m.to == ["solo@example.org"])
    # A returned registration is corrected on its form.
    assert reverse("portfolios:registration.edit", kwargs={"application_id": alone.pk}) in (
        returned.body
    )


def test_the_associations_own_day_counts_for_the_untouched_portfolio(
    building, association, django_capture_on_commit_callbacks
):
    ReminderSchedule.objects.create(association=association, kind="portfolio_inactive", days="45")
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, LAST + datetime.timedelta(days=30), "portfolio_inactive") == {}
        assert scan(association, LAST + datetime.timedelta(days=45), "portfolio_inactive") == {
            "portfolio_inactive": 1
        }
    assert "45 days" in mail.outbox[0].subject


# --- the notice before the inactivity hold ------------------------------------------------------

# Last active at 10:00 in New York on 15 December 2025: on hold from 15 December 2026.
IDLE_SINCE = at(datetime.date(2025, 12, 15), 10)
HOLD_ON = datetime.date(2026, 12, 15)


@pytest.fixture
def idle(category, applicant):
    return application_in(category, applicant, S.ACCEPTED, last_activity=IDLE_SINCE)


def test_the_hold_notice_goes_30_days_before_the_hold_once(
    idle, association, applicant, django_capture_on_commit_callbacks
):
    due = HOLD_ON - datetime.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, due - datetime.timedelta(days=1), "hold_notice") == {}
        assert scan(association, due, "hold_notice") == {"hold_notice": 1}
        assert scan(association, due, "hold_notice") == {}
        assert scan(association, due + datetime.timedelta(days=3), "hold_notice") == {}
    (message,) = mail.outbox
    assert message.to == [applicant.email]
    assert message.subject == (
        "Your application for Infant Family Specialist (IFS) goes on hold on "
        f"{english_date(HOLD_ON)} unless you save something"
    )
    assert f"put on hold on {english_date(HOLD_ON)} unless you save something" in message.body
    assert reverse("portfolios:summary", kwargs={"application_id": idle.pk}) in message.body
    assert list(Reminder.objects.values_list("due", "days")) == [(due, 30)]


def test_the_announced_day_is_the_day_the_hold_comes_and_it_is_e_mailed(
    idle, association, applicant, django_capture_on_commit_callbacks
):
    """The inactivity task holds nobody before the announced day, and holds (and e-mails)
    the application on it; its e-mail is the step's own (``hold_inactive``)."""
    with django_capture_on_commit_callbacks(execute=True):
        assert applications_hold_inactive(now=at(HOLD_ON - datetime.timedelta(days=1), 23)) == 0
        assert applications_hold_inactive(now=at(HOLD_ON, 11)) == 1
    assert Application.objects.get(pk=idle.pk).state == S.ON_HOLD
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([applicant.email], "Your application for Infant Family Specialist (IFS) is on hold")
    ]


def test_saving_something_moves_the_hold_and_its_notice(
    idle, association, django_capture_on_commit_callbacks
):
    saved = datetime.date(2026, 11, 20)
    Application.objects.filter(pk=idle.pk).update(last_activity=at(saved))
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, HOLD_ON - datetime.timedelta(days=30), "hold_notice") == {}
        assert scan(association, datetime.date(2027, 10, 21), "hold_notice") == {"hold_notice": 1}
    assert f"on hold on {english_date(datetime.date(2027, 11, 20))}" in mail.outbox[0].body


def test_the_hold_notice_is_essential_with_the_associations_own_days(
    idle, association, django_capture_on_commit_callbacks
):
    ReminderSchedule.objects.create(
        association=association, kind="hold_notice", days="60, 7", active=False
    )
    schedule = {s.kind.kind: s for s in schedules(association)}["hold_notice"]
    assert (schedule.active, schedule.days) == (True, (7, 60))
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, HOLD_ON - datetime.timedelta(days=30), "hold_notice") == {}
        assert scan(association, HOLD_ON - datetime.timedelta(days=60), "hold_notice") == {
            "hold_notice": 1
        }
        assert scan(association, HOLD_ON - datetime.timedelta(days=7), "hold_notice") == {
            "hold_notice": 1
        }
    assert len(mail.outbox) == 2


def test_no_hold_notice_out_of_the_building_states(
    category, association, django_capture_on_commit_callbacks
):
    for state in (S.SUBMITTED, S.IN_REVIEW, S.ON_HOLD, S.AWARDED):
        application_in(category, UserFactory(), state, last_activity=IDLE_SINCE)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, HOLD_ON - datetime.timedelta(days=30), "hold_notice") == {}
    assert mail.outbox == []


def test_the_hold_notice_in_spanish(
    idle, association, applicant, django_capture_on_commit_callbacks
):
    applicant.preferred_language = "es"
    applicant.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        scan(association, HOLD_ON - datetime.timedelta(days=30), "hold_notice")
    (message,) = mail.outbox
    assert message.subject.startswith("Su solicitud para Infant Family Specialist (IFS) quedará")
    assert "15 de diciembre de 2026" in message.body


def test_finding_costs_one_query_whatever_the_number_of_applications(
    category, association, coordinator, django_assert_num_queries
):
    """``find`` reads the applications (and the coordinators, once) in one query each."""
    for _ in range(3):
        application_in(category, UserFactory(), S.ACCEPTED, last_activity=IDLE_SINCE)
        application_in(category, UserFactory(), S.REGISTERED, state_changed=at(REGISTERED_ON))
    for kind, day, queries in (
        ("hold_notice", HOLD_ON - datetime.timedelta(days=30), 1),
        ("portfolio_inactive", datetime.date(2025, 12, 15) + datetime.timedelta(days=30), 1),
        ("registration_waiting", REGISTERED_ON + datetime.timedelta(days=5), 2),
    ):
        with django_assert_num_queries(queries):
            found = list(
                REMINDERS[kind].find(
                    association=association,
                    days=REMINDERS[kind].default_days[0],
                    since=day - datetime.timedelta(days=7),
                    today=day,
                )
            )
        assert len(found) == 3
