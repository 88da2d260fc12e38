"""Billing's privacy beyond the access walk: tests/test_access_walk.py tries every billing URL
(an invoice's, a payment's, a checkout's, a proof of membership's pages, the association admin's
pages) as everyone who must not reach it, with GET and POST, and checks that nothing changes.
What it cannot see is what a person's own list leaves out: that is here."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anothers_invoice_list_shows_nothing_of_this_one(client, invoice):
    client.force_login(UserFactory())
    response = client.get(reverse("billing:invoices"))
    assert response.context["rows"] == []
    assert invoice.display_number not in response.content.decode()
