"""The demo's add-on designation: Northfield's Endorsed Reflective Supervisor add-on, Farah's
approved (with her letter), shown on her public page; seeding twice adds nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from endorsement.enums import AddOnState
from endorsement.models import AddOn, EndorsementAddOn


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.CLAMAV_SOCKET = ""


@pytest.mark.django_db
def test_farah_holds_the_endorsed_reflective_supervisor_add_on(client):
    call_command("seed_demo", "--even-without-debug", verbosity=0)
    call_command("seed_demo", "--even-without-debug", verbosity=0)
    assert list(AddOn.objects.values_list("association__slug", "code", "category_codes")) == [
        ("northfield", "ers", ["IFS", "IMHS"])
    ]
    holding = EndorsementAddOn.objects.select_related("endorsement__holder").get()
    endorsement = holding.endorsement
    assert (endorsement.holder.email, holding.state, holding.valid_through) == (
        "farah@northfield.example.org",
        AddOnState.APPROVED,
        endorsement.valid_through,
    )
    assert [d.original_name for d in holding.documents.all()] == ["letter-from-my-rsc-provider.pdf"]
    page = client.get(reverse("credentials:verify", kwargs={"number": endorsement.number}))
    assert "Endorsed Reflective Supervisor add-on, valid through" in page.content.decode()
