"""The association admin defines add-on designations in the admin, for their association only;
a holder's add-on is read-only there."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.enums import Role
from accounts.services import role_grant
from endorsement.models import AddOn
from tests.factories import UserFactory


@pytest.fixture
def as_assoc_admin(client, association):
    admin = UserFactory(email="admin@northfield.example.org")
    role_grant(association=association, user=admin, role=Role.ASSOCIATION_ADMIN)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    return client


def test_the_association_admin_adds_an_add_on_for_their_association(
    as_assoc_admin, association, other_association
):
    page = as_assoc_admin.get("/admin/endorsement/addon/add/")
    assert page.status_code == 200
    assert list(page.context["adminform"].form.fields["association"].queryset) == [association]
    response = as_assoc_admin.post(
        "/admin/endorsement/addon/add/",
        {
            "association": association.pk,
            "code": "ers",
            "name": "Endorsed Reflective Supervisor",
            "name_es": "Supervisor/a Reflexivo/a Endosado/a",
            "categories": "IFS, imhs",
            "description": "For RS/C providers.",
            "min_rsc_provided_hours": "24",
            "document_required": "on",
            "document_note": "A letter",
            "attestation": "I provide RS/C.",
            "is_open": "on",
            "order": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    add_on = AddOn.objects.get()
    assert (add_on.association, add_on.category_codes, add_on.names) == (
        association,
        ["IFS", "IMHS"],
        {"es": "Supervisor/a Reflexivo/a Endosado/a"},
    )
    theirs = AddOn.objects.create(
        association=other_association, code="ers", name="Theirs", category_codes=["IFS"]
    )
    listing = as_assoc_admin.get("/admin/endorsement/addon/")
    assert list(listing.context["cl"].result_list) == [add_on]
    # Another association's add-on does not exist for them: the admin sends them back.
    assert as_assoc_admin.get(f"/admin/endorsement/addon/{theirs.pk}/change/").status_code == 302
    edited = as_assoc_admin.post(
        f"/admin/endorsement/addon/{theirs.pk}/change/",
        {"association": association.pk, "code": "x", "name": "Mine", "categories": "IFS"},
    )
    assert edited.status_code == 302
    assert AddOn.objects.get(pk=theirs.pk).name == "Theirs"


def test_a_holder_s_add_on_is_read_only_in_the_admin(as_assoc_admin):
    assert as_assoc_admin.get("/admin/endorsement/endorsementaddon/add/").status_code == 403
