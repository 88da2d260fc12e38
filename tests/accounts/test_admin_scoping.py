"""The admin site confines an association admin to their own association's data: the change lists
show exactly its rows, another association's objects are not found, changed or deleted."""

import pytest

from accounts.enums import MembershipStatus, Role
from accounts.models import Association, Membership, RoleGrant, User
from competencies.models import EndorsementCategory, Framework
from endorsement.models import Application
from tests.accounts.helpers import _assert_not_found, with_totp
from tests.factories import AssociationFactory, MembershipFactory, UserFactory


def rows(response) -> set:
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


# Change lists show exactly the association's rows


def test_association_admin_sees_only_own_memberships(as_assoc_admin, world):
    assert rows(as_assoc_admin.get("/admin/accounts/membership/")) == {world.own.membership}


def test_association_admin_sees_only_own_role_grants(as_assoc_admin, assoc_admin, world):
    assert rows(as_assoc_admin.get("/admin/accounts/rolegrant/")) == {
        world.own.grant,
        RoleGrant.objects.get(user=assoc_admin),
    }


def test_association_admin_sees_only_own_applications(as_assoc_admin, world):
    assert rows(as_assoc_admin.get("/admin/endorsement/application/")) == {world.own.application}


def test_association_admin_sees_only_own_frameworks_and_categories(as_assoc_admin, world):
    assert rows(as_assoc_admin.get("/admin/competencies/framework/")) == {world.own.framework}
    assert rows(as_assoc_admin.get("/admin/competencies/endorsementcategory/")) == {
        world.own.category
    }


def test_association_admin_sees_only_own_association(as_assoc_admin, world):
    assert rows(as_assoc_admin.get("/admin/accounts/association/")) == {world.own.association}


def test_association_admin_sees_only_people_of_their_association(
    as_assoc_admin, assoc_admin, world
):
    UserFactory(email="stranger@example.org")
    assert rows(as_assoc_admin.get("/admin/accounts/user/")) == {
        assoc_admin,
        world.own.membership.user,
        world.own.grant.user,
        world.own.application.applicant,
    }


def test_association_filter_lists_only_own_association(as_assoc_admin, world):
    response = as_assoc_admin.get("/admin/accounts/membership/")
    html = response.content.decode()
    assert world.own.association.name in html
    assert world.other.association.name not in html


FRAMEWORK_CHANGE_LISTS = [
    "/admin/competencies/framework/",
    "/admin/competencies/endorsementcategory/",
    "/admin/competencies/competencyarea/",
    "/admin/competencies/competency/",
]


def related_filter_choices(response) -> dict[str, set[str]]:
    """Each relation filter of the change list (by its field path): the names it offers."""
    from django.contrib.admin import RelatedFieldListFilter

    assert response.status_code == 200
    return {
        spec.field_path: {name for _pk, name in spec.lookup_choices}
        for spec in response.context["cl"].filter_specs
        if isinstance(spec, RelatedFieldListFilter)
    }


@pytest.mark.parametrize("url", FRAMEWORK_CHANGE_LISTS)
def test_relation_filters_offer_only_own_association(as_assoc_admin, world, url):
    """The filters by association and by framework name nothing of another association (they
    listed every association and framework), and nothing of it appears on the page."""
    response = as_assoc_admin.get(url)
    # A filter with a single choice is not shown at all (nothing to choose between).
    for path, names in related_filter_choices(response).items():
        if path.endswith("association"):
            assert names == {str(world.own.association)}
        elif path.endswith("framework"):
            assert names == {str(world.own.framework)}
    html = response.content.decode()
    assert world.other.association.name not in html
    assert str(world.other.framework) not in html


@pytest.mark.parametrize("url", FRAMEWORK_CHANGE_LISTS)
def test_superuser_filters_offer_every_association(as_superuser, world, url):
    offered = set().union(*related_filter_choices(as_superuser.get(url)).values())
    assert {str(world.own.association), str(world.other.association)} <= offered


def test_an_admin_of_two_associations_filters_between_them(client, world, association):
    from accounts.services import role_grant

    third = AssociationFactory(name="Hillcrest Association", slug="hillcrest")
    admin = with_totp(UserFactory(email="both@example.org"))
    for assoc in (world.own.association, world.other.association):
        role_grant(association=assoc, user=admin, role=Role.ASSOCIATION_ADMIN)
    client.force_login(admin)
    response = client.get("/admin/competencies/framework/")
    assert related_filter_choices(response)["association"] == {
        str(world.own.association),
        str(world.other.association),
    }
    assert third.name not in response.content.decode()


def test_superuser_sees_everything(as_superuser, world):
    assert rows(as_superuser.get("/admin/accounts/membership/")) == set(Membership.objects.all())
    assert len(rows(as_superuser.get("/admin/accounts/rolegrant/"))) == 2
    assert rows(as_superuser.get("/admin/endorsement/application/")) == set(
        Application.objects.all()
    )
    assert rows(as_superuser.get("/admin/competencies/framework/")) == set(Framework.objects.all())
    assert rows(as_superuser.get("/admin/competencies/endorsementcategory/")) == set(
        EndorsementCategory.objects.all()
    )
    assert rows(as_superuser.get("/admin/accounts/association/")) == set(Association.objects.all())
    assert rows(as_superuser.get("/admin/accounts/user/")) == set(User.objects.all())


@pytest.mark.parametrize("size", [1, 6])
def test_membership_changelist_query_count_is_constant(
    as_assoc_admin, association, django_assert_num_queries, size
):
    MembershipFactory.create_batch(size, association=association)
    with django_assert_num_queries(11):
        response = as_assoc_admin.get("/admin/accounts/membership/")
    assert len(rows(response)) == size


# Another association's objects cannot be opened or changed


@pytest.mark.parametrize(
    ("url", "attribute"),
    [
        ("/admin/accounts/membership/{}/change/", "membership"),
        ("/admin/accounts/rolegrant/{}/change/", "grant"),
        ("/admin/endorsement/application/{}/change/", "application"),
        ("/admin/competencies/framework/{}/change/", "framework"),
        ("/admin/competencies/endorsementcategory/{}/change/", "category"),
        ("/admin/accounts/association/{}/change/", "association"),
        ("/admin/accounts/membership/{}/delete/", "membership"),
        ("/admin/accounts/rolegrant/{}/delete/", "grant"),
        ("/admin/accounts/membership/{}/history/", "membership"),
    ],
)
def test_other_associations_object_is_not_shown(as_assoc_admin, world, url, attribute):
    obj = getattr(world.other, attribute)
    _assert_not_found(as_assoc_admin.get(url.format(obj.pk)))
    # The own association's object opens.
    assert as_assoc_admin.get(url.format(getattr(world.own, attribute).pk)).status_code == 200


def test_post_to_change_another_associations_membership_changes_nothing(as_assoc_admin, world):
    membership = world.other.membership
    response = as_assoc_admin.post(
        f"/admin/accounts/membership/{membership.pk}/change/",
        {
            "association": world.own.association.pk,
            "user_email": membership.user.email,
            "member_number": "HIJACKED",
            "status": MembershipStatus.CANCELLED,
            "start": "2020-01-01",
            "end": "2020-12-31",
        },
    )
    _assert_not_found(response)
    after = Membership.objects.get(pk=membership.pk)
    assert (after.association, after.member_number, after.status) == (
        world.other.association,
        world.other.association.slug + "-1",
        MembershipStatus.ACTIVE,
    )


def test_post_to_delete_another_associations_role_grant_deletes_nothing(as_assoc_admin, world):
    grant = world.other.grant
    response = as_assoc_admin.post(f"/admin/accounts/rolegrant/{grant.pk}/delete/", {"post": "yes"})
    _assert_not_found(response)
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_bulk_delete_cannot_reach_another_associations_memberships(as_assoc_admin, world):
    response = as_assoc_admin.post(
        "/admin/accounts/membership/",
        {
            "action": "delete_selected",
            "_selected_action": [world.own.membership.pk, world.other.membership.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert list(Membership.objects.all()) == [world.other.membership]
