"""Fixtures of the admin-site tests: Northfield's association admin and a superuser (each with TOTP
set up, and a client logged in as them), and ``world``, one of everything in each association."""

from types import SimpleNamespace

import pytest

from accounts.enums import Role
from accounts.services import role_grant
from tests.accounts.helpers import with_totp
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    MembershipFactory,
    RoleGrantFactory,
    UserFactory,
)


@pytest.fixture
def assoc_admin(association):
    user = UserFactory(email="admin@northfield.example.org")
    role_grant(association=association, user=user, role=Role.ASSOCIATION_ADMIN)
    return with_totp(user)


@pytest.fixture
def superuser(db):
    return with_totp(UserFactory(email="root@example.org", is_staff=True, is_superuser=True))


@pytest.fixture
def as_assoc_admin(client, assoc_admin):
    client.force_login(assoc_admin)
    return client


@pytest.fixture
def as_superuser(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def world(association, other_association):
    """One of everything in each association: world.own and world.other."""
    data = {}
    for key, assoc in (("own", association), ("other", other_association)):
        category = EndorsementCategoryFactory(framework__association=assoc)
        data[key] = SimpleNamespace(
            association=assoc,
            membership=MembershipFactory(
                association=assoc,
                member_number=f"{assoc.slug}-1",
                user__email=f"member@{assoc.slug}.example.org",
            ),
            grant=RoleGrantFactory(
                association=assoc,
                role=Role.REVIEWER,
                user__email=f"reviewer@{assoc.slug}.example.org",
            ),
            application=ApplicationFactory(
                category=category, applicant__email=f"applicant@{assoc.slug}.example.org"
            ),
            category=category,
            framework=category.framework,
        )
    return SimpleNamespace(**data)
