"""Data rights in the browser: the applicant downloads their data from their dashboard; the
association admin erases an applicant from theirs. Every page passes axe-core at both widths."""

import io
import zipfile

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from accounts.enums import Role
from tests.browser.helpers import assert_page, current_totp_code, log_in, new_page
from tests.factories import DEFAULT_PASSWORD, RoleGrantFactory, UserFactory
from tests.rights.conftest import build_portfolio, private_storage  # noqa: F401

pytestmark = pytest.mark.browser


def test_the_applicant_downloads_and_the_admin_erases(
    page, browser, live_server, association, category
):
    ana = UserFactory(email="ana@example.org", full_name="Ana Applicant")
    build_portfolio(applicant=ana, category=category, marker="ANA")

    log_in(page, "ana@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/**")
    page.get_by_role("link", name="Download my data: your portfolio").click()
    page.wait_for_url("**/my-data/")
    assert_page(page, "Download my data")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data (zip)").click()
    with open(download.value.path(), "rb") as file:
        archive = zipfile.ZipFile(io.BytesIO(file.read()))
    assert "README.txt" in archive.namelist()

    admin = RoleGrantFactory(
        association=association,
        role=Role.ASSOCIATION_ADMIN,
        user__email="admin@example.org",
        user__full_name="Alex Admin",
    ).user
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)
    staff = new_page(browser, live_server)
    log_in(staff, "admin@example.org", DEFAULT_PASSWORD)
    staff.wait_for_url("**/2fa/authenticate/")
    staff.get_by_label("Code").fill(current_totp_code(secret))
    staff.get_by_role("button", name="Log in").click()
    staff.wait_for_url("**/a/northfield/dashboard/association_admin/")
    staff.locator("#erasure-link").click()
    staff.wait_for_url("**/a/northfield/erasure/")
    assert_page(staff, "Erase an applicant's data")
    staff.get_by_role("link", name="Erase Ana Applicant…").click()
    assert_page(staff, "Erase this applicant's data?")
    staff.get_by_role("button", name="Yes, erase their data").click()
    staff.wait_for_url("**/a/northfield/erasure/")
    expect(staff.get_by_role("status").first).to_contain_text("Ana Applicant is erased")
    assert_page(staff, "Erase an applicant's data")
    expect(staff.locator(f"#applicant-{ana.pk}")).to_contain_text("Erased")
