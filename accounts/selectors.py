from django.db.models import QuerySet

from accounts.enums import MembershipStatus, Role
from accounts.models import Association, Membership, RoleGrant, User
from accounts.rules import role_map


def user_role_grants(*, user) -> QuerySet[RoleGrant]:
    return (
        RoleGrant.objects.filter(user=user)
        .select_related("association")
        .order_by("association__name", "role")
    )


def user_has_staff_role(*, user) -> bool:
    """Any role grant, or admin access. Shares the per-request role cache of the rules."""
    return user.is_authenticated and (user.is_superuser or user.is_staff or bool(role_map(user)))


def role_holders(*, association, role: str) -> QuerySet[User]:
    """The active people holding ``role`` in the association, by name."""
    return (
        User.objects.filter(
            role_grants__association=association, role_grants__role=role, is_active=True
        )
        .distinct()
        .order_by("full_name", "email")
    )


def associations_administered(*, user) -> QuerySet[Association]:
    if user.is_superuser:
        return Association.objects.all()
    return Association.objects.filter(
        role_grants__user=user, role_grants__role=Role.ASSOCIATION_ADMIN
    ).distinct()


def current_membership(*, user, association, on=None) -> Membership | None:
    """The active membership covering ``on`` (default: today where the association is)."""
    on = on or association.today()
    return (
        Membership.objects.filter(
            user=user,
            association=association,
            status=MembershipStatus.ACTIVE,
            start__lte=on,
            end__gte=on,
        )
        .order_by("-end")
        .first()
    )
