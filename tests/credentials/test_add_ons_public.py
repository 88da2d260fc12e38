"""An approved add-on designation on the public verification page and in the API, following its
endorsement: renewed with it, gone once it lapses."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from endorsement.addons import add_on_apply, add_on_decide
from endorsement.lifecycle import endorsement_transition
from endorsement.models import AddOn
from tests.factories import EndorsementFactory, UserFactory

NUMBER = "NORTHFIELD-IFS-2026-0042"


@pytest.fixture
def endorsement(association):
    return EndorsementFactory(
        application__association=association,
        application__applicant=UserFactory(full_name="Farah Holder"),
        category__framework__association=association,
        category__code="IFS",
        number=NUMBER,
        awarded_on=datetime.date(2026, 3, 2),
        valid_through=datetime.date(2026, 12, 31),
    )


@pytest.fixture
def holding(endorsement, coordinator):
    add_on = AddOn.objects.create(
        association=endorsement.association,
        code="ers",
        name="Endorsed Reflective Supervisor",
        names={"es": "Supervisor/a Reflexivo/a Endosado/a"},
        category_codes=["IFS"],
        min_rsc_provided_hours=Decimal("24"),
    )
    holding = add_on_apply(
        endorsement=endorsement,
        add_on=add_on,
        by=endorsement.holder,
        rsc_provided_hours=Decimal("30"),
    )
    return holding


def page(client) -> str:
    return client.get(reverse("credentials:verify", kwargs={"number": NUMBER})).content.decode()


def api(client, **headers) -> dict:
    return client.get(f"/api/v1/endorsements/{NUMBER}", **headers).json()


def test_only_an_approved_add_on_is_public(client, holding, coordinator):
    assert "Endorsed Reflective Supervisor" not in page(client)
    assert api(client)["add_ons"] == []
    # The page was cached without it: the decision empties the cache.
    add_on_decide(holding=holding, by=coordinator, approve=True)
    assert "Endorsed Reflective Supervisor add-on, valid through Dec. 31, 2026" in page(client)
    assert api(client)["add_ons"] == [
        {"code": "ers", "name": "Endorsed Reflective Supervisor", "valid_through": "2026-12-31"}
    ]
    spanish = api(client, HTTP_ACCEPT_LANGUAGE="es")["add_ons"]
    assert [row["name"] for row in spanish] == ["Supervisor/a Reflexivo/a Endosado/a"]


def test_a_refused_add_on_never_shows(client, holding, coordinator):
    add_on_decide(holding=holding, by=coordinator, approve=False, note="No letter.")
    assert "Endorsed Reflective Supervisor" not in page(client)
    assert api(client)["add_ons"] == []


def test_the_public_add_on_follows_a_renewal_and_a_lapse(
    client, endorsement, holding, coordinator, django_capture_on_commit_callbacks
):
    add_on_decide(holding=holding, by=coordinator, approve=True)
    assert "valid through Dec. 31, 2026" in page(client)
    with django_capture_on_commit_callbacks(execute=True):
        endorsement_transition(endorsement=endorsement, action="open_renewal", by=None)
    with django_capture_on_commit_callbacks(execute=True):
        endorsement_transition(
            endorsement=endorsement,
            action="renew",
            by=coordinator,
            valid_through=datetime.date(2027, 12, 31),
        )
    assert "Endorsed Reflective Supervisor add-on, valid through Dec. 31, 2027" in page(client)
    assert api(client)["add_ons"][0]["valid_through"] == "2027-12-31"
    with django_capture_on_commit_callbacks(execute=True):
        endorsement_transition(endorsement=endorsement, action="open_renewal", by=None)
    with django_capture_on_commit_callbacks(execute=True):
        endorsement_transition(endorsement=endorsement, action="lapse", by=None)
    assert "Endorsed Reflective Supervisor" not in page(client)
    assert api(client)["add_ons"] == []


def test_the_facts_read_the_add_ons_in_the_same_query(
    holding, coordinator, django_assert_num_queries
):
    from credentials.selectors import public_endorsement

    add_on_decide(holding=holding, by=coordinator, approve=True)
    with django_assert_num_queries(1):
        facts = public_endorsement(NUMBER)
    assert [(a.code, a.name, a.valid_through) for a in facts.add_ons] == [
        ("ers", "Endorsed Reflective Supervisor", datetime.date(2026, 12, 31))
    ]


def test_without_postgresql_the_add_ons_come_with_one_more_query(
    holding, coordinator, monkeypatch, django_assert_num_queries
):
    """The demo's SQLite has no array subquery: a prefetch reads the same facts."""
    from django.db import connection
    from django.utils import translation

    from credentials.selectors import public_endorsement

    add_on_decide(holding=holding, by=coordinator, approve=True)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with django_assert_num_queries(2), translation.override("es"):
        facts = public_endorsement(NUMBER)
    assert [(a.code, a.name, a.valid_through) for a in facts.add_ons] == [
        ("ers", "Supervisor/a Reflexivo/a Endosado/a", datetime.date(2026, 12, 31))
    ]
