"""The coordinator's "needs you now" list in the browser: what waits, most pressing first, each
row one click from its action; axe-core at desktop and phone width."""

import datetime
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from tests.browser.helpers import assert_page, current_totp_code, log_in
from tests.factories import (
    DEFAULT_PASSWORD,
    ApplicationFactory,
    EndorsementCategoryFactory,
    ReviewAssignmentFactory,
    RoleGrantFactory,
)

pytestmark = pytest.mark.browser


def test_the_coordinator_goes_from_the_list_to_the_award(page, association):
    ifs = EndorsementCategoryFactory(
        framework__association=association, code="IFS", name="Infant Family Specialist"
    )
    ApplicationFactory(category=ifs, state=S.REGISTERED, applicant__full_name="Rae Registered")
    approved = ApplicationFactory(category=ifs, state=S.APPROVED, applicant__full_name="Paul Plain")
    in_review = ApplicationFactory(
        category=ifs, state=S.IN_REVIEW, applicant__full_name="Olive Overdue"
    )
    rita = RoleGrantFactory(
        association=association, role=Role.REVIEWER, user__full_name="Rita Reviewer"
    ).user
    ReviewAssignmentFactory(
        application=in_review,
        reviewer=rita,
        due_on=association.today() - datetime.timedelta(days=4),
    )
    grant = RoleGrantFactory(
        association=association, role=Role.COORDINATOR, user__email="casey@example.org"
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)

    log_in(page, "casey@example.org", DEFAULT_PASSWORD)
    page.get_by_label("Code").fill(current_totp_code(secret))
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/a/northfield/dashboard/coordinator/$"))
    tasks = page.locator("ul.needs-you li")
    expect(tasks).to_have_text(
        [
            "Accept or return the registration of Rae Registered (IFS)",
            "Award the endorsement to Paul Plain (IFS)",
            re.compile(r"Review of Olive Overdue \(IFS\) by Rita Reviewer\s+4 days overdue"),
        ]
    )
    assert_page(page, "Coordinator dashboard")

    page.get_by_role("link", name="Award the endorsement to Paul Plain (IFS)").click()
    page.wait_for_url(f"**/coordinator/applications/{approved.pk}/award/")
    assert_page(page, "Award IFS to Paul Plain?")
