"""People: the association admin invites a reviewer by e-mail; the reviewer opens the link,
chooses a password, sets up an authenticator app and lands on the reviewer dashboard; later
they log in with their password and a code. Every page passes axe-core at both widths."""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from playwright.sync_api import expect

from accounts.enums import Role, StaffChangeAction
from accounts.models import RoleGrant, StaffChange, User
from tests.browser.helpers import (
    assert_page,
    current_totp_code,
    field,
    log_in,
    new_page,
)
from tests.factories import DEFAULT_PASSWORD, RoleGrantFactory

pytestmark = pytest.mark.browser

PASSWORD = "Heron-Lantern-Quiet-73"


def next_totp_code(secret: str) -> str:
    """A code of the next period: a code is accepted only once."""
    period = mfa_settings.TOTP_PERIOD
    time.sleep(period - time.time() % period + 0.2)
    return current_totp_code(secret)


def test_admin_invites_a_reviewer_who_joins_and_logs_in_with_mfa(
    page, browser, live_server, association
):
    admin = RoleGrantFactory(
        association=association,
        role=Role.ASSOCIATION_ADMIN,
        user__email="admin@example.org",
        user__full_name="Alex Admin",
    ).user
    admin_secret = generate_totp_secret()
    TOTP.activate(admin, admin_secret)

    # The admin logs in with their code and opens People from their dashboard.
    log_in(page, "admin@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/2fa/authenticate/")
    page.get_by_label("Code").fill(current_totp_code(admin_secret))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/a/northfield/dashboard/association_admin/")
    assert_page(page, "Association admin dashboard")
    page.get_by_role("link", name="Manage people").click()
    page.wait_for_url("**/a/northfield/people/")
    assert_page(page, "People")

    page.get_by_role("link", name="Invite someone").click()
    page.wait_for_url("**/a/northfield/people/invite/")
    assert_page(page, "Invite someone")
    field(page, "E-mail address").fill("not an address")
    page.get_by_role("button", name="Send the invitation").click()
    assert_page(page, "Invite someone")
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_text("Choose at least one role.")).to_be_visible()

    field(page, "E-mail address").fill("casey@example.org")
    field(page, "Full name").fill("Casey Reviewer")
    page.get_by_label("Reviewer", exact=True).check()
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url("**/a/northfield/people/")
    expect(page.get_by_role("status").first).to_contain_text(
        "Invitation sent to casey@example.org."
    )
    assert_page(page, "People")
    invitations = page.get_by_role("table", name="Invitations waiting")
    expect(invitations).to_contain_text("casey@example.org")
    expect(invitations).to_contain_text("Reviewer")

    [message] = [m for m in mail.outbox if m.to == ["casey@example.org"]]
    assert message.subject == f"Join {association.name} on the endorsement portal"
    [link] = re.findall(r"https?://[^/\s]+(/people/join/[A-Za-z0-9_-]{43}/)", message.body)

    # The reviewer, at another computer, opens the link and chooses a password.
    reviewer_page = new_page(browser, live_server)
    reviewer_page.goto(link)
    assert_page(reviewer_page, "Choose your password")
    expect(field(reviewer_page, "Full name")).to_have_value("Casey Reviewer")
    field(reviewer_page, "New password").fill(PASSWORD)
    field(reviewer_page, "New password confirmation").fill(PASSWORD)
    reviewer_page.get_by_role("button", name="Save my password").click()

    # Logged in, the portal sends them to set up an authenticator app before anything else.
    reviewer_page.wait_for_url("**/accounts/2fa/totp/activate/**")
    assert_page(reviewer_page, "Activate Authenticator App")
    secret = reviewer_page.get_by_label("Authenticator secret").input_value()
    reviewer_page.get_by_label("Authenticator code").fill(current_totp_code(secret))
    reviewer_page.get_by_role("button", name="Activate").click()
    reviewer_page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert_page(reviewer_page, "Recovery Codes")
    reviewer_page.get_by_role("link", name="Continue to your dashboard").click()
    reviewer_page.wait_for_url(f"{live_server.url}/a/northfield/dashboard/reviewer/")
    assert_page(reviewer_page, "Reviewer dashboard")

    casey = User.objects.get(email="casey@example.org")
    assert casey.full_name == "Casey Reviewer"
    assert list(RoleGrant.objects.filter(user=casey).values_list("role", flat=True)) == ["reviewer"]
    assert Authenticator.objects.filter(user=casey, type=Authenticator.Type.TOTP).count() == 1

    # The link worked once.
    reviewer_page.goto(link)
    assert_page(reviewer_page, "This link has already been used")

    # Later: password, then a code from the app.
    reviewer_page.get_by_role("navigation", name="Main").get_by_role(
        "button", name="Log out"
    ).click()
    reviewer_page.wait_for_url(f"{live_server.url}/")
    log_in(reviewer_page, "casey@example.org", PASSWORD)
    reviewer_page.wait_for_url("**/2fa/authenticate/")
    reviewer_page.get_by_label("Code").fill(next_totp_code(secret))
    reviewer_page.get_by_role("button", name="Log in").click()
    reviewer_page.wait_for_url(f"{live_server.url}/a/northfield/dashboard/reviewer/")
    assert_page(reviewer_page, "Reviewer dashboard")
    reviewer_page.context.close()

    # The admin sees Casey active, and the log says who did what.
    page.reload()
    staff = page.get_by_role("table", name="Staff")
    expect(staff.get_by_role("row").filter(has_text="casey@example.org")).to_contain_text("Active")
    assert [(c.action, c.email) for c in StaffChange.objects.order_by("id")] == [
        (StaffChangeAction.INVITED, "casey@example.org"),
        (StaffChangeAction.INVITATION_ACCEPTED, "casey@example.org"),
    ]
    changes = page.get_by_role("table", name="Latest changes")
    expect(changes.get_by_role("row").nth(1)).to_contain_text("Invitation accepted")
    expect(changes.get_by_role("row").nth(2)).to_contain_text("Alex Admin")

    # The admin opens Casey's page: makes them an exam grader instead (asked first), then
    # deactivates them (asked first too).
    page.get_by_role("link", name="Casey Reviewer").click()
    assert_page(page, "Casey Reviewer")
    page.get_by_label("Reviewer", exact=True).uncheck()
    page.get_by_label("Exam grader", exact=True).check()
    page.get_by_role("button", name="Save the roles").click()
    assert_page(page, "Take roles away?")
    expect(page.locator("main")).to_contain_text("Casey Reviewer will no longer be: Reviewer.")
    expect(page.locator("main")).to_contain_text("They will also be given: Exam grader.")
    page.get_by_role("button", name="Yes, take them away").click()
    assert_page(page, "Casey Reviewer")
    expect(page.get_by_role("status").first).to_contain_text(
        "The roles of Casey Reviewer are saved."
    )
    assert list(RoleGrant.objects.filter(user=casey).values_list("role", flat=True)) == [
        "exam_grader"
    ]
    page.get_by_role("link", name="Deactivate…").click()
    assert_page(page, "Deactivate?")
    page.get_by_role("button", name="Yes, deactivate").click()
    assert_page(page, "Casey Reviewer")
    expect(page.get_by_role("status").first).to_contain_text("Casey Reviewer is deactivated")
    assert not RoleGrant.objects.filter(user=casey).exists()

    page.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Every change").click()
    assert_page(page, "Changes to the staff")
    rows = page.get_by_role("table", name="Changes to the staff").get_by_role("row")
    expect(rows).to_have_count(6)  # the header and five changes, newest first
    expect(rows.nth(1)).to_contain_text("Deactivated")
