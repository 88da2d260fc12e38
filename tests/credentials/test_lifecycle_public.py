"""The endorsement's standing as the public reads it follows each step of its lifecycle at once:
the verification page, the registry, the API and the status list (the clock moved past the grace
date, then the endorsement reinstated)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from credentials.badges import status_list_entry
from endorsement.enums import EndorsementStatus as E
from endorsement.lifecycle import endorsement_lifecycle_scan, endorsement_transition
from tests.credentials.test_badges import status_bit
from tests.factories import EndorsementFactory, UserFactory

NUMBER = "NORTHFIELD-IFS-2026-0042"


@pytest.fixture
def endorsement(association):
    endorsement = EndorsementFactory(
        application__association=association,
        application__applicant=UserFactory(full_name="Farah Holder"),
        category__framework__association=association,
        category__code="IFS",
        number=NUMBER,
        awarded_on=datetime.date(2026, 3, 2),
        valid_through=datetime.date(2026, 12, 31),
        registry_listed=True,
    )
    call_command("credential_keys", "--association", association.slug, stdout=io.StringIO())
    status_list_entry(endorsement)  # given at the award
    return endorsement


def public_views(client, endorsement) -> dict:
    """What each public reader says of the endorsement now."""
    page = client.get(reverse("credentials:verify", kwargs={"number": NUMBER})).content.decode()
    registry = client.get(reverse("credentials:registry", kwargs={"slug": "northfield"}))
    api = client.get(f"/api/v1/endorsements/{NUMBER}").json()
    return {
        "page_lapsed": "Lapsed" in page and "This endorsement is not current." in page,
        "in_registry": "Farah Holder" in registry.content.decode(),
        "api": (api["status"], api["valid_through"]),
        "suspended": status_bit(client, endorsement, "suspension"),
    }


def test_past_the_grace_date_the_lapse_shows_everywhere_and_reinstating_restores(
    client, endorsement, coordinator
):
    assert public_views(client, endorsement) == {
        "page_lapsed": False,
        "in_registry": True,
        "api": ("active", "2026-12-31"),
        "suspended": False,
    }
    endorsement_lifecycle_scan(today=datetime.date(2026, 10, 1))
    assert public_views(client, endorsement)["api"] == ("renewal_due", "2026-12-31")
    # 1 February is the last day of grace; the 2nd it lapses.
    endorsement_lifecycle_scan(today=datetime.date(2027, 2, 1))
    assert public_views(client, endorsement)["in_registry"] is True
    endorsement_lifecycle_scan(today=datetime.date(2027, 2, 2))
    assert public_views(client, endorsement) == {
        "page_lapsed": True,
        "in_registry": False,
        "api": ("lapsed", "2026-12-31"),
        "suspended": True,
    }
    endorsement_transition(
        endorsement=endorsement,
        action="reinstate",
        by=coordinator,
        valid_through=datetime.date(2027, 12, 31),
        note_key="endorsement_reinstate",
        note_values={"date": datetime.date(2027, 12, 31)},
    )
    assert public_views(client, endorsement) == {
        "page_lapsed": False,
        "in_registry": True,
        "api": ("active", "2027-12-31"),
        "suspended": False,
    }
    assert [event.to_status for event in endorsement.events.all()] == [
        E.RENEWAL_DUE,
        E.LAPSED,
        E.ACTIVE,
    ]
