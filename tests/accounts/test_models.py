import datetime

import pytest
from django.db import IntegrityError, transaction

from accounts.enums import MembershipStatus
from accounts.models import Membership, membership_period
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
    with pytest.raises(IntegrityError, match="membership_end_after_start"), transaction.atomic():
        MembershipFactory(start=datetime.date(2026, 5, 1), end=datetime.date(2026, 4, 30))
    assert Membership.objects.count() == 0


def test_membership_one_day_long_is_allowed(db):
    day = datetime.date(2026, 5, 1)
    membership = MembershipFactory(start=day, end=day)
    assert Membership.objects.get().pk == membership.pk


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
