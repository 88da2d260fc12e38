"""The data step of reviews 0003: declarations naming a person's account get that person's
e-mail (and back). Run on the historical models, between the schema steps 0002 and 0004."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("reviews", "0002_conflict_person_email")
DATA = importlib.import_module("reviews.migrations.0003_conflict_person_email_from_person")


@pytest.fixture
def historical_apps():
    """The models as they were after 0002 (the person and the e-mail both stored); the
    database is migrated back to the latest state afterwards."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([BEFORE])
    executor.loader.build_graph()
    try:
        yield executor.loader.project_state([BEFORE]).apps
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)


def make_rows(apps):
    User = apps.get_model("accounts", "User")
    Association = apps.get_model("accounts", "Association")
    Declaration = apps.get_model("reviews", "ConflictDeclaration")
    association = Association.objects.create(
        name="Northfield", slug="northfield", contact_email="info@example.org"
    )
    reviewer = User.objects.create(email="rita@example.org", full_name="Rita")
    other = User.objects.create(email="ray@example.org", full_name="Ray")
    pat = User.objects.create(email="Pat@Example.ORG", full_name="Pat")
    sam = User.objects.create(email="sam@example.org", full_name="Sam")
    rows = {
        "pat": Declaration.objects.create(association=association, reviewer=reviewer, person=pat),
        "pat again": Declaration.objects.create(
            association=association, reviewer=reviewer, person=pat
        ),
        "pat by ray": Declaration.objects.create(
            association=association, reviewer=other, person=pat
        ),
        "sam": Declaration.objects.create(association=association, reviewer=other, person=sam),
        "organisation": Declaration.objects.create(
            association=association, reviewer=reviewer, organisation="Sunrise"
        ),
    }
    # The duplicate is the later one.
    Declaration.objects.filter(pk=rows["pat again"].pk).update(
        created=rows["pat"].created + datetime.timedelta(seconds=1)
    )
    return Declaration, rows


def test_person_email_is_filled_from_the_person_lower_cased(historical_apps):
    Declaration, rows = make_rows(historical_apps)
    DATA.person_email_from_person(historical_apps, None)
    assert sorted(Declaration.objects.values_list("pk", "person_email", "organisation")) == sorted(
        [
            (rows["pat"].pk, "pat@example.org", ""),
            (rows["pat by ray"].pk, "pat@example.org", ""),
            (rows["sam"].pk, "sam@example.org", ""),
            (rows["organisation"].pk, "", "Sunrise"),
        ]
    )


def test_backwards_finds_the_person_again_and_drops_emails_nobody_uses(historical_apps):
    Declaration, rows = make_rows(historical_apps)
    DATA.person_email_from_person(historical_apps, None)
    Declaration.objects.filter(pk=rows["sam"].pk).update(person=None)
    nobody = Declaration.objects.create(
        association_id=rows["pat"].association_id,
        reviewer_id=rows["pat"].reviewer_id,
        person_email="nobody@example.org",
    )
    DATA.person_from_person_email(historical_apps, None)
    assert sorted(Declaration.objects.values_list("pk", "person__full_name")) == sorted(
        [
            (rows["pat"].pk, "Pat"),
            (rows["pat by ray"].pk, "Pat"),
            (rows["sam"].pk, "Sam"),
            (rows["organisation"].pk, None),
        ]
    )
    assert not Declaration.objects.filter(pk=nobody.pk).exists()
