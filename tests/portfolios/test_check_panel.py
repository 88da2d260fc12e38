"""The check panel under every section page: that section's items, computed once per request."""

import re
from html import unescape

import pytest
from django.urls import reverse

import portfolios.permissions
from tests.portfolios.check_helpers import accepted_application, add_training, load_category

PANELS = [
    (
        "portfolios:education.list",
        "Requirements for Education",
        ["Education: no degree is required."],
    ),
    (
        "portfolios:work.list",
        "Requirements for Work experience",
        ["Work experience: 0 of 2 years of paid work with infants/toddlers and families."],
    ),
    ("portfolios:training.list", "Requirements for Training", ["Training: 7 of 30 hours"]),
    (
        "portfolios:rsc.list",
        "Requirements for Reflective supervision/consultation",
        ["RS/C: 0 of 24 hours within 24 months"],
    ),
    (
        "portfolios:references.list",
        "Requirements for References",
        [
            "Current supervisor: nobody asked yet.",
            "RS/C provider: nobody asked yet.",
            "Anyone who knows your work: nobody asked yet.",
        ],
    ),
    (
        "portfolios:agreements",
        "Requirements for Agreements",
        [
            "Code of Ethics: Northfield Association for Infant Mental Health has not published "
            "it yet. Please contact them.",
            "Endorsement Agreement: Northfield Association for Infant Mental Health has not "
            "published it yet. Please contact them.",
        ],
    ),
]


@pytest.fixture
def portfolio(association):
    application = accepted_application(load_category(association, "IFS"))
    add_training(application, 7)
    return application


def panel(html: str) -> tuple[str, list[str]]:
    start = html.index('id="check-heading"')
    block = html[start : html.index("</section>", start)]
    heading = unescape(re.search(r">(.*?)</h2>", block)[1])
    details = [unescape(d) for d in re.findall(r'<span class="check-detail">([^<]*)</span>', block)]
    return heading, details


@pytest.mark.parametrize(("url_name", "heading", "details"), PANELS)
def test_section_page_shows_its_check(client, portfolio, monkeypatch, url_name, heading, details):
    calls = []
    real = portfolios.permissions.requirement_check

    def counting(**kwargs):
        calls.append(kwargs["sections"])
        return real(**kwargs)

    monkeypatch.setattr(portfolios.permissions, "requirement_check", counting)
    client.force_login(portfolio.applicant)
    response = client.get(reverse(url_name, kwargs={"application_id": portfolio.pk}))
    assert response.status_code == 200
    assert panel(response.content.decode()) == (heading, details)
    assert len(calls) == 1
    html = response.content.decode()
    assert f'href="/portfolio/{portfolio.pk}/">See the whole checklist</a>' in html


def test_summary_page_has_no_separate_panel(client, portfolio):
    client.force_login(portfolio.applicant)
    html = client.get(reverse("portfolios:summary", kwargs={"application_id": portfolio.pk}))
    assert 'id="check-heading"' not in html.content.decode()
