"""The registry shows a holder's languages and region (from their professional profile) only
when they opt in on their listing page."""

import pytest

from accounts.models import WorkforceProfile
from accounts.services import workforce_profile_update, workforce_registry_set
from tests.factories import EndorsementFactory

REGISTRY = "/a/northfield/registry/"


@pytest.fixture
def holder_listed(category):
    endorsement = EndorsementFactory(
        category=category,
        application__applicant__full_name="Olga Holder",
        registry_listed=True,
        registry_place="",
    )
    workforce_profile_update(
        user=endorsement.holder,
        work_setting="clinic",
        region="Lake County",
        languages=["es", "so"],
        other_languages="Quechua",
    )
    return endorsement


def row(client):
    rows = client.get(REGISTRY).context["rows"]
    assert len(rows) == 1
    return rows[0]


def test_languages_and_region_are_hidden_until_the_holder_opts_in(client, holder_listed):
    first = row(client)
    assert (first.place, first.languages) == ("", "")
    html = client.get(REGISTRY).content.decode()
    assert "Lake County" not in html and "Somali" not in html


def test_holder_opts_in_on_the_listing_page(client, holder_listed):
    url = f"/endorsements/{holder_listed.pk}/listing/"
    client.force_login(holder_listed.holder)
    page = client.get(url)
    assert page.context["form"].initial["show_languages"] is False
    assert "Lake County" in page.content.decode()  # what the profile says, to the holder
    response = client.post(url, {"listed": "on", "show_languages": "on", "show_region": "on"})
    assert response.status_code == 302
    profile = WorkforceProfile.objects.get(user=holder_listed.holder)
    assert (profile.show_languages, profile.show_region) == (True, True)
    client.logout()
    listed = row(client)
    assert (listed.place, listed.languages) == ("Lake County", "Spanish, Somali, Quechua")
    html = client.get(REGISTRY).content.decode()
    assert "Spanish, Somali, Quechua" in html


def test_the_place_typed_on_the_listing_wins_over_the_region(client, holder_listed):
    holder_listed.registry_place = "Lakeview"
    holder_listed.save()
    workforce_registry_set(user=holder_listed.holder, show_languages=False, show_region=True)
    assert (row(client).place, row(client).languages) == ("Lakeview", "")


def test_opting_in_without_a_profile_shows_nothing_more(client, category):
    endorsement = EndorsementFactory(
        category=category, application__applicant__full_name="Nia", registry_listed=True
    )
    client.force_login(endorsement.holder)
    url = f"/endorsements/{endorsement.pk}/listing/"
    assert "first fill in your professional profile" in client.get(url).content.decode()
    client.post(url, {"listed": "on", "show_languages": "on", "show_region": "on"})
    assert (row(client).place, row(client).languages) == ("", "")


def test_only_the_holder_changes_the_opt_ins(client, holder_listed, coordinator):
    client.force_login(coordinator)
    url = f"/endorsements/{holder_listed.pk}/listing/"
    assert client.post(url, {"listed": "on", "show_languages": "on"}).status_code == 404
    assert WorkforceProfile.objects.get(user=holder_listed.holder).show_languages is False
