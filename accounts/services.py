import datetime

from django.db import transaction

from accounts.enums import MembershipStatus, Role
from accounts.models import Association, Membership, RoleGrant, User, membership_period


@transaction.atomic
def role_grant(*, association: Association, user: User, role: str, by: User | None = None):
    grant, _ = RoleGrant.objects.get_or_create(
        association=association, user=user, role=role, defaults={"granted_by": by}
    )
    if role == Role.ASSOCIATION_ADMIN and not user.is_staff:
        # Association admins work in the admin site, scoped to their association.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return grant


@transaction.atomic
def role_revoke(*, association: Association, user: User, role: str) -> None:
    RoleGrant.objects.filter(association=association, user=user, role=role).delete()
    if (
        role == Role.ASSOCIATION_ADMIN
        and not user.is_superuser
        and not RoleGrant.objects.filter(user=user, role=Role.ASSOCIATION_ADMIN).exists()
    ):
        user.is_staff = False
        user.save(update_fields=["is_staff"])


@transaction.atomic
def membership_record(
    *,
    association: Association,
    user: User,
    joined_on: datetime.date,
    member_number: str = "",
    status: str = MembershipStatus.ACTIVE,
) -> Membership:
    """Record a paid individual membership for the calendar year(s) it covers."""
    start, end = membership_period(joined_on)
    return Membership.objects.create(
        association=association,
        user=user,
        member_number=member_number,
        status=status,
        start=start,
        end=end,
    )
