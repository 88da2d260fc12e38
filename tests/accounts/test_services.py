import datetime

import pytest

from accounts.enums import MembershipStatus, Role
from accounts.models import Membership, RoleGrant
from accounts.rules import is_association_admin_of
from accounts.selectors import current_membership
from accounts.services import membership_record, role_grant, role_revoke
from tests.factories import MembershipFactory, UserFactory


def test_membership_record_covers_the_rest_of_the_year(db, association, user):
    membership = membership_record(
        association=association,
        user=user,
        joined_on=datetime.date(2026, 9, 30),
        member_number="N-7",
    )
    row = Membership.objects.get()
    assert row.pk == membership.pk
    assert (row.association, row.user, row.member_number, row.status) == (
        association,
        user,
        "N-7",
        MembershipStatus.ACTIVE,
    )
    assert (row.start, row.end) == (datetime.date(2026, 9, 30), datetime.date(2026, 12, 31))


def test_membership_record_from_october_covers_the_next_year(db, association, user):
    membership = membership_record(
        association=association, user=user, joined_on=datetime.date(2026, 10, 1)
    )
    assert (membership.start, membership.end) == (
        datetime.date(2026, 10, 1),
        datetime.date(2027, 12, 31),
    )
    assert membership.member_number == "NORTHFIELD-M-00001"  # the association's next number


def test_membership_record_pending_is_not_current(db, association, user):
    membership = membership_record(
        association=association,
        user=user,
        joined_on=datetime.date(2026, 3, 1),
        status=MembershipStatus.PENDING,
    )
    assert membership.status == MembershipStatus.PENDING
    assert membership.is_current(datetime.date(2026, 6, 1)) is False


def test_current_membership_picks_the_active_one_covering_the_day(
    db, association, other_association, user
):
    MembershipFactory(
        association=association,
        user=user,
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
    )
    this_year = MembershipFactory(
        association=association,
        user=user,
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
    )
    MembershipFactory(
        association=other_association,
        user=user,
        start=datetime.date(2027, 1, 1),
        end=datetime.date(2027, 12, 31),
    )
    on = datetime.date(2026, 7, 1)
    assert current_membership(user=user, association=association, on=on) == this_year
    assert current_membership(user=user, association=other_association, on=on) is None
    assert (
        current_membership(user=user, association=association, on=datetime.date(2027, 1, 1)) is None
    )


def test_role_grant_creates_the_grant_and_records_who_granted_it(db, association, user):
    admin = UserFactory()
    grant = role_grant(association=association, user=user, role=Role.REVIEWER, by=admin)
    assert list(RoleGrant.objects.values_list("association", "user", "role", "granted_by")) == [
        (association.pk, user.pk, Role.REVIEWER.value, admin.pk)
    ]
    assert grant.pk == RoleGrant.objects.get().pk
    user.refresh_from_db()
    assert user.is_staff is False


def test_role_grant_association_admin_gets_staff(db, association, user):
    role_grant(association=association, user=user, role=Role.ASSOCIATION_ADMIN)
    user.refresh_from_db()
    assert user.is_staff is True


def test_role_grant_twice_is_idempotent(db, association, user):
    first = role_grant(association=association, user=user, role=Role.ASSOCIATION_ADMIN)
    second = role_grant(association=association, user=user, role=Role.ASSOCIATION_ADMIN)
    assert first.pk == second.pk
    assert RoleGrant.objects.filter(user=user).count() == 1
    user.refresh_from_db()
    assert user.is_staff is True


def test_role_grant_refuses_an_unknown_role(db, association, user):
    with pytest.raises(ValueError, match="not a valid Role"):
        role_grant(association=association, user=user, role="treasurer")
    assert RoleGrant.objects.count() == 0


def test_role_grant_and_revoke_refresh_the_cached_role_map(db, association, user):
    assert is_association_admin_of(user, association) is False
    role_grant(association=association, user=user, role=Role.ASSOCIATION_ADMIN)
    assert is_association_admin_of(user, association) is True
    role_revoke(association=association, user=user, role=Role.ASSOCIATION_ADMIN)
    assert is_association_admin_of(user, association) is False


def test_role_revoke_last_association_admin_grant_removes_staff(db, association, user):
    role_grant(association=association, user=user, role=Role.ASSOCIATION_ADMIN)
    role_grant(association=association, user=user, role=Role.COORDINATOR)
    role_revoke(association=association, user=user, role=Role.ASSOCIATION_ADMIN)
    user.refresh_from_db()
    assert user.is_staff is False
    assert list(RoleGrant.objects.values_list("role", flat=True)) == [Role.COORDINATOR.value]


def test_role_revoke_keeps_staff_while_another_association_admin_grant_remains(
    db, association, other_association, user
):
    role_grant(association=association, user=user, role=Role.ASSOCIATION_ADMIN)
    role_grant(association=other_association, user=user, role=Role.ASSOCIATION_ADMIN)
    role_revoke(association=association, user=user, role=Role.ASSOCIATION_ADMIN)
    user.refresh_from_db()
    assert user.is_staff is True
    assert list(RoleGrant.objects.values_list("association__slug", flat=True)) == ["lakeshore"]


def test_role_revoke_never_removes_staff_from_a_superuser(db, association):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    role_grant(association=association, user=superuser, role=Role.ASSOCIATION_ADMIN)
    role_revoke(association=association, user=superuser, role=Role.ASSOCIATION_ADMIN)
    superuser.refresh_from_db()
    assert (superuser.is_staff, superuser.is_superuser) == (True, True)
    assert RoleGrant.objects.count() == 0


def test_role_revoke_of_another_role_leaves_staff_alone(db, association, user):
    role_grant(association=association, user=user, role=Role.ASSOCIATION_ADMIN)
    role_grant(association=association, user=user, role=Role.REVIEWER)
    role_revoke(association=association, user=user, role=Role.REVIEWER)
    user.refresh_from_db()
    assert user.is_staff is True
    assert list(RoleGrant.objects.values_list("role", flat=True)) == [Role.ASSOCIATION_ADMIN.value]


def test_role_revoke_of_a_grant_that_does_not_exist_does_nothing(db, association, user):
    role_revoke(association=association, user=user, role=Role.REVIEWER)
    assert RoleGrant.objects.count() == 0


def test_workforce_profile_update_writes_only_profile_fields(db, user):
    from accounts.models import WorkforceProfile
    from accounts.services import workforce_profile_update

    with pytest.raises(ValueError, match="show_languages"):
        workforce_profile_update(user=user, work_setting="clinic", show_languages=True)
    assert not WorkforceProfile.objects.exists()
    profile = workforce_profile_update(user=user, work_setting="clinic", region=" a   b ")
    again = workforce_profile_update(user=user, region="c")
    assert (again.pk, again.work_setting, again.region) == (profile.pk, "clinic", "c")
