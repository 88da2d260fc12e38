"""The audit log is append-only: the ORM refuses updates and deletions, and on PostgreSQL the
database refuses them too, even as raw SQL from the application's own connection."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEntry
from audit.services import audit_record
from tests.factories import UserFactory


@pytest.fixture
def entry(db):
    return audit_record(action="login", actor_label="lee@example.org")


def test_an_entry_is_never_saved_again(entry):
    entry.action = "logout"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "login"


def test_an_entry_is_never_deleted(entry):
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    with pytest.raises(ValueError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_queryset_refuses_updates(entry):
    with pytest.raises(ValueError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(action="logout")
    with pytest.raises(ValueError, match="append-only"):
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert AuditEntry.objects.get(pk=entry.pk).action == "login"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET action = 'logout' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_sql(entry, statement):
    refused = pytest.raises(DatabaseError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "login"


def test_the_base_manager_cannot_delete_either(entry):
    """Django's deletion code uses the base manager (a plain queryset): the database stops it."""
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry._base_manager.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_the_person_leaves_their_entries_as_they_were(db):
    """The log outlives the people it names: no constraint, no cascade, no update."""
    user = UserFactory(email="gone@example.org")
    entry = audit_record(action="login", actor=user)
    user.delete()
    kept = AuditEntry.objects.get(pk=entry.pk)
    assert (kept.actor_id, kept.actor_label) == (entry.actor_id, "gone@example.org")
