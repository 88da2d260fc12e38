"""The summary page and every section page cost the same SQL queries with 2 evidence items in
each section as with 40 in each (200 in all)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role
from tests.portfolios.check_helpers import (
    accepted_application,
    fill_portfolio,
    load_category,
    publish_agreements,
    sign,
)

PAGES = [
    "portfolios:summary",
    "portfolios:education.list",
    "portfolios:work.list",
    "portfolios:training.list",
    "portfolios:rsc.list",
    "portfolios:references.list",
    "portfolios:agreements",
]


@pytest.fixture
def portfolios(association):
    category = load_category(association, "IFS")
    texts = publish_agreements(association)
    small = accepted_application(category)
    large = accepted_application(category)
    fill_portfolio(small, 10)  # 2 in each section
    fill_portfolio(large, 200)  # 40 in each section
    for application in (small, large):
        sign(application, texts[0])
    return small, large


def count(client, url_name, application) -> int:
    url = reverse(url_name, kwargs={"application_id": application.pk})
    client.get(url)  # sessions, caches and the like settle first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url_name, response.status_code)
    return len(queries)


@pytest.mark.parametrize("url_name", PAGES)
def test_applicant_page_queries_do_not_grow(client, portfolios, url_name):
    small, large = portfolios
    client.force_login(small.applicant)
    small_count = count(client, url_name, small)
    client.force_login(large.applicant)
    assert count(client, url_name, large) == small_count


@pytest.mark.parametrize("url_name", PAGES)
def test_coordinator_page_queries_do_not_grow(
    client, make_staff, association, portfolios, url_name
):
    small, large = portfolios
    client.force_login(make_staff(Role.COORDINATOR, association))
    assert count(client, url_name, large) == count(client, url_name, small)


def test_summary_page_stays_within_the_query_budget_of_15(client, portfolios):
    _small, large = portfolios
    client.force_login(large.applicant)
    assert count(client, "portfolios:summary", large) <= 15
