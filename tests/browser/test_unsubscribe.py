"""The unsubscribe link of a non-essential e-mail, opened without logging in, in Chromium at
1280 and 390 px: one h1 and nothing for axe to find on the page, its confirmation, the page
after switching back on, and the page of a forged link; then the profile page's choices."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.enums import CommentEmails
from accounts.models import EmailOptOut
from notifications.unsubscribe import token_for
from tests.browser.helpers import assert_page, log_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def test_a_rater_unsubscribes_and_switches_back_on(page, db):
    page.goto(reverse("notifications:unsubscribe", kwargs={"token": token_for("rita@example.org")}))
    assert_page(page, "Unsubscribe from reminders and comment notifications")
    expect(page.locator("#unsubscribe-state")).to_contain_text("rita@example.org will stop")
    page.get_by_role("button", name="Unsubscribe").click()
    assert_page(page, "You have unsubscribed")
    assert list(EmailOptOut.objects.values_list("email", flat=True)) == ["rita@example.org"]
    page.get_by_role("button", name="Receive them again").click()
    assert_page(page, "Unsubscribe from reminders and comment notifications")
    expect(page.locator("#unsubscribe-state")).to_contain_text("again")
    assert EmailOptOut.objects.count() == 0

    page.goto(reverse("notifications:unsubscribe", kwargs={"token": "forged"}))
    assert_page(page, "This link is not valid")


def test_the_profile_page_sets_the_e_mail_choices(page, db):
    person = UserFactory(email="ana@example.org", full_name="Ana Applicant")
    log_in(page, person.email, DEFAULT_PASSWORD)
    page.goto(reverse("accounts:profile"))
    assert_page(page, "Profile")
    page.get_by_label("Once a day at most").check()
    page.get_by_label("Send me reminders and comment notifications").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Your profile is saved.")
    person.refresh_from_db()
    assert person.comment_emails == CommentEmails.DAILY
    assert list(EmailOptOut.objects.values_list("email", flat=True)) == ["ana@example.org"]
