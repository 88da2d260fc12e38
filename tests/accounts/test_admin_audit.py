"""Staff invitations and the staff-change log in the admin site: read there (each association
admin only their association's), never added, changed or deleted; the People page writes them."""

from accounts.enums import Role, StaffChangeAction
from accounts.models import StaffChange, StaffInvitation
from accounts.people import staff_change_record, staff_invite
from tests.accounts.helpers import _assert_not_found


def test_the_superuser_reads_invitations_and_changes_but_never_writes_them(
    as_superuser, superuser, world
):
    invitation = staff_invite(
        association=world.own.association,
        email="new.reviewer@example.org",
        roles=[Role.REVIEWER],
        by=superuser,
    )
    change = StaffChange.objects.get(email="new.reviewer@example.org")
    listing = as_superuser.get("/admin/accounts/staffinvitation/")
    assert listing.status_code == 200
    assert "new.reviewer@example.org" in listing.content.decode()
    page = as_superuser.get(f"/admin/accounts/staffinvitation/{invitation.pk}/change/")
    assert page.status_code == 200
    assert invitation.token_hash not in page.content.decode()
    assert as_superuser.get("/admin/accounts/staffinvitation/add/").status_code == 403
    listing = as_superuser.get("/admin/accounts/staffchange/?q=new.reviewer")
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [change]
    assert as_superuser.get("/admin/accounts/staffchange/add/").status_code == 403
    delete = f"/admin/accounts/staffchange/{change.pk}/delete/"
    assert as_superuser.post(delete, {"post": "yes"}).status_code == 403
    response = as_superuser.post(
        f"/admin/accounts/staffchange/{change.pk}/change/", {"email": "changed@example.org"}
    )
    assert response.status_code == 403
    assert StaffChange.objects.get(pk=change.pk).email == "new.reviewer@example.org"
    assert StaffInvitation.objects.filter(pk=invitation.pk).exists()


def test_an_association_admin_reads_only_their_associations_log(as_assoc_admin, world):
    own = staff_change_record(
        association=world.own.association,
        by=None,
        action=StaffChangeAction.INVITED,
        email="a@x.org",
    )
    other = staff_change_record(
        association=world.other.association,
        by=None,
        action=StaffChangeAction.INVITED,
        email="b@x.org",
    )
    listing = as_assoc_admin.get("/admin/accounts/staffchange/")
    assert listing.status_code == 200
    assert own in listing.context["cl"].result_list
    assert other not in listing.context["cl"].result_list
    _assert_not_found(as_assoc_admin.get(f"/admin/accounts/staffchange/{other.pk}/change/"))
