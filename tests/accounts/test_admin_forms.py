"""The admin site's membership and role-grant forms: an association admin adds people by e-mail to
their own association only, with clear errors; role grants go through the accounts services."""

import datetime

import pytest

from accounts.enums import MembershipStatus, Role
from accounts.models import Membership, RoleGrant
from accounts.services import role_grant
from tests.factories import UserFactory

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


def test_membership_added_without_a_number_gets_the_next_one(as_assoc_admin, world):
    association = world.own.association
    first, second = UserFactory(email="one@example.org"), UserFactory(email="two@example.org")
    for person in (first, second):
        response = as_assoc_admin.post(
            "/admin/accounts/membership/add/", _membership_data(association, person.email)
        )
        assert response.status_code == 302
    numbers = [Membership.objects.get(user=person).member_number for person in (first, second)]
    prefix = association.number_prefix
    assert numbers == [f"{prefix}-M-00001", f"{prefix}-M-00002"]


def test_membership_change_to_another_association_is_a_form_error(as_assoc_admin, world):
    membership = world.own.membership
    response = as_assoc_admin.post(
        f"/admin/accounts/membership/{membership.pk}/change/",
        _membership_data(world.other.association, membership.user.email),
    )
    assert response.status_code == 200
    assert "association" in response.context["adminform"].form.errors
    assert Membership.objects.get(pk=membership.pk).association == world.own.association


@pytest.mark.parametrize(
    ("joined", "end"),
    [("2026-05-01", datetime.date(2026, 12, 31)), ("2026-10-01", datetime.date(2027, 12, 31))],
)
def test_membership_end_follows_the_calendar_year_rule_whatever_is_posted(
    as_assoc_admin, world, monkeypatch, joined, end
):
    """The form has no end field: a wrong end posted by hand is ignored, the rule's is stored."""
    monkeypatch.setattr(
        "accounts.models.Association.today", lambda self: datetime.date(2026, 12, 6)
    )
    person = UserFactory(email="new@example.org")
    response = as_assoc_admin.post(
        "/admin/accounts/membership/add/",
        _membership_data(world.own.association, person.email, start=joined, end="2026-04-30"),
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=person)
    assert (membership.start.isoformat(), membership.end) == (joined, end)


def test_membership_change_recomputes_the_end(as_assoc_admin, world):
    membership = world.own.membership
    response = as_assoc_admin.post(
        f"/admin/accounts/membership/{membership.pk}/change/",
        _membership_data(world.own.association, membership.user.email, start="2025-10-20"),
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.start, membership.end) == (
        datetime.date(2025, 10, 20),
        datetime.date(2026, 12, 31),
    )


def test_membership_form_shows_the_end_read_only(as_assoc_admin, world):
    membership = world.own.membership
    response = as_assoc_admin.get(f"/admin/accounts/membership/{membership.pk}/change/")
    form = response.context["adminform"].form
    assert "end" not in form.fields
    assert "start" in form.fields
    html = response.content.decode()
    assert "Joined or paid on" in html
    assert '<div class="readonly">' in html and membership.end.strftime("%Y") in html


def test_membership_joined_in_the_future_is_a_form_error(as_assoc_admin, world):
    person = UserFactory(email="new@example.org")
    tomorrow = world.own.association.today() + datetime.timedelta(days=1)
    response = as_assoc_admin.post(
        "/admin/accounts/membership/add/",
        _membership_data(world.own.association, person.email, start=tomorrow.isoformat()),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["start"] == [
        "The day joined or paid cannot be in the future."
    ]
    assert not Membership.objects.filter(user=person).exists()


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
