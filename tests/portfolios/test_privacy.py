"""Every portfolio URL, tried by everyone who must not reach it, on a portfolio still open to
its owner's edits.

The access walk (tests/test_access_walk.py) tries every URL of the portal on a portfolio in the
exam, whose forms are closed to their owner too; here the same world (tests/access_world.py)
has its registration returned to the owner, so every form of the portfolio is open and a POST
let through by mistake would save: the refusals of the walk's ``PAGES`` must hold there as well.
"""

import pytest

from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from tests.access_world import ANONYMOUS, fingerprint, fingerprint_sql
from tests.test_access_walk import PAGES, answer, expected, log_in, portal_patterns, post_data
from tests.test_access_walk import walked_urls as all_walked_urls

pytestmark = pytest.mark.django_db

# One of each kind of person the portfolio is not for (the walk sends them all): its readers
# (on the pages only its owner may reach), the association's staff without the assignment,
# another applicant, the other association's staff, the platform admin, anonymous visitors.
TRIED = (
    "advisor",
    "reviewer",
    "coordinator",
    "unassigned advisor",
    "unassigned reviewer",
    "unassigned grader",
    "association admin",
    "another applicant",
    "coordinator of another association",
    "platform admin",
    ANONYMOUS,
)


def portfolio_urls(objects) -> list[tuple[str, str]]:
    """(name, address) of every portfolios URL about one application (not the start pages, an
    endorsement's renewal or add-ons, the rater's token link)."""
    names = {
        name
        for name, params in portal_patterns()
        if name.startswith("portfolios:") and "application_id" in params
    }
    return [(name, url) for name, url in all_walked_urls(objects) if name in names]


def test_everyone_else_is_refused_on_a_portfolio_open_to_edits(client, access_world):
    people, objects = access_world
    application = objects["application"]
    Application.objects.filter(pk=application.pk).update(state=S.RETURNED)
    urls = portfolio_urls(objects)
    data = post_data(people, objects)
    sql = fingerprint_sql()
    before = fingerprint(sql)
    # Open: its owner may edit the registration and every section.
    log_in(client, people, "owner")
    edits = [url for name, url in urls if name.endswith((".edit", ".add", ".import"))]
    assert [answer(client, "get", url, {})[0] for url in edits] == [200] * len(edits)
    answers, wanted = {}, {}
    for who in TRIED:
        log_in(client, people, who)
        for name, url in urls:
            if who in PAGES[name].may:
                continue
            for method in ("get", "post"):
                answers[who, method, name] = answer(client, method, url, data)[0]
                wanted[who, method, name] = expected(name, who, method)
    assert len(urls) >= 40
    assert len(edits) >= 10
    assert answers == wanted
    assert fingerprint(sql) == before
