import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.enums import MembershipStatus
from accounts.models import Membership, membership_end, membership_period
from tests.factories import AssociationFactory, MembershipFactory, UserFactory


@pytest.mark.parametrize(
    ("joined_on", "end"),
    [
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
        (datetime.date(2026, 6, 15), datetime.date(2026, 12, 31)),
        (datetime.date(2026, 9, 30), datetime.date(2026, 12, 31)),
        (datetime.date(2026, 10, 1), datetime.date(2027, 12, 31)),
        (datetime.date(2026, 12, 31), datetime.date(2027, 12, 31)),
        (datetime.date(2028, 2, 29), datetime.date(2028, 12, 31)),
    ],
)
def test_membership_period_is_calendar_year_with_next_year_from_october(joined_on, end):
    assert membership_period(joined_on) == (joined_on, end)


@pytest.mark.parametrize(
    ("status", "on", "expected"),
    [
        (MembershipStatus.ACTIVE, datetime.date(2026, 3, 1), True),
        (MembershipStatus.ACTIVE, datetime.date(2026, 12, 31), True),
        (MembershipStatus.ACTIVE, datetime.date(2027, 1, 1), False),
        (MembershipStatus.ACTIVE, datetime.date(2026, 2, 28), False),
        (MembershipStatus.PENDING, datetime.date(2026, 6, 1), False),
        (MembershipStatus.LAPSED, datetime.date(2026, 6, 1), False),
        (MembershipStatus.CANCELLED, datetime.date(2026, 6, 1), False),
    ],
)
def test_membership_is_current_only_when_active_and_in_period(status, on, expected):
    membership = Membership(
        status=status, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 12, 31)
    )
    assert membership.is_current(on) is expected


def test_membership_is_current_defaults_to_today_in_the_association_time_zone(db, monkeypatch):
    association = AssociationFactory(time_zone="America/New_York")
    membership = MembershipFactory(
        association=association,
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
    )
    # 1 January 2027, 03:00 UTC is still New Year's Eve in New York.
    now = datetime.datetime(2027, 1, 1, 3, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    assert membership.is_current() is True

    monkeypatch.setattr("django.utils.timezone.now", lambda: now + datetime.timedelta(hours=5))
    assert membership.is_current() is False


def test_membership_end_before_start_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError, match="membership_"), transaction.atomic():
        MembershipFactory(start=datetime.date(2026, 5, 1), end=datetime.date(2026, 4, 30))
    assert Membership.objects.count() == 0


@pytest.mark.parametrize(
    ("start", "end"),
    [
        # One day long, or ending mid-year: not the calendar year.
        (datetime.date(2026, 5, 1), datetime.date(2026, 5, 1)),
        (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)),
        # Joined before 1 October: this year only.
        (datetime.date(2026, 9, 30), datetime.date(2027, 12, 31)),
        # Joined from 1 October: the next year too, not this year only nor two more.
        (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
        (datetime.date(2026, 11, 15), datetime.date(2028, 12, 31)),
    ],
)
def test_membership_off_the_calendar_year_rule_is_refused_by_the_database(db, start, end):
    with pytest.raises(IntegrityError, match="membership_calendar_year"), transaction.atomic():
        MembershipFactory(start=start, end=end)
    assert Membership.objects.count() == 0


@pytest.mark.parametrize(
    "start",
    [datetime.date(2026, 1, 1), datetime.date(2026, 9, 30), datetime.date(2026, 10, 1)],
)
def test_membership_by_the_rule_is_stored(db, start):
    membership = MembershipFactory(start=start, end=membership_end(start))
    assert Membership.objects.get().end == membership_period(start)[1] == membership.end


def test_membership_clean_names_the_end_the_rule_gives(db):
    membership = MembershipFactory.build(
        association=AssociationFactory(),
        user=UserFactory(),
        start=datetime.date(2026, 10, 2),
        end=datetime.date(2026, 12, 31),
    )
    with pytest.raises(ValidationError) as caught:
        membership.full_clean()
    assert caught.value.message_dict["end"] == [
        "A membership that starts on 2026-10-02 ends on 2027-12-31 (the calendar-year rule)."
    ]


def test_duplicate_member_number_in_one_association_is_refused(db, association):
    MembershipFactory(association=association, member_number="M-0042")
    with (
        pytest.raises(IntegrityError, match="membership_number_unique_per_association"),
        transaction.atomic(),
    ):
        MembershipFactory(association=association, member_number="M-0042")
    assert list(Membership.objects.values_list("member_number", flat=True)) == ["M-0042"]


def test_same_member_number_in_two_associations_is_allowed(db, association, other_association):
    MembershipFactory(association=association, member_number="M-0042")
    MembershipFactory(association=other_association, member_number="M-0042")
    assert sorted(Membership.objects.values_list("association__slug", "member_number")) == [
        ("lakeshore", "M-0042"),
        ("northfield", "M-0042"),
    ]


def test_blank_member_numbers_are_allowed_twice_in_one_association(db, association):
    MembershipFactory(association=association, member_number="")
    MembershipFactory(association=association, member_number="")
    assert Membership.objects.filter(association=association, member_number="").count() == 2


def test_same_person_may_renew_in_one_association(db, association):
    person = UserFactory()
    MembershipFactory(
        association=association,
        user=person,
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
    )
    MembershipFactory(
        association=association,
        user=person,
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
    )
    assert person.memberships.count() == 2
