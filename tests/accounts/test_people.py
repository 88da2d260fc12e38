"""People: the association admin invites staff, changes their roles, deactivates them; every
change is logged; nobody else may (accounts.people, accounts.people_views)."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role, StaffChangeAction
from accounts.models import RoleGrant, StaffChange, StaffDeactivation, StaffInvitation, User
from accounts.people import (
    PeopleError,
    staff_deactivate,
    staff_invitation_accept,
    staff_invite,
    staff_reactivate,
    staff_roles_set,
)
from accounts.services import role_grant
from tests.accounts.helpers import messages_of, with_totp
from tests.factories import RoleGrantFactory, UserFactory

PASSWORD = "Kangaroo-Lantern-42"


def people_url(association, name="people", **kwargs):
    return reverse(f"accounts:{name}", kwargs={"slug": association.slug, **kwargs})


def roles_of(user, association) -> list[str]:
    return sorted(
        RoleGrant.objects.filter(user=user, association=association).values_list("role", flat=True)
    )


def log_of(association) -> list[tuple]:
    return [
        (change.actor.email if change.actor else None, change.action, change.email, change.roles)
        for change in StaffChange.objects.filter(association=association).order_by("id")
    ]


def invite(**kwargs):
    """``staff_invite`` with its e-mails sent (they leave once the transaction commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return staff_invite(**kwargs)


def post_sending(client, url, data=None):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {})


def join_path(message) -> str:
    [path] = re.findall(r"https?://[^/\s]+(/people/join/[A-Za-z0-9_-]{43}/)", message.body)
    return path


@pytest.fixture
def reviewer(association):
    return RoleGrantFactory(
        association=association, role=Role.REVIEWER, user__email="rita@example.org"
    ).user


# --- invitations --------------------------------------------------------------------------------


def test_admin_invites_a_new_reviewer_by_e_mail(as_assoc_admin, assoc_admin, association):
    response = post_sending(
        as_assoc_admin,
        people_url(association, "people.invite"),
        {
            "email": "Casey@Example.org",
            "full_name": "Casey Reviewer",
            "roles": [Role.REVIEWER],
            "language": "es",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == people_url(association)
    invitation = StaffInvitation.objects.get()
    assert (invitation.email, invitation.roles, invitation.language) == (
        "casey@example.org",
        ["reviewer"],
        "es",
    )
    assert not User.objects.filter(email="casey@example.org").exists()
    [message] = mail.outbox
    assert message.to == ["casey@example.org"]
    assert message.subject == f"Únase a {association.name} en el portal del endoso"
    assert "Revisor" in message.body
    assert join_path(message).startswith("/people/join/")
    assert log_of(association) == [
        (assoc_admin.email, StaffChangeAction.INVITED, "casey@example.org", ["reviewer"])
    ]
    page = as_assoc_admin.get(people_url(association))
    assert [i.email for i in page.context["invitations"]] == ["casey@example.org"]


def test_the_token_is_stored_only_as_its_hash(association, assoc_admin):
    invite(association=association, email="c@example.org", roles=["reviewer"], by=assoc_admin)
    token = join_path(mail.outbox[0]).split("/")[-2]
    assert token not in StaffInvitation.objects.get().token_hash
    assert len(StaffInvitation.objects.get().token_hash) == 64


def test_invitee_sets_a_password_and_is_sent_to_set_up_an_authenticator(
    client, association, assoc_admin
):
    invite(
        association=association,
        email="casey@example.org",
        roles=[Role.REVIEWER, Role.EXAM_GRADER],
        full_name="Casey",
        by=assoc_admin,
    )
    path = join_path(mail.outbox[0])
    page = client.get(path)
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    assert page.context["form"].initial == {"full_name": "Casey"}

    response = client.post(
        path,
        {"full_name": "Casey Reviewer", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    user = User.objects.get(email="casey@example.org")
    assert int(client.session[SESSION_KEY]) == user.pk
    assert user.check_password(PASSWORD)
    assert user.full_name == "Casey Reviewer"
    assert roles_of(user, association) == ["exam_grader", "reviewer"]
    assert EmailAddress.objects.get(user=user).verified is True
    assert StaffInvitation.objects.get().accepted_at is not None
    # The portal's MFA rule takes over: the dashboard waits for an authenticator app.
    dashboard = client.get(reverse("accounts:dashboard"))
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith(reverse("mfa_activate_totp"))
    assert log_of(association)[-1] == (
        "casey@example.org",
        StaffChangeAction.INVITATION_ACCEPTED,
        "casey@example.org",
        ["reviewer", "exam_grader"],
    )


def test_a_used_link_says_so_and_works_only_once(client, association, assoc_admin):
    invite(association=association, email="c@example.org", roles=["reviewer"], by=assoc_admin)
    path = join_path(mail.outbox[0])
    data = {"full_name": "C", "new_password1": PASSWORD, "new_password2": PASSWORD}
    assert client.post(path, data).status_code == 302
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert response.context["reason"] == "used"
    assert "This link has already been used" in response.content.decode()
    assert client.post(path, {**data, "new_password1": "Other-Pass-991"}).status_code == 410
    assert User.objects.get(email="c@example.org").check_password(PASSWORD)


def test_an_expired_link_says_so(client, association, assoc_admin):
    invite(association=association, email="c@example.org", roles=["reviewer"], by=assoc_admin)
    StaffInvitation.objects.update(expires=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(join_path(mail.outbox[0]))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert association.contact_email in response.content.decode()


def test_an_unknown_link_is_404_and_many_misses_are_429(client, db):
    response = client.get("/people/join/not-a-token/")
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    for _ in range(20):
        client.get("/people/join/not-a-token/")
    assert client.get("/people/join/not-a-token/").status_code == 429


def test_a_weak_password_is_refused_next_to_its_field(client, association, assoc_admin):
    invite(association=association, email="c@example.org", roles=["reviewer"], by=assoc_admin)
    path = join_path(mail.outbox[0])
    response = client.post(path, {"full_name": "C", "new_password1": "123", "new_password2": "123"})
    assert response.status_code == 400
    assert response.context["form"].errors["new_password2"]
    assert not User.objects.filter(email="c@example.org").exists()
    assert StaffInvitation.objects.get().accepted_at is None


def test_resend_makes_a_new_link_and_the_old_one_stops(as_assoc_admin, association, assoc_admin):
    invitation = invite(
        association=association, email="c@example.org", roles=["reviewer"], by=assoc_admin
    )
    old = join_path(mail.outbox[0])
    response = post_sending(
        as_assoc_admin, people_url(association, "people.invitation.resend", pk=invitation.pk)
    )
    assert response.status_code == 302
    new = join_path(mail.outbox[1])
    assert new != old
    assert mail.outbox[1].subject.startswith("New link:")
    as_assoc_admin.logout()
    assert as_assoc_admin.get(old).status_code == 404
    assert as_assoc_admin.get(new).status_code == 200
    assert log_of(association)[-1][1] == StaffChangeAction.INVITATION_RESENT


def test_cancel_stops_the_link(as_assoc_admin, association, assoc_admin):
    invitation = invite(
        association=association, email="c@example.org", roles=["reviewer"], by=assoc_admin
    )
    path = join_path(mail.outbox[0])
    response = as_assoc_admin.post(
        people_url(association, "people.invitation.cancel", pk=invitation.pk)
    )
    assert response.status_code == 302
    assert as_assoc_admin.get(people_url(association)).context["invitations"] == []
    as_assoc_admin.logout()
    page = as_assoc_admin.get(path)
    assert page.status_code == 410
    assert page.context["reason"] == "cancelled"
    assert log_of(association)[-1][1] == StaffChangeAction.INVITATION_CANCELLED
    # Cancelled twice: the invitation is no longer open, so it is not found.
    as_assoc_admin.force_login(assoc_admin)
    url = people_url(association, "people.invitation.cancel", pk=invitation.pk)
    assert as_assoc_admin.post(url).status_code == 404


def test_an_existing_account_gets_the_roles_at_once_and_an_e_mail(
    as_assoc_admin, association, assoc_admin
):
    person = UserFactory(email="pat@example.org", preferred_language="en")
    response = post_sending(
        as_assoc_admin,
        people_url(association, "people.invite"),
        {"email": "pat@example.org", "roles": [Role.ADVISOR, Role.COORDINATOR], "language": "en"},
    )
    assert response.status_code == 302
    assert roles_of(person, association) == ["advisor", "coordinator"]
    assert StaffInvitation.objects.count() == 0
    [message] = mail.outbox
    assert message.subject == f"Your roles at {association.name}: Advisor, Endorsement coordinator"
    assert "/accounts/login/" in message.body
    assert log_of(association) == [
        (assoc_admin.email, "roles_added", "pat@example.org", ["advisor", "coordinator"])
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "not-an-address", "roles": ["reviewer"], "language": "en"}, "email"),
        ({"email": "a@example.org", "language": "en"}, "roles"),
        ({"email": "a@example.org", "roles": ["superuser"], "language": "en"}, "roles"),
        ({"email": "a@example.org", "roles": ["reviewer"], "language": "xx"}, "language"),
    ],
)
def test_bad_invitations_are_refused_next_to_their_field(as_assoc_admin, association, data, field):
    response = as_assoc_admin.post(people_url(association, "people.invite"), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert StaffInvitation.objects.count() == 0
    assert mail.outbox == []


def test_inviting_someone_who_already_holds_the_role_is_refused(
    as_assoc_admin, association, reviewer
):
    response = as_assoc_admin.post(
        people_url(association, "people.invite"),
        {"email": "rita@example.org", "roles": ["reviewer", "advisor"], "language": "en"},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        f"{reviewer.get_full_name()} already holds this role here: Reviewer."
    ]
    assert roles_of(reviewer, association) == ["reviewer"]
    assert StaffChange.objects.count() == 0


def test_a_second_invitation_to_a_waiting_address_is_refused(association, assoc_admin):
    invite(association=association, email="c@example.org", roles=["reviewer"], by=assoc_admin)
    with pytest.raises(PeopleError, match="already waiting"):
        invite(association=association, email="C@example.org", roles=["advisor"], by=assoc_admin)


def test_invitations_of_two_associations_are_separate(association, other_association, assoc_admin):
    invite(association=association, email="c@example.org", roles=["reviewer"], by=assoc_admin)
    invite(association=other_association, email="c@example.org", roles=["advisor"], by=assoc_admin)
    invitation = StaffInvitation.objects.get(association=association)
    user = staff_invitation_accept(invitation=invitation, password=PASSWORD)
    assert roles_of(user, association) == ["reviewer"]
    assert roles_of(user, other_association) == []


# --- the list -----------------------------------------------------------------------------------


def test_the_list_shows_this_association_s_staff_with_status(
    as_assoc_admin, association, other_association, reviewer, assoc_admin
):
    RoleGrantFactory(association=other_association, role=Role.REVIEWER, user__email="o@x.org")
    gone = RoleGrantFactory(association=association, role=Role.ADVISOR, user__full_name="Zed").user
    staff_deactivate(association=association, person=gone, by=assoc_admin)
    response = as_assoc_admin.get(people_url(association))
    assert response.status_code == 200
    rows = [
        (p.email, [str(r) for r in p.roles_here], p.deactivation is not None)
        for p in response.context["page"]
    ]
    assert sorted(rows) == sorted(
        [
            (assoc_admin.email, ["Association admin"], False),
            ("rita@example.org", ["Reviewer"], False),
            (gone.email, [], True),
        ]
    )
    assert "Deactivated" in response.content.decode()


def test_search_and_role_filter(as_assoc_admin, association, reviewer):
    found = as_assoc_admin.get(people_url(association), {"q": "RITA"}).context["page"]
    assert [p.email for p in found] == ["rita@example.org"]
    by_role = as_assoc_admin.get(people_url(association), {"role": "association_admin"})
    assert [p.email for p in by_role.context["page"]] == ["admin@northfield.example.org"]
    bad = as_assoc_admin.get(people_url(association), {"role": "nonsense", "page": "x"})
    assert bad.status_code == 200
    assert len(bad.context["page"]) == 2


def test_the_list_paginates(as_assoc_admin, association):
    for number in range(30):
        RoleGrantFactory(
            association=association, role=Role.REVIEWER, user__email=f"r{number}@x.org"
        )
    first = as_assoc_admin.get(people_url(association))
    assert len(first.context["page"]) == 25
    second = as_assoc_admin.get(people_url(association), {"page": 2})
    assert len(second.context["page"]) == 6


def test_the_list_costs_the_same_queries_for_1_and_many_people(
    as_assoc_admin, association, assoc_admin
):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert as_assoc_admin.get(people_url(association)).status_code == 200
        return len(queries)

    few = count()
    for number in range(12):
        person = RoleGrantFactory(
            association=association, role=Role.REVIEWER, user__email=f"r{number}@x.org"
        ).user
        role_grant(association=association, user=person, role=Role.ADVISOR)
        invite(association=association, email=f"i{number}@x.org", roles=["advisor"], by=assoc_admin)
    assert count() == few
    assert few <= 15


# --- roles --------------------------------------------------------------------------------------


def test_adding_a_role_is_saved_and_logged(as_assoc_admin, association, reviewer, assoc_admin):
    url = people_url(association, "people.person", user_id=reviewer.pk)
    response = as_assoc_admin.post(url, {"roles": ["reviewer", "exam_grader"]})
    assert response.status_code == 302
    assert roles_of(reviewer, association) == ["exam_grader", "reviewer"]
    assert log_of(association) == [
        (assoc_admin.email, "roles_added", "rita@example.org", ["exam_grader"])
    ]


def test_removing_a_role_asks_first(as_assoc_admin, association, reviewer, assoc_admin):
    role_grant(association=association, user=reviewer, role=Role.ADVISOR)
    url = people_url(association, "people.person", user_id=reviewer.pk)
    asked = as_assoc_admin.post(url, {"roles": ["advisor"]})
    assert asked.status_code == 200
    assert [str(r) for r in asked.context["removing"]] == ["Reviewer"]
    assert "Take roles away?" in asked.content.decode()
    assert roles_of(reviewer, association) == ["advisor", "reviewer"]

    done = as_assoc_admin.post(url, {"roles": ["advisor"], "confirm": "yes"})
    assert done.status_code == 302
    assert roles_of(reviewer, association) == ["advisor"]
    assert log_of(association) == [
        (assoc_admin.email, "roles_removed", "rita@example.org", ["reviewer"])
    ]


def test_removing_every_role_is_refused(as_assoc_admin, association, reviewer):
    url = people_url(association, "people.person", user_id=reviewer.pk)
    response = as_assoc_admin.post(url, {"confirm": "yes"})
    assert response.status_code == 400
    assert "deactivate" in response.context["form"].non_field_errors()[0]
    assert roles_of(reviewer, association) == ["reviewer"]


def test_an_admin_cannot_take_away_their_own_admin_role(as_assoc_admin, association, assoc_admin):
    url = people_url(association, "people.person", user_id=assoc_admin.pk)
    response = as_assoc_admin.post(url, {"roles": ["coordinator"], "confirm": "yes"})
    assert response.status_code == 400
    assert "your own association-admin role" in response.context["form"].non_field_errors()[0]
    assert roles_of(assoc_admin, association) == ["association_admin"]


def test_another_admin_may_take_an_admin_role_away(association, assoc_admin):
    second = RoleGrantFactory(association=association, role=Role.ASSOCIATION_ADMIN).user
    role_grant(association=association, user=second, role=Role.COORDINATOR)
    added, removed = staff_roles_set(
        association=association, person=second, roles=["coordinator"], by=assoc_admin
    )
    assert (added, removed) == ([], ["association_admin"])
    second.refresh_from_db()
    assert second.is_staff is False


def test_a_role_value_not_offered_is_refused(as_assoc_admin, association, reviewer):
    url = people_url(association, "people.person", user_id=reviewer.pk)
    response = as_assoc_admin.post(url, {"roles": ["superuser"]})
    assert response.status_code == 400
    assert roles_of(reviewer, association) == ["reviewer"]


# --- deactivation -------------------------------------------------------------------------------


def test_deactivation_asks_then_ends_roles_here_only(
    as_assoc_admin, association, other_association, reviewer, assoc_admin
):
    role_grant(association=association, user=reviewer, role=Role.ADVISOR)
    role_grant(association=other_association, user=reviewer, role=Role.REVIEWER)
    url = people_url(association, "people.deactivate", user_id=reviewer.pk)
    asked = as_assoc_admin.get(url)
    assert asked.status_code == 200
    assert "Deactivate?" in asked.content.decode()
    assert roles_of(reviewer, association) == ["advisor", "reviewer"]

    response = as_assoc_admin.post(url)
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert roles_of(reviewer, association) == []
    assert roles_of(reviewer, other_association) == ["reviewer"]
    assert reviewer.is_active is True
    assert StaffDeactivation.objects.get().roles == ["advisor", "reviewer"]
    assert log_of(association)[-1] == (
        assoc_admin.email,
        "deactivated",
        "rita@example.org",
        ["advisor", "reviewer"],
    )
    # Still listed, as deactivated; the roles cannot be changed until reactivated.
    person = as_assoc_admin.get(people_url(association, "people.person", user_id=reviewer.pk))
    assert person.status_code == 200
    assert person.context["deactivation"] is not None
    with pytest.raises(PeopleError, match="reactivate them first"):
        staff_roles_set(association=association, person=reviewer, roles=["advisor"], by=assoc_admin)


def test_a_deactivated_reviewer_loses_the_dashboard_at_once(client, association, assoc_admin):
    reviewer = with_totp(RoleGrantFactory(association=association, role=Role.REVIEWER).user)
    client.force_login(reviewer)
    url = reverse("accounts:dashboard.role", kwargs={"slug": "northfield", "role": "reviewer"})
    assert client.get(url).status_code == 200
    staff_deactivate(association=association, person=reviewer, by=assoc_admin)
    assert client.get(url).status_code == 403


def test_reactivation_gives_the_roles_back(as_assoc_admin, association, reviewer, assoc_admin):
    staff_deactivate(association=association, person=reviewer, by=assoc_admin)
    response = as_assoc_admin.post(
        people_url(association, "people.reactivate", user_id=reviewer.pk)
    )
    assert response.status_code == 302
    assert roles_of(reviewer, association) == ["reviewer"]
    assert StaffDeactivation.objects.count() == 0
    assert [c[1] for c in log_of(association)] == ["deactivated", "reactivated"]
    again = as_assoc_admin.post(people_url(association, "people.reactivate", user_id=reviewer.pk))
    assert again.status_code == 302
    assert messages_of(again)[-1] == "This person is not deactivated here."


def test_an_admin_cannot_deactivate_themselves(as_assoc_admin, association, assoc_admin):
    response = as_assoc_admin.post(
        people_url(association, "people.deactivate", user_id=assoc_admin.pk)
    )
    assert response.status_code == 400
    assert roles_of(assoc_admin, association) == ["association_admin"]
    with pytest.raises(PeopleError):
        staff_deactivate(association=association, person=assoc_admin, by=assoc_admin)


def test_inviting_a_deactivated_person_reactivates_them_with_the_new_roles(
    association, reviewer, assoc_admin
):
    staff_deactivate(association=association, person=reviewer, by=assoc_admin)
    invite(association=association, email=reviewer.email, roles=["advisor"], by=assoc_admin)
    assert roles_of(reviewer, association) == ["advisor"]
    assert not StaffDeactivation.objects.exists()
    assert [c[1] for c in log_of(association)] == ["deactivated", "reactivated", "roles_added"]


def test_the_log_is_append_only(association, assoc_admin, reviewer):
    staff_deactivate(association=association, person=reviewer, by=assoc_admin)
    change = StaffChange.objects.get()
    with pytest.raises(ValueError):
        change.save()
    with pytest.raises(ValueError):
        StaffChange.objects.update(action="invited")


def test_the_log_page_lists_every_change_newest_first(as_assoc_admin, association, reviewer):
    as_assoc_admin.post(
        people_url(association, "people.person", user_id=reviewer.pk),
        {"roles": ["reviewer", "advisor"]},
    )
    as_assoc_admin.post(people_url(association, "people.deactivate", user_id=reviewer.pk))
    response = as_assoc_admin.get(people_url(association, "people.log"))
    assert response.status_code == 200
    assert [c.action for c in response.context["page"]] == ["deactivated", "roles_added"]


# --- who may ------------------------------------------------------------------------------------

GET_PAGES = ["people", "people.invite", "people.log"]


@pytest.mark.parametrize("name", GET_PAGES)
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.REVIEWER, Role.ADVISOR])
def test_other_roles_are_refused(client, association, make_staff, name, role):
    client.force_login(make_staff(role, association))
    assert client.get(people_url(association, name)).status_code == 403


@pytest.mark.parametrize("name", GET_PAGES)
def test_another_association_s_admin_is_refused(client, association, other_association, name):
    other_admin = with_totp(
        RoleGrantFactory(association=other_association, role=Role.ASSOCIATION_ADMIN).user
    )
    client.force_login(other_admin)
    assert client.get(people_url(association, name)).status_code == 403
    response = client.post(
        people_url(association, "people.invite"),
        {"email": "x@example.org", "roles": ["reviewer"], "language": "en"},
    )
    assert response.status_code == 403
    assert StaffInvitation.objects.count() == 0


@pytest.mark.parametrize("name", GET_PAGES)
def test_anonymous_people_are_sent_to_log_in(client, association, name):
    response = client.get(people_url(association, name))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_applicant_is_refused(client, association):
    client.force_login(UserFactory())
    assert client.get(people_url(association)).status_code == 403


def test_the_platform_admin_may_manage_any_association(as_superuser, other_association):
    assert as_superuser.get(people_url(other_association)).status_code == 200


def test_another_association_s_person_and_invitation_are_404(
    as_assoc_admin, association, other_association, assoc_admin
):
    theirs = RoleGrantFactory(association=other_association, role=Role.REVIEWER).user
    applicant = UserFactory()
    for person in (theirs, applicant):
        for name in ("people.person", "people.deactivate"):
            url = people_url(association, name, user_id=person.pk)
            assert as_assoc_admin.get(url).status_code == 404
            assert as_assoc_admin.post(url, {"roles": ["reviewer"]}).status_code == 404
        url = people_url(association, "people.reactivate", user_id=person.pk)
        assert as_assoc_admin.post(url).status_code == 404
    assert roles_of(theirs, association) == []
    invitation = invite(
        association=other_association, email="c@example.org", roles=["reviewer"], by=assoc_admin
    )
    for name in ("people.invitation.resend", "people.invitation.cancel"):
        url = people_url(association, name, pk=invitation.pk)
        assert as_assoc_admin.post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None


def test_an_admin_of_the_other_association_cannot_reach_a_person_through_it(
    client, association, other_association, reviewer
):
    other_admin = with_totp(
        RoleGrantFactory(association=other_association, role=Role.ASSOCIATION_ADMIN).user
    )
    client.force_login(other_admin)
    url = people_url(other_association, "people.person", user_id=reviewer.pk)
    assert client.get(url).status_code == 404


def test_names_render_as_text(as_assoc_admin, association):
    RoleGrantFactory(
        association=association, role=Role.REVIEWER, user__full_name="<b>Bold</b> & co"
    )
    content = as_assoc_admin.get(people_url(association)).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in content
    assert "<b>Bold</b>" not in content


def test_the_admin_dashboard_links_to_people(as_assoc_admin, association):
    url = reverse(
        "accounts:dashboard.role", kwargs={"slug": "northfield", "role": "association_admin"}
    )
    assert people_url(association) in as_assoc_admin.get(url).content.decode()


def test_the_pages_speak_spanish_to_a_spanish_admin(client, association, assoc_admin, reviewer):
    assoc_admin.preferred_language = "es"
    assoc_admin.save()
    client.force_login(assoc_admin)
    page = client.get(people_url(association)).content.decode()
    assert "<h1>Personas</h1>" in page
    assert "Invitar a alguien" in page
    assert "Activo/a" in page
    person = client.get(people_url(association, "people.person", user_id=reviewer.pk))
    assert "Cambiar los roles" in person.content.decode()


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_person_s_page_and_the_log_cost_the_same_queries_for_1_and_many_changes(
    as_assoc_admin, association, reviewer, assoc_admin
):
    person_url = people_url(association, "people.person", user_id=reviewer.pk)
    log_url = people_url(association, "people.log")
    staff_roles_set(
        association=association, person=reviewer, roles=["reviewer", "advisor"], by=assoc_admin
    )
    few = (_queries(as_assoc_admin, person_url), _queries(as_assoc_admin, log_url))
    for _ in range(10):
        staff_deactivate(association=association, person=reviewer, by=assoc_admin)
        staff_reactivate(association=association, person=reviewer, by=assoc_admin)
    many = (_queries(as_assoc_admin, person_url), _queries(as_assoc_admin, log_url))
    assert many == few
    assert max(few) <= 15


def test_role_grants_made_in_the_admin_site_are_logged_too(
    as_assoc_admin, association, assoc_admin
):
    person = UserFactory(email="new.coordinator@example.org")
    response = as_assoc_admin.post(
        "/admin/accounts/rolegrant/add/",
        {"association": association.pk, "user_email": person.email, "role": Role.COORDINATOR},
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=person)
    change_url = f"/admin/accounts/rolegrant/{grant.pk}/change/"
    unchanged = {"association": association.pk, "user_email": person.email, "role": "coordinator"}
    assert as_assoc_admin.post(change_url, unchanged).status_code == 302
    changed = as_assoc_admin.post(change_url, {**unchanged, "role": Role.ADVISOR})
    assert changed.status_code == 302
    grant = RoleGrant.objects.get(user=person)
    deleted = as_assoc_admin.post(f"/admin/accounts/rolegrant/{grant.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert log_of(association) == [
        (assoc_admin.email, "roles_added", person.email, ["coordinator"]),
        (assoc_admin.email, "roles_removed", person.email, ["coordinator"]),
        (assoc_admin.email, "roles_added", person.email, ["advisor"]),
        (assoc_admin.email, "roles_removed", person.email, ["advisor"]),
    ]


def test_a_disabled_account_cannot_join_through_a_link(client, association, assoc_admin):
    disabled = UserFactory(email="gone@example.org", is_active=False)
    disabled.set_unusable_password()
    disabled.save()
    invite(association=association, email="gone@example.org", roles=["reviewer"], by=assoc_admin)
    data = {"full_name": "G", "new_password1": PASSWORD, "new_password2": PASSWORD}
    response = client.post(join_path(mail.outbox[0]), data)
    assert response.status_code == 410
    assert "The account of this address is disabled" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert roles_of(disabled, association) == []
    assert StaffInvitation.objects.get().accepted_at is None
