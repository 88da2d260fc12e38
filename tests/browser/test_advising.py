"""The advisor's part in Chromium (issue 4, item 2): the applicant asks for an advisor, the
coordinator assigns one, the advisor comments on an evidence item, the applicant replies, the
advisor resolves the thread; the unresolved counts follow on both sides. axe-core checks every
page at desktop and phone width."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from accounts.enums import Role
from reviews.models import Comment
from tests.browser.helpers import DESKTOP, TIMEOUT_MS, assert_page, current_totp_code, log_in
from tests.factories import DEFAULT_PASSWORD, RoleGrantFactory
from tests.portfolios.check_helpers import accepted_application, add_education, load_category

pytestmark = pytest.mark.browser

IFS = "Infant Family Specialist"


def staff_member(association, role, email, name) -> tuple[str, str]:
    grant = RoleGrantFactory(
        association=association, role=role, user__email=email, user__full_name=name
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    return email, secret


def staff_page(browser, live_server, email, secret, dashboard: str):
    """Another person at another computer logs in with the authenticator app's code."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    log_in(page, email, DEFAULT_PASSWORD)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(current_totp_code(secret))
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{dashboard}")
    return page


def test_advisor_comments_applicant_replies_advisor_resolves(
    page, browser, live_server, association
):
    portfolio = accepted_application(load_category(association, "IFS"))
    education = add_education(portfolio, "bachelor", credential="BA in Child Development")
    item = str(education)
    coordinator = staff_member(association, Role.COORDINATOR, "casey@example.org", "Casey Coord")
    advisor = staff_member(association, Role.ADVISOR, "avery@example.org", "Avery Advisor")
    summary_url = f"/portfolio/{portfolio.pk}/"
    education_url = f"/portfolio/{portfolio.pk}/education/"

    # The applicant asks for an advisor from the summary.
    log_in(page, portfolio.applicant.email, DEFAULT_PASSWORD)
    page.goto(summary_url)
    assert_page(page, f"Your portfolio: {IFS}")
    expect(page.locator("#advising-header")).to_contain_text("You have no advisor yet.")
    page.get_by_role("button", name="Ask for an advisor").click()
    expect(page.get_by_role("status").first).to_contain_text("You asked for an advisor.")
    expect(page.locator("#advisor-requested")).to_contain_text("the coordinator will assign one")
    assert_page(page, f"Your portfolio: {IFS}")

    # The coordinator sees the request and assigns Avery.
    staff = staff_page(browser, live_server, *coordinator, "/a/northfield/dashboard/coordinator/")
    requests = staff.locator(".advisor-requests")
    expect(requests).to_contain_text("Ana Applicant (IFS), asked on")
    assert_page(staff, "Coordinator dashboard")
    requests.get_by_role("link", name="Assign an advisor to Ana Applicant").click()
    assert_page(staff, "Assign an advisor to Ana Applicant (IFS)")
    expect(staff.locator("#advisor-requested")).to_contain_text("Ana Applicant asked on")
    staff.get_by_label("Advisor").select_option(label="Avery Advisor (avery@example.org)")
    staff.get_by_role("button", name="Assign this advisor").click()
    staff.wait_for_url("**/a/northfield/dashboard/coordinator/")
    expect(staff.get_by_role("status").first).to_have_text(
        "Avery Advisor is now the advisor of Ana Applicant."
    )
    expect(staff.locator("main")).to_contain_text("Nobody is waiting for an advisor.")
    assert_page(staff, "Coordinator dashboard")
    staff.context.close()

    # The advisor opens the advisee's portfolio and comments on the degree.
    adv = staff_page(browser, live_server, *advisor, "/a/northfield/dashboard/advisor/")
    assert_page(adv, "Advisor dashboard")
    row = adv.locator(f"#advisee-{portfolio.pk}")
    expect(row.locator(".unresolved")).to_have_text("0")
    row.get_by_role("link", name=re.compile("Ana Applicant")).click()
    adv.wait_for_url(f"**{summary_url}")
    assert_page(adv, f"Portfolio of Ana Applicant: {IFS}")
    adv.get_by_role("navigation", name="Portfolio sections").get_by_role(
        "link", name="Education"
    ).click()
    assert_page(adv, "Education")
    adv.get_by_role("link", name="Comment on BA in Child Development").click()
    assert_page(adv, f"Comment on “{item}”")
    adv.get_by_label("Your comment").fill("Please upload the transcript of this degree.")
    adv.get_by_role("button", name="Add comment").click()
    adv.wait_for_url(f"**{education_url}#comment-*")
    thread = adv.get_by_role("article", name=re.compile(re.escape(item)))
    expect(thread).to_contain_text("Please upload the transcript of this degree.")
    expect(adv.locator("#unresolved-count")).to_have_text("1 unresolved comment")
    assert_page(adv, "Education")

    # The applicant sees the count and replies in the panel.
    page.goto(education_url)
    expect(page.locator("#unresolved-count")).to_have_text("1 unresolved comment")
    expect(page.locator(".portfolio-sections .unresolved-badge")).to_have_text(
        "1 unresolved comment"
    )
    assert_page(page, "Education")
    thread = page.get_by_role("article", name=re.compile(re.escape(item)))
    thread.get_by_label("Reply").fill("Uploaded it today.")
    thread.get_by_role("button", name="Send reply").click()
    expect(page.locator("#comments")).to_contain_text("Reply added.")
    expect(page.locator(".comment-reply")).to_contain_text("Uploaded it today.")
    assert Comment.objects.filter(parent__isnull=False).count() == 1
    assert_page(page, "Education")

    # The advisor reads the reply and resolves the thread: both counts drop to 0.
    adv.goto(education_url)
    thread = adv.get_by_role("article", name=re.compile(re.escape(item)))
    expect(thread.locator(".comment-reply")).to_contain_text("Uploaded it today.")
    thread.get_by_role("button", name="Mark resolved this comment").click()
    expect(adv.locator("#comments")).to_contain_text("Comment resolved.")
    expect(adv.locator("#unresolved-count")).to_have_text("0 unresolved comments")
    expect(adv.locator(".comment-thread .badge")).to_have_text("Resolved")
    assert_page(adv, "Education")
    adv.goto("/a/northfield/dashboard/advisor/")
    expect(adv.locator(f"#advisee-{portfolio.pk} .unresolved")).to_have_text("0")
    assert_page(adv, "Advisor dashboard")
    adv.context.close()

    page.goto(education_url)
    expect(page.locator("#unresolved-count")).to_have_text("0 unresolved comments")
    expect(page.locator(".portfolio-sections .unresolved-badge")).to_have_count(0)
    assert_page(page, "Education")
