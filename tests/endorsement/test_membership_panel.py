"""The applicant's membership on the coordinator's application page, read with the application
(the page's query count does not change: ``test_detail_view.QUERIES_DETAIL``)."""

import datetime

import pytest

from accounts.enums import MembershipStatus
from accounts.models import membership_end
from tests.factories import ApplicationFactory, MembershipFactory

TODAY = datetime.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("accounts.models.Association.today", lambda self: TODAY)


@pytest.mark.parametrize(
    ("joined", "status", "badge", "sentence"),
    [
        (datetime.date(2026, 10, 1), MembershipStatus.ACTIVE, "Current", "A member until"),
        (
            datetime.date(2026, 1, 5),
            MembershipStatus.ACTIVE,
            "Expires within 30 days",
            "A member until",
        ),
        (datetime.date(2025, 1, 5), MembershipStatus.ACTIVE, "Expired", "The membership ended on"),
        (
            datetime.date(2026, 12, 1),
            MembershipStatus.PENDING,
            "Pending payment",
            "waits for its payment",
        ),
        (None, None, "Not a member", "No membership on record."),
    ],
)
def test_application_page_shows_the_membership(
    client, coordinator, category, applicant, joined, status, badge, sentence
):
    application = ApplicationFactory(category=category, applicant=applicant, state="accepted")
    if joined:
        MembershipFactory(
            association=category.framework.association,
            user=applicant,
            start=joined,
            end=membership_end(joined),
            status=status,
        )
    # Someone else's membership and the applicant's membership elsewhere do not count.
    MembershipFactory(association=category.framework.association)
    client.force_login(coordinator)
    response = client.get(f"/coordinator/applications/{application.pk}/")
    html = response.content.decode()
    panel = html[html.index('id="application-membership"') :]
    panel = panel[: panel.index("</section>")]
    assert badge in panel
    assert sentence in panel
    assert 'href="/a/northfield/members/"' in panel
