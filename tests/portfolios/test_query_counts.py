"""The summary page and every section page cost the same SQL queries with 2 evidence items in
each section as with 40 in each (200 in all)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role
from accounts.signed_in_pages import signed_in_pages_forget
from endorsement.enums import ApplicationState as S
from endorsement.services import application_transition
from portfolios.models import Training
from portfolios.selectors import evidence_history
from portfolios.services import evidence_save
from reviews.services.advising import advisor_assign, comment_add, comment_reply
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
    # What rendering costs, not the cached copy (accounts.signed_in_pages).
    signed_in_pages_forget()
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


def test_summary_with_comments_after_a_deferral_stays_within_the_query_budget_of_15(
    client, portfolios, make_staff, association, only_the_workflow
):
    """The advisor's comment threads and the evidence history (changes after the first
    submission) are on the page too once the portfolio was deferred."""
    _small, large = portfolios
    coordinator = make_staff(Role.COORDINATOR, association)
    advisor = make_staff(Role.ADVISOR, association)
    large = advisor_assign(application=large, advisor=advisor, by=coordinator)
    for section in ("general", "training", "work"):
        thread = comment_add(application=large, by=advisor, section=section, body="Add dates.")
        comment_reply(parent=thread, by=large.applicant, body="Done.")
    for action in ("submit", "start_review", "defer"):
        large = application_transition(
            application=large, action=action, by=None, note="Add the RS/C log."
        )
    assert large.state == S.DEFERRED
    training = Training.objects.filter(application=large).first()
    training.title = "Attachment, revised"
    evidence_save(application=large, instance=training, by=large.applicant)
    client.force_login(large.applicant)
    assert count(client, "portfolios:summary", large) <= 15
    signed_in_pages_forget()  # rendered again, for its context
    page = client.get(reverse("portfolios:summary", kwargs={"application_id": large.pk}))
    assert [row.item for row in page.context["history"]] == ["Attachment, revised"]
    assert page.content.decode().count("Add dates.") == 1  # the general thread, on the summary


def test_no_history_query_before_the_first_submission(portfolios, django_assert_num_queries):
    small, _large = portfolios
    with django_assert_num_queries(0):
        assert evidence_history(application=small) == []
