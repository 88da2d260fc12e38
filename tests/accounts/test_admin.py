"""The admin site confines an association admin to their own association's data."""

from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.messages import get_messages

from accounts.admin import association_lookup
from accounts.enums import MembershipStatus, Role
from accounts.models import Association, Membership, RoleGrant, User
from accounts.services import role_grant
from competencies.models import Competency, EndorsementCategory, Framework
from endorsement.models import Application
from tests.factories import (
    ApplicationFactory,
    CompetencyAreaFactory,
    EndorsementCategoryFactory,
    MembershipFactory,
    RoleGrantFactory,
    UserFactory,
)


def with_totp(user):
    TOTP.activate(user, generate_totp_secret())
    return user


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


def rows(response) -> set:
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


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


def _assert_not_found(response):
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert any("doesn’t exist" in m for m in messages_of(response))


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


# Adding: the association choice is limited; people are picked by e-mail


def _membership_data(association, email, **extra):
    return {
        "association": association.pk,
        "user_email": email,
        "member_number": "",
        "status": MembershipStatus.ACTIVE,
        "start": "2026-01-01",
        "end": "2026-12-31",
        **extra,
    }


def test_membership_association_choices_are_limited(as_assoc_admin, world):
    response = as_assoc_admin.get("/admin/accounts/membership/add/")
    field = response.context["adminform"].form.fields["association"]
    assert list(field.queryset) == [world.own.association]


def test_membership_for_another_association_is_a_form_error(as_assoc_admin, world):
    person = UserFactory(email="new@example.org")
    response = as_assoc_admin.post(
        "/admin/accounts/membership/add/",
        _membership_data(world.other.association, person.email),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["association"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not Membership.objects.filter(user=person).exists()


def test_membership_added_by_e_mail(as_assoc_admin, world):
    person = UserFactory(email="new@example.org")
    response = as_assoc_admin.post(
        "/admin/accounts/membership/add/",
        _membership_data(world.own.association, "NEW@example.org", member_number="N-2"),
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=person)
    assert (membership.association, membership.member_number) == (world.own.association, "N-2")


def test_membership_change_to_another_association_is_a_form_error(as_assoc_admin, world):
    membership = world.own.membership
    response = as_assoc_admin.post(
        f"/admin/accounts/membership/{membership.pk}/change/",
        _membership_data(world.other.association, membership.user.email),
    )
    assert response.status_code == 200
    assert "association" in response.context["adminform"].form.errors
    assert Membership.objects.get(pk=membership.pk).association == world.own.association


def test_membership_end_before_start_is_a_form_error(as_assoc_admin, world):
    person = UserFactory(email="new@example.org")
    response = as_assoc_admin.post(
        "/admin/accounts/membership/add/",
        _membership_data(world.own.association, person.email, start="2026-05-01", end="2026-04-30"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Constraint “membership_end_after_start” is violated."
    ]


def test_duplicate_member_number_is_a_form_error(as_assoc_admin, world):
    person = UserFactory(email="new@example.org")
    response = as_assoc_admin.post(
        "/admin/accounts/membership/add/",
        _membership_data(world.own.association, person.email, member_number="northfield-1"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Membership.objects.filter(user=person).exists()


def test_role_grant_added_by_e_mail(as_assoc_admin, assoc_admin, world):
    person = UserFactory(email="new.coordinator@example.org")
    response = as_assoc_admin.post(
        "/admin/accounts/rolegrant/add/",
        {
            "association": world.own.association.pk,
            "user_email": "New.Coordinator@example.org",
            "role": Role.COORDINATOR,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/accounts/rolegrant/"
    grant = RoleGrant.objects.get(user=person)
    assert (grant.association, grant.role, grant.granted_by) == (
        world.own.association,
        Role.COORDINATOR,
        assoc_admin,
    )


def test_role_grant_for_an_unknown_e_mail_is_a_clear_error(as_assoc_admin, world):
    response = as_assoc_admin.post(
        "/admin/accounts/rolegrant/add/",
        {
            "association": world.own.association.pk,
            "user_email": "nobody@example.org",
            "role": Role.REVIEWER,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user_email"] == [
        "No account uses this e-mail. Ask the person to sign up first."
    ]
    assert "No account uses this e-mail." in response.content.decode()
    assert RoleGrant.objects.count() == 3


def test_role_grant_for_another_association_is_a_form_error(as_assoc_admin, world):
    person = UserFactory(email="new@example.org")
    response = as_assoc_admin.post(
        "/admin/accounts/rolegrant/add/",
        {
            "association": world.other.association.pk,
            "user_email": person.email,
            "role": Role.ASSOCIATION_ADMIN,
        },
    )
    assert response.status_code == 200
    assert "association" in response.context["adminform"].form.errors
    assert not RoleGrant.objects.filter(user=person).exists()
    person.refresh_from_db()
    assert person.is_staff is False


def test_role_grant_twice_is_a_clear_error(as_assoc_admin, world):
    response = as_assoc_admin.post(
        "/admin/accounts/rolegrant/add/",
        {
            "association": world.own.association.pk,
            "user_email": world.own.grant.user.email,
            "role": Role.REVIEWER,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "This person already holds this role in this association."
    ]
    assert RoleGrant.objects.filter(user=world.own.grant.user).count() == 1


def test_role_grant_association_admin_in_the_admin_gives_staff(as_assoc_admin, world):
    person = UserFactory(email="second.admin@example.org")
    as_assoc_admin.post(
        "/admin/accounts/rolegrant/add/",
        {
            "association": world.own.association.pk,
            "user_email": person.email,
            "role": Role.ASSOCIATION_ADMIN,
        },
    )
    person.refresh_from_db()
    assert person.is_staff is True


def test_role_grant_changed_in_the_admin_goes_through_the_services(as_assoc_admin, world):
    person = UserFactory(email="second.admin@example.org")
    grant = role_grant(association=world.own.association, user=person, role="association_admin")
    response = as_assoc_admin.post(
        f"/admin/accounts/rolegrant/{grant.pk}/change/",
        {
            "association": world.own.association.pk,
            "user_email": person.email,
            "role": Role.COORDINATOR,
        },
    )
    assert response.status_code == 302
    assert list(RoleGrant.objects.filter(user=person).values_list("role", flat=True)) == [
        Role.COORDINATOR.value
    ]
    person.refresh_from_db()
    assert person.is_staff is False


def test_role_grant_deleted_in_the_admin_goes_through_the_services(as_assoc_admin, world):
    person = UserFactory(email="second.admin@example.org")
    grant = role_grant(association=world.own.association, user=person, role="association_admin")
    response = as_assoc_admin.post(f"/admin/accounts/rolegrant/{grant.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(user=person).exists()
    person.refresh_from_db()
    assert person.is_staff is False


def test_role_grants_bulk_deleted_in_the_admin_go_through_the_services(as_assoc_admin, world):
    person = UserFactory(email="second.admin@example.org")
    grant = role_grant(association=world.own.association, user=person, role="association_admin")
    response = as_assoc_admin.post(
        "/admin/accounts/rolegrant/",
        {"action": "delete_selected", "_selected_action": [grant.pk], "post": "yes"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_staff is False


# Relations to association-owned rows offer only the association's rows


def test_association_lookup_follows_foreign_keys():
    assert association_lookup(Association) == "pk"
    assert association_lookup(Membership) == "association"
    assert association_lookup(EndorsementCategory) == "framework__association"
    assert association_lookup(Competency) == "area__framework__association"
    assert association_lookup(User) is None


def test_competency_area_and_category_choices_are_limited(as_assoc_admin, world):
    own_area = CompetencyAreaFactory(framework=world.own.framework)
    CompetencyAreaFactory(framework=world.other.framework)
    response = as_assoc_admin.get("/admin/competencies/competency/add/")
    form = response.context["adminform"].form
    assert list(form.fields["area"].queryset) == [own_area]
    assert list(form.fields["categories"].queryset) == [world.own.category]


def test_category_framework_choices_are_limited(as_assoc_admin, world):
    response = as_assoc_admin.get("/admin/competencies/endorsementcategory/add/")
    assert list(response.context["adminform"].form.fields["framework"].queryset) == [
        world.own.framework
    ]


# Associations and people


def test_association_admin_cannot_add_or_delete_associations(as_assoc_admin, world):
    assert as_assoc_admin.get("/admin/accounts/association/add/").status_code == 403
    own = world.own.association
    assert as_assoc_admin.get(f"/admin/accounts/association/{own.pk}/delete/").status_code == 403
    response = as_assoc_admin.post(f"/admin/accounts/association/{own.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Association.objects.filter(pk=own.pk).exists()


def test_association_admin_cannot_change_the_slug(as_assoc_admin, world):
    own = world.own.association
    response = as_assoc_admin.get(f"/admin/accounts/association/{own.pk}/change/")
    assert "slug" not in response.context["adminform"].form.fields


def test_association_admin_cannot_open_an_unrelated_person(as_assoc_admin, world):
    stranger = UserFactory(email="stranger@example.org")
    _assert_not_found(as_assoc_admin.get(f"/admin/accounts/user/{stranger.pk}/change/"))
    _assert_not_found(
        as_assoc_admin.get(f"/admin/accounts/user/{world.other.grant.user.pk}/change/")
    )


def test_association_admin_can_edit_only_a_members_name_and_language(as_assoc_admin, world):
    member = world.own.membership.user
    response = as_assoc_admin.get(f"/admin/accounts/user/{member.pk}/change/")
    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    assert sorted(name for name, field in fields.items() if not field.disabled) == [
        "full_name",
        "preferred_language",
    ]
    response = as_assoc_admin.post(
        f"/admin/accounts/user/{member.pk}/change/",
        {
            "full_name": "Renamed Person",
            "preferred_language": "es",
            "is_superuser": "on",
            "is_staff": "on",
            "email": "taken@example.org",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.full_name, member.preferred_language) == ("Renamed Person", "es")
    assert (member.is_superuser, member.is_staff, member.email) == (
        False,
        False,
        "member@northfield.example.org",
    )


def test_association_admin_cannot_set_a_members_password(as_assoc_admin, world, password):
    member = world.own.membership.user
    url = f"/admin/accounts/user/{member.pk}/password/"
    assert as_assoc_admin.get(url).status_code == 403
    response = as_assoc_admin.post(
        url, {"password1": "Another-passw0rd!", "password2": "Another-passw0rd!"}
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.check_password(password) is True


def test_association_admin_cannot_change_a_superuser_member(as_assoc_admin, world, superuser):
    MembershipFactory(association=world.own.association, user=superuser)
    response = as_assoc_admin.post(
        f"/admin/accounts/user/{superuser.pk}/change/",
        {"full_name": "Renamed", "preferred_language": "es"},
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.full_name != "Renamed"


def test_association_admin_cannot_add_or_delete_people(as_assoc_admin, world):
    member = world.own.membership.user
    assert as_assoc_admin.get("/admin/accounts/user/add/").status_code == 403
    assert as_assoc_admin.get(f"/admin/accounts/user/{member.pk}/delete/").status_code == 403


def test_association_admin_sees_only_their_models_on_the_index(as_assoc_admin, world):
    response = as_assoc_admin.get("/admin/")
    models = {
        model["object_name"] for app in response.context["app_list"] for model in app["models"]
    }
    assert models == {
        "Association",
        "Membership",
        "RoleGrant",
        "User",
        "Application",
        "Endorsement",
        "EmailTemplate",
        "Framework",
        "EndorsementCategory",
        "CompetencyArea",
        "Competency",
        "AgreementText",
        "Signature",
    }


# People without an association-admin grant


def test_coordinator_without_staff_is_sent_to_login_and_refused(client, make_staff, association):
    client.force_login(make_staff(Role.COORDINATOR, association))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    assert client.get(response["Location"]).status_code == 403
    assert client.get("/admin/accounts/membership/").status_code == 302


def test_staff_without_association_admin_grant_sees_nothing(client, association, world):
    staff = with_totp(UserFactory(is_staff=True))
    RoleGrantFactory(user=staff, association=association, role=Role.COORDINATOR)
    client.force_login(staff)
    assert client.get("/admin/").context["app_list"] == []
    assert client.get("/admin/accounts/membership/").status_code == 403
    assert client.get(f"/admin/accounts/user/{staff.pk}/change/").status_code == 403


def test_former_association_admin_is_refused(client, assoc_admin, association, world):
    from accounts.services import role_revoke

    role_revoke(association=association, user=assoc_admin, role=Role.ASSOCIATION_ADMIN)
    client.force_login(assoc_admin)
    response = client.get("/admin/accounts/membership/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/accounts/membership/"


def _association_data(association, **extra):
    return {
        "name": association.name,
        "slug": association.slug,
        "contact_email": "new-office@example.org",
        "website": "https://northfield.example.org",
        "brand_colour": "#123456",
        "time_zone": "America/Chicago",
        "number_prefix": association.number_prefix,
        "reviewers_per_portfolio": 2,
        "is_active": "on",
        **extra,
    }


def test_association_admin_edits_own_association_but_not_its_slug(as_assoc_admin, world):
    own = world.own.association
    response = as_assoc_admin.post(
        f"/admin/accounts/association/{own.pk}/change/",
        _association_data(own, slug="renamed"),
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.slug, own.contact_email, own.time_zone, own.reviewers_per_portfolio) == (
        "northfield",
        "new-office@example.org",
        "America/Chicago",
        2,
    )


def test_superuser_adds_an_association(as_superuser, db):
    assert as_superuser.get("/admin/accounts/association/add/").status_code == 200
    new = Association(name="Hillside Association", slug="hillside", number_prefix="HILL")
    response = as_superuser.post("/admin/accounts/association/add/", _association_data(new))
    assert response.status_code == 302
    assert Association.objects.get(slug="hillside").name == "Hillside Association"
