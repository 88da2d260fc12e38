"""The data rights' actions are in the audit log: a person's download of their data, an
admin's erasure of an applicant (with the applications kept)."""

import pytest
from django.urls import reverse

from audit.enums import DATA_ERASE, DATA_EXPORT
from audit.models import AuditEntry
from tests.rights.test_export import download

pytestmark = pytest.mark.django_db


def test_a_download_of_ones_data_is_recorded(client, applicant):
    download(client, applicant)
    entry = AuditEntry.objects.get(action=DATA_EXPORT)
    assert (entry.actor_id, entry.object_id) == (applicant.pk, str(applicant.pk))


def test_an_erasure_is_recorded_with_the_applications_kept(
    client, assoc_admin, association, ana, ana_application
):
    client.force_login(assoc_admin)
    response = client.post(reverse("rights:erasure.confirm", args=[association.slug, ana.pk]))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=DATA_ERASE)
    assert entry.actor_id == assoc_admin.pk
    assert entry.association_id == association.pk
    assert entry.details == {"applications": [ana_application.pk]}
    assert entry.object_label == f"erased-{ana.pk}@invalid"
