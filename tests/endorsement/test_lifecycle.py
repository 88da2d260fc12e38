"""The endorsement's lifecycle: its one writer, the renewal calendar and the daily scan."""

import datetime

import pytest

from accounts.enums import Role
from endorsement.enums import EndorsementStatus as E
from endorsement.lifecycle import (
    EndorsementTransitionRefused,
    endorsement_lifecycle_scan,
    endorsement_transition,
    register_condition,
    renewal_dates,
)
from endorsement.models import Endorsement, EndorsementEvent, RenewalPolicy
from endorsement.tasks import endorsements_lifecycle_scan
from tests.factories import EndorsementFactory, endorsement_status_set

VALID_THROUGH = datetime.date(2026, 12, 31)


@pytest.fixture
def endorsement(association):
    return EndorsementFactory(
        application__association=association,
        category__framework__association=association,
        awarded_on=datetime.date(2026, 3, 2),
        valid_through=VALID_THROUGH,
    )


def status_of(endorsement) -> str:
    return Endorsement.objects.get(pk=endorsement.pk).status


def test_the_status_refuses_assignment_outside_the_writer(endorsement):
    with pytest.raises(AttributeError):
        endorsement.status = E.LAPSED
    assert status_of(endorsement) == E.ACTIVE


def test_the_default_calendar():
    dates = renewal_dates(valid_through=VALID_THROUGH)
    assert (dates.opens, dates.late_from, dates.grace_until, dates.next_valid_through) == (
        datetime.date(2026, 10, 1),
        datetime.date(2027, 1, 1),
        datetime.date(2027, 2, 1),
        datetime.date(2027, 12, 31),
    )
    assert not dates.is_late(datetime.date(2026, 12, 31))
    assert dates.is_late(datetime.date(2027, 1, 1))
    assert not dates.is_past_grace(datetime.date(2027, 2, 1))
    assert dates.is_past_grace(datetime.date(2027, 2, 2))


def test_an_association_s_own_calendar_and_a_29_february_grace_date(association):
    policy = RenewalPolicy(
        association=association, opens_month=11, opens_day=15, grace_month=2, grace_day=29
    )
    dates = renewal_dates(valid_through=datetime.date(2026, 12, 31), policy=policy)
    assert (dates.opens, dates.grace_until) == (
        datetime.date(2026, 11, 15),
        datetime.date(2027, 2, 28),  # 2027 has no 29 February
    )
    leap = renewal_dates(valid_through=datetime.date(2027, 12, 31), policy=policy)
    assert leap.grace_until == datetime.date(2028, 2, 29)


def test_a_policy_with_a_day_that_does_not_exist_is_refused(association):
    from django.core.exceptions import ValidationError

    policy = RenewalPolicy(association=association, opens_month=11, opens_day=31)
    with pytest.raises(ValidationError, match="does not exist"):
        policy.full_clean()


def test_the_scan_opens_renewal_on_the_opening_date_and_not_before(endorsement):
    assert endorsement_lifecycle_scan(today=datetime.date(2026, 9, 30))["open_renewal"] == 0
    assert status_of(endorsement) == E.ACTIVE
    assert endorsement_lifecycle_scan(today=datetime.date(2026, 10, 1))["open_renewal"] == 1
    assert status_of(endorsement) == E.RENEWAL_DUE
    event = EndorsementEvent.objects.get(endorsement=endorsement)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "open_renewal",
        E.ACTIVE,
        E.RENEWAL_DUE,
        None,
    )
    assert event.note_text == "Renewal is due: renew by Feb. 1, 2027 to stay endorsed."


def test_the_scan_lapses_after_the_grace_date_once(endorsement):
    endorsement_lifecycle_scan(today=datetime.date(2026, 10, 1))
    assert endorsement_lifecycle_scan(today=datetime.date(2027, 2, 1))["lapse"] == 0
    assert status_of(endorsement) == E.RENEWAL_DUE
    assert endorsement_lifecycle_scan(today=datetime.date(2027, 2, 2))["lapse"] == 1
    assert endorsement_lifecycle_scan(today=datetime.date(2027, 2, 3)) == {
        "open_renewal": 0,
        "lapse": 0,
    }
    assert status_of(endorsement) == E.LAPSED
    assert list(
        EndorsementEvent.objects.filter(endorsement=endorsement).values_list("action", flat=True)
    ) == ["open_renewal", "lapse"]


def test_a_scan_that_missed_the_season_opens_and_lapses_in_one_run(endorsement):
    assert endorsement_lifecycle_scan(today=datetime.date(2027, 3, 1)) == {
        "open_renewal": 1,
        "lapse": 1,
    }
    assert status_of(endorsement) == E.LAPSED


def test_the_scan_follows_the_association_s_policy(endorsement, association):
    RenewalPolicy.objects.create(association=association, opens_month=12, opens_day=1)
    endorsement_lifecycle_scan(today=datetime.date(2026, 11, 30))
    assert status_of(endorsement) == E.ACTIVE
    endorsement_lifecycle_scan(today=datetime.date(2026, 12, 1))
    assert status_of(endorsement) == E.RENEWAL_DUE


def test_the_scan_leaves_endorsements_valid_longer_and_other_standings(association):
    later = EndorsementFactory(
        application__association=association, valid_through=datetime.date(2027, 12, 31)
    )
    emeritus = EndorsementFactory(application__association=association, valid_through=VALID_THROUGH)
    endorsement_status_set(emeritus, E.EMERITUS)
    endorsement_lifecycle_scan(today=datetime.date(2027, 3, 1))
    assert (status_of(later), status_of(emeritus)) == (E.ACTIVE, E.EMERITUS)


def test_a_registered_condition_stops_a_lapse(endorsement):
    @register_condition("lapse")
    def renewal_waiting(endorsement, **facts):
        return "A renewal is waiting for approval." if endorsement.number == "HOLD" else ""

    try:
        Endorsement.objects.filter(pk=endorsement.pk).update(number="HOLD")
        endorsement_lifecycle_scan(today=datetime.date(2027, 3, 1))
        assert status_of(endorsement) == E.RENEWAL_DUE
    finally:
        from endorsement.conditions import CONDITIONS

        CONDITIONS["endorsement.lapse"].remove(renewal_waiting)


def test_the_daily_task_runs_the_scan(endorsement, eager):
    # Valid through 31 December two years ago: today is past its grace date, it lapses.
    two_years_ago = endorsement.association.today().year - 2
    Endorsement.objects.filter(pk=endorsement.pk).update(
        valid_through=datetime.date(two_years_ago, 12, 31)
    )
    endorsements_lifecycle_scan.delay()
    assert status_of(endorsement) == E.LAPSED


def test_a_coordinator_renews_and_the_validity_moves_on(endorsement, coordinator):
    endorsement_lifecycle_scan(today=datetime.date(2026, 10, 1))
    renewed = endorsement_transition(
        endorsement=endorsement,
        action="renew",
        by=coordinator,
        valid_through=datetime.date(2027, 12, 31),
        note_key="endorsement_renew",
        note_values={"date": datetime.date(2027, 12, 31)},
    )
    assert (renewed.status, renewed.valid_through) == (E.ACTIVE, datetime.date(2027, 12, 31))
    event = renewed.events.last()
    assert (event.actor, event.valid_through) == (coordinator, datetime.date(2027, 12, 31))


@pytest.mark.parametrize("action", ["renew", "reinstate", "revoke", "retire", "transfer"])
def test_only_the_association_s_coordinator_acts(
    endorsement, make_staff, other_association, applicant, action
):
    outsiders = [
        applicant,
        endorsement.holder,
        make_staff(Role.COORDINATOR, other_association),
        make_staff(Role.REVIEWER, endorsement.association),
    ]
    for person in outsiders:
        with pytest.raises(EndorsementTransitionRefused, match="may not take this step"):
            endorsement_transition(endorsement=endorsement, action=action, by=person, note="x")
    assert (status_of(endorsement), endorsement.events.count()) == (E.ACTIVE, 0)


def test_the_portal_may_not_revoke_or_reinstate(endorsement):
    for action in ("revoke", "reinstate", "retire", "transfer"):
        with pytest.raises(EndorsementTransitionRefused):
            endorsement_transition(endorsement=endorsement, action=action, by=None, note="x")
    assert status_of(endorsement) == E.ACTIVE


def test_reinstating_a_revoked_endorsement_is_refused_with_a_sentence(endorsement, coordinator):
    endorsement_transition(endorsement=endorsement, action="revoke", by=coordinator, note="Board.")
    with pytest.raises(EndorsementTransitionRefused, match="revoked: this step is not possible"):
        endorsement_transition(endorsement=endorsement, action="reinstate", by=coordinator)
    assert status_of(endorsement) == E.REVOKED


def test_a_revocation_needs_a_reason_and_keeps_it(endorsement, coordinator):
    with pytest.raises(EndorsementTransitionRefused, match="Give the reason"):
        endorsement_transition(endorsement=endorsement, action="revoke", by=coordinator, note=" ")
    assert status_of(endorsement) == E.ACTIVE
    revoked = endorsement_transition(
        endorsement=endorsement, action="revoke", by=coordinator, note="Ethics finding."
    )
    assert (revoked.status, revoked.status_reason) == (E.REVOKED, "Ethics finding.")


def test_events_are_append_only(endorsement, coordinator):
    endorsement_transition(endorsement=endorsement, action="retire", by=coordinator)
    event = EndorsementEvent.objects.get()
    event.note = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        EndorsementEvent.objects.update(note="changed")
    assert EndorsementEvent.objects.get().note != "changed"
