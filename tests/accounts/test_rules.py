import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from accounts.enums import Role
from accounts.rules import ROLE_PREDICATES
from tests.factories import RoleGrantFactory, UserFactory

ROLES = list(Role)


def _other_role(role: Role) -> Role:
    return ROLES[(ROLES.index(role) + 1) % len(ROLES)]


@pytest.fixture
def holder(db):
    """holder(role, association) -> a fresh user holding exactly that one role."""

    def _make(role, association):
        return RoleGrantFactory(role=role, association=association).user

    return _make


def test_every_role_has_a_predicate():
    assert set(ROLE_PREDICATES) == set(Role)


@pytest.mark.parametrize("role", ROLES)
def test_role_predicate_true_in_its_association(role, holder, association):
    assert ROLE_PREDICATES[role](holder(role, association), association) is True


@pytest.mark.parametrize("role", ROLES)
def test_role_predicate_false_in_another_association(role, holder, association, other_association):
    assert ROLE_PREDICATES[role](holder(role, association), other_association) is False


@pytest.mark.parametrize("role", ROLES)
def test_role_predicate_false_for_anonymous(role, association):
    assert ROLE_PREDICATES[role](AnonymousUser(), association) is False


@pytest.mark.parametrize("role", ROLES)
def test_role_predicate_false_for_a_different_role(role, holder, association):
    user = holder(_other_role(role), association)
    assert ROLE_PREDICATES[role](user, association) is False


@pytest.mark.parametrize("role", ROLES)
def test_role_predicate_false_without_an_association(role, holder, association):
    assert ROLE_PREDICATES[role](holder(role, association), None) is False


@pytest.mark.parametrize("role", ROLES)
def test_role_predicate_false_for_a_superuser_without_the_role(role, association):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert ROLE_PREDICATES[role](superuser, association) is False


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_permission_follows_the_role(role, holder, association, other_association):
    user = holder(role, association)
    assert user.has_perm(f"accounts.dashboard_{role}", association) is True
    assert user.has_perm(f"accounts.dashboard_{role}", other_association) is False
    assert user.has_perm(f"accounts.dashboard_{_other_role(role)}", association) is False


@pytest.mark.parametrize(
    ("role", "in_own", "in_other"),
    [
        (Role.ASSOCIATION_ADMIN, True, False),
        (Role.COORDINATOR, False, False),
        (Role.REVIEWER, False, False),
    ],
)
def test_manage_association_permission(
    role, in_own, in_other, holder, association, other_association
):
    user = holder(role, association)
    assert rules.has_perm("accounts.manage_association", user, association) is in_own
    assert rules.has_perm("accounts.manage_association", user, other_association) is in_other


def test_manage_association_permission_for_superuser_and_anonymous(db, association):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert rules.has_perm("accounts.manage_association", superuser, association) is True
    assert rules.has_perm("accounts.manage_association", AnonymousUser(), association) is False


def test_coordinate_association_permission(holder, association, other_association):
    coordinator = holder(Role.COORDINATOR, association)
    admin = holder(Role.ASSOCIATION_ADMIN, association)
    assert rules.has_perm("accounts.coordinate_association", coordinator, association) is True
    assert (
        rules.has_perm("accounts.coordinate_association", coordinator, other_association) is False
    )
    assert rules.has_perm("accounts.coordinate_association", admin, association) is False
    assert rules.has_perm("accounts.coordinate_association", AnonymousUser(), association) is False


def test_role_map_is_computed_once_per_user_object(holder, association, django_assert_num_queries):
    user = holder(Role.REVIEWER, association)
    with django_assert_num_queries(1):
        for predicate in ROLE_PREDICATES.values():
            predicate(user, association)
