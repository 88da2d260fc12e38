"""Reports: the coordinator opens the reports from the dashboard, reads two of them (a chart
beside its table on a desktop, above it on a phone), filters one by year and downloads its CSV.
Each page passes axe-core at 1280 and 390 px and never scrolls sideways on the phone."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from accounts.enums import Role
from billing.enums import FeeType, PaymentKind, PaymentMethod
from tests.browser.helpers import DESKTOP, PHONE, assert_page, current_totp_code, log_in
from tests.factories import DEFAULT_PASSWORD, ApplicationFactory, RoleGrantFactory, UserFactory
from tests.reports.conftest import at, money_row

pytestmark = pytest.mark.browser


def _fits_the_phone(page) -> None:
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at {PHONE['width']} px"


def test_the_coordinator_reads_the_reports(page, live_server, association, category):
    coordinator = RoleGrantFactory(
        association=association, role=Role.COORDINATOR, user__email="casey@example.org"
    ).user
    secret = generate_totp_secret()
    TOTP.activate(coordinator, secret)
    for _ in range(3):
        ApplicationFactory(association=association, category=category)
    year = association.today().year
    money_row(
        association,
        UserFactory(),
        fee_type=FeeType.PROCESSING,
        kind=PaymentKind.PAYMENT,
        method=PaymentMethod.CHEQUE,
        amount="100.00",
        moment=at(year, 1, 15, 12),
    )

    log_in(page, "casey@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/2fa/authenticate/")
    page.get_by_label("Code").fill(current_totp_code(secret))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/a/northfield/dashboard/coordinator/")
    page.locator("#reports-link").click()
    page.wait_for_url("**/a/northfield/reports/")
    assert_page(page, "Reports")

    page.get_by_role("link", name="Applications by state and category").click()
    page.wait_for_url("**/a/northfield/reports/applications/")
    assert_page(page, "Applications by state and category")
    chart = page.get_by_role("img", name="Applications by state and category")
    table = page.get_by_role("table", name="Applications by state and category")
    expect(table.get_by_role("row", name="Registered 3 3")).to_be_visible()
    # Beside each other on a desktop, the chart above the table on a phone.
    page.set_viewport_size(DESKTOP)
    left, right = chart.bounding_box(), table.bounding_box()
    assert left["x"] + left["width"] <= right["x"]
    _fits_the_phone(page)
    above, below = chart.bounding_box(), table.bounding_box()
    assert above["y"] + above["height"] <= below["y"]
    page.set_viewport_size(DESKTOP)

    page.get_by_role("link", name="Reports").first.click()
    page.get_by_role("link", name="Revenue by fee and month").click()
    page.wait_for_url("**/a/northfield/reports/revenue/")
    assert_page(page, "Revenue by fee and month")
    expect(page.locator("#report-summary")).to_have_text(
        f"Received in {year}, less refunds: 100.00 USD."
    )
    page.get_by_label("Year").select_option(str(year - 1))
    page.get_by_role("button", name="Show the report").click()
    page.wait_for_url(f"**/reports/revenue/?year={year - 1}#report-heading")
    expect(page.get_by_text("Nothing to report yet.")).to_be_visible()
    page.go_back()
    with page.expect_download() as download:
        page.locator("#report-csv").click()
    assert download.value.suggested_filename == f"revenue-northfield-{year}.csv"
    _fits_the_phone(page)
