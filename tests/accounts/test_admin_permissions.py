"""What an association admin may do in the admin site: choices limited to their association, their
association (not its slug), their members (name and language only), the models on the index; who
is refused; the superuser adds associations."""

from accounts.admin import association_lookup
from accounts.enums import Role
from accounts.models import Association, Membership, User
from competencies.models import Competency, EndorsementCategory
from tests.accounts.helpers import _assert_not_found, with_totp
from tests.factories import CompetencyAreaFactory, MembershipFactory, RoleGrantFactory, UserFactory

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
        "StaffInvitation",
        "StaffChange",
        "User",
        "Application",
        "Endorsement",
        "RenewalPolicy",
        "AddOn",
        "EndorsementAddOn",
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
