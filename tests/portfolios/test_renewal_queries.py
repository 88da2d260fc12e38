"""The renewal pages cost the same queries with 1 renewal or training as with many."""

import pytest
from django.urls import reverse

from endorsement.enums import RenewalState
from endorsement.models import Renewal
from tests.billing.conftest import schedule_for
from tests.factories import UserFactory
from tests.portfolios.renewal_helpers import (
    due_endorsement,
    opened,
    renewal_category,
    rsc_entry,
    training,
)

pytestmark = pytest.mark.django_db

# Session, user, roles; then each page's own reads.
QUERIES = {
    # The endorsement with its association's renewal policy, its category's requirements; this
    # year's renewal; the fees (billing: the invoices, the schedule in force); the history; the
    # trainings with their competency items, the RS/C; the membership; the Code of Ethics.
    "holder": 3 + 12,
    # The association (the coordinator's gate, 1 more); the association's renewals.
    "list": 3 + 2,
    # The renewal with its endorsement; the trainings with their competency items, the RS/C;
    # the requirements; the membership; the fee line (schedule, invoices); the history; and the
    # association page's coordinator gate.
    "review": 3 + 11,
}


def world(association, size: int) -> Renewal:
    category = renewal_category(association)
    schedule_for(association)
    renewal = None
    for index in range(size):
        holder = UserFactory(email=f"holder{index}@example.org", full_name=f"Holder {index}")
        renewal = opened(due_endorsement(association, category, holder=holder))
        for number in range(size):
            training(renewal, hours="1", title=f"Course {number}")
            rsc_entry(renewal, hours="1")
        Renewal.objects.filter(pk=renewal.pk).update(state=RenewalState.SUBMITTED)
    return renewal


def page_url(page: str, renewal: Renewal, association) -> str:
    if page == "holder":
        return reverse("portfolios:renewal", kwargs={"endorsement_id": renewal.endorsement_id})
    if page == "list":
        return reverse("portfolios:renewals", kwargs={"slug": association.slug})
    return reverse("portfolios:renewal.review", kwargs={"pk": renewal.pk})


@pytest.mark.parametrize("size", [1, 6])
@pytest.mark.parametrize("page", ["holder", "list", "review"])
def test_the_query_count_does_not_grow(
    client, association, coordinator, django_assert_num_queries, page, size
):
    renewal = world(association, size)
    client.force_login(renewal.endorsement.holder if page == "holder" else coordinator)
    url = page_url(page, renewal, association)
    client.get(url)  # the fees are invoiced on the first visit
    with django_assert_num_queries(QUERIES[page]):
        assert client.get(url).status_code == 200
