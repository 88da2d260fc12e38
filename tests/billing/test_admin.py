"""Waiver requests in the admin site: the platform admin reads them (answered on the invoice
page); nobody adds, changes or deletes them there; association admins do not see billing's admin."""

from django.urls import reverse

from accounts.enums import Role
from billing.models import WaiverRequest
from billing.services import waiver_request
from tests.accounts.helpers import with_totp
from tests.factories import UserFactory


def test_the_platform_admin_reads_waiver_requests(client, invoice, applicant, make_staff):
    request = waiver_request(invoice=invoice, by=applicant, reason="I care for my mother.")
    superuser = with_totp(UserFactory(is_staff=True, is_superuser=True))
    client.force_login(superuser)
    listing = client.get(reverse("admin:billing_waiverrequest_changelist") + "?q=mother")
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [request]
    assert "Ana Applicant" in listing.content.decode()
    change = reverse("admin:billing_waiverrequest_change", args=[request.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"reason": "edited", "status": "granted"}).status_code == 403
    assert client.get(reverse("admin:billing_waiverrequest_add")).status_code == 403
    delete = reverse("admin:billing_waiverrequest_delete", args=[request.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    request.refresh_from_db()
    assert (request.reason, request.status) == ("I care for my mother.", "open")
    association_admin = make_staff(Role.ASSOCIATION_ADMIN, invoice.association)
    association_admin.is_staff = True  # in the admin site, for their association only
    association_admin.save(update_fields=["is_staff"])
    client.force_login(association_admin)
    assert client.get(reverse("admin:billing_waiverrequest_changelist")).status_code == 403
    assert WaiverRequest.objects.count() == 1
