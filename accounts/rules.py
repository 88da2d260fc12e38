"""Permission predicates about associations and roles (django-rules)."""

import rules

from accounts.enums import Role


def _has_role(user, association, role: str) -> bool:
    if not user.is_authenticated or association is None:
        return False
    return association.pk in role_map(user).get(role, set())


def role_map(user) -> dict[str, set[int]]:
    """{role: {association ids}} for the user, computed once per request object."""
    cached = getattr(user, "_role_map", None)
    if cached is None:
        cached = {}
        for association_id, role in user.role_grants.order_by().values_list(
            "association_id", "role"
        ):
            cached.setdefault(role, set()).add(association_id)
        user._role_map = cached
    return cached


@rules.predicate
def is_advisor_in(user, association):
    return _has_role(user, association, Role.ADVISOR)


@rules.predicate
def is_reviewer_in(user, association):
    return _has_role(user, association, Role.REVIEWER)


@rules.predicate
def is_exam_grader_in(user, association):
    return _has_role(user, association, Role.EXAM_GRADER)


@rules.predicate
def is_coordinator_of(user, association):
    return _has_role(user, association, Role.COORDINATOR)


@rules.predicate
def is_association_admin_of(user, association):
    return _has_role(user, association, Role.ASSOCIATION_ADMIN)


is_superuser = rules.is_superuser

ROLE_PREDICATES = {
    Role.ADVISOR: is_advisor_in,
    Role.REVIEWER: is_reviewer_in,
    Role.EXAM_GRADER: is_exam_grader_in,
    Role.COORDINATOR: is_coordinator_of,
    Role.ASSOCIATION_ADMIN: is_association_admin_of,
}

rules.add_perm("accounts.manage_association", is_association_admin_of | is_superuser)
rules.add_perm("accounts.coordinate_association", is_coordinator_of)
for _role, _predicate in ROLE_PREDICATES.items():
    rules.add_perm(f"accounts.dashboard_{_role}", _predicate)

# The member list (names, e-mail addresses, membership standing) of one association.
rules.add_perm("accounts.view_members", is_coordinator_of | is_association_admin_of)
