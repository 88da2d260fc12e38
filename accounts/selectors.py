from django.db.models import Exists, QuerySet

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


def _memberships_covering(*, user, association, on=None) -> QuerySet[Membership]:
    """The active memberships covering ``on`` (default: today where the association is);
    ``user`` may be an ``OuterRef``."""
    on = on or association.today()
    return Membership.objects.filter(
        user=user,
        association=association,
        status=MembershipStatus.ACTIVE,
        start__lte=on,
        end__gte=on,
    )


def current_membership(*, user, association, on=None) -> Membership | None:
    """The active membership covering ``on`` (default: today where the association is)."""
    return _memberships_covering(user=user, association=association, on=on).order_by("-end").first()


def current_membership_exists(*, user, association) -> Exists:
    """An annotation: whether ``user`` (an ``OuterRef`` to a user) is a member today."""
    return Exists(_memberships_covering(user=user, association=association))


def user_memberships(*, user) -> list[Membership]:
    """Every membership of the person, with its association."""
    return list(Membership.objects.filter(user=user).select_related("association"))


def listed_associations() -> QuerySet[Association]:
    """The associations shown to the public (the view picks one by its short name)."""
    return Association.objects.filter(is_active=True)


def association_role_grants(*, association) -> QuerySet[RoleGrant]:
    """The association's role grants with their people, by role then e-mail address."""
    return (
        RoleGrant.objects.filter(association=association)
        .select_related("user")
        .order_by("role", "user__email")
    )


def association_member_count(*, association) -> int:
    """The memberships recorded in the association (any year, any status)."""
    return Membership.objects.filter(association=association).count()
