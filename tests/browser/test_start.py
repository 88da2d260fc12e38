"""The start of the journey in the browser: eligibility check, registration, the coordinator's
return and acceptance, the correction, and signing the agreements. axe on every page."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from portfolios.models import Signature
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    assert_page,
    current_totp_code,
    log_in,
)
from tests.factories import DEFAULT_PASSWORD, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.browser


def coordinator_logs_in(page, email: str, secret: str) -> None:
    log_in(page, email, DEFAULT_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.get_by_label("Code").fill(current_totp_code(secret))
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/a/northfield/dashboard/coordinator/$"))
    assert_page(page, "Coordinator dashboard")


def test_register_be_returned_correct_be_accepted_and_sign(page, browser, live_server, association):
    call_command("load_framework", "--association", association.slug, verbosity=0)
    call_command("load_agreements", "--association", association.slug, verbosity=0)
    UserFactory(email="ana@example.org", full_name="Ana López")
    coordinator = RoleGrantFactory(
        association=association, role=Role.COORDINATOR, user__email="casey@example.org"
    ).user
    secret = generate_totp_secret()
    TOTP.activate(coordinator, secret)

    # The applicant checks which category fits and registers.
    log_in(page, "ana@example.org", DEFAULT_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/applicant/$"))
    assert_page(page, "Welcome, Ana")
    page.get_by_role("link", name="Start an application").click()
    assert_page(page, "Start an application")
    page.locator("main").get_by_role(
        "link", name="Northfield Association for Infant Mental Health"
    ).click()
    expect(page).to_have_url(re.compile(r"/portfolio/start/northfield/$"))
    assert_page(page, "Which category fits you?")
    page.get_by_label("Your highest education").select_option("bachelor")
    page.get_by_label("Years of paid work with infants or young children").fill("3")
    page.get_by_label("Hours of specialized in-service training so far").fill("24")
    page.get_by_label("Hours of reflective supervision/consultation (RS/C) received").fill("30")
    page.get_by_role("button", name="Show the categories that fit").click()
    expect(page.locator("#results")).to_contain_text("You need 6 more hours of training.")
    # What does not fit yet is folded; the fold opens from the keyboard, with the reasons.
    fold = page.locator("details.eligibility-fold")
    expect(fold.locator("summary")).to_have_text(
        re.compile(r"^Categories that do not fit yet \(\d+\)$")
    )
    expect(fold.get_by_text("You need this education: Master").first).to_be_hidden()
    assert_page(page, "Which category fits you?")
    fold.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(fold).to_have_attribute("open", "")
    expect(fold.get_by_text("You need this education: Master").first).to_be_visible()
    assert_page(page, "Which category fits you?")
    page.get_by_role("link", name="Register for IFS").click()
    assert_page(page, "Register for Infant Family Specialist (IFS)")
    expect(page.get_by_label("Years of related work")).to_have_value("3")
    page.get_by_label("Anything the coordinator should know (optional)").fill("Home visitor.")
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(r"/dashboard/applicant/$"))
    expect(page.locator("main")).to_contain_text(
        "Waiting for the coordinator to accept your registration."
    )
    assert_page(page, "Welcome, Ana")

    # The coordinator, in another browser, returns it with a reason.
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-US")
    staff = context.new_page()
    staff.set_default_timeout(TIMEOUT_MS)
    coordinator_logs_in(staff, "casey@example.org", secret)
    staff.get_by_label("Reason for returning it").fill("Please count your years in child care.")
    staff.get_by_role("button", name="Return with this reason").click()
    expect(staff.get_by_role("status").first).to_have_text(
        "Returned the registration of Ana López for IFS."
    )
    assert_page(staff, "Coordinator dashboard")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["ana@example.org"],
            "We have received your registration for Infant Family Specialist (IFS)",
        ),
        (["casey@example.org"], "New registration: Ana López (Infant Family Specialist (IFS))"),
        (
            ["ana@example.org"],
            "Your registration for Infant Family Specialist (IFS) was returned to you",
        ),
    ]

    # The applicant reads the reason, corrects the registration and sends it again.
    page.reload()
    expect(page.locator("main")).to_contain_text("Please count your years in child care.")
    assert_page(page, "Welcome, Ana")
    page.get_by_role("link", name="Correct your registration and send it again").click()
    assert_page(page, "Correct your registration")
    page.get_by_label("Years of related work").fill("4")
    page.get_by_role("button", name="Send it again").click()
    expect(page).to_have_url(re.compile(r"/dashboard/applicant/$"))

    # The coordinator accepts it.
    staff.reload()
    staff.get_by_role("button", name="Accept Ana López").click()
    expect(staff.get_by_role("status").first).to_have_text(
        "Accepted the registration of Ana López for IFS."
    )
    expect(staff.locator("main")).to_contain_text("No registrations are waiting.")
    context.close()
    application = Application.objects.get()
    assert (application.state, application.registration_work_years) == (S.ACCEPTED, 4)

    # The applicant signs both agreements.
    page.goto(f"/portfolio/{application.pk}/agreements/")
    assert_page(page, "Agreements")
    for section_id, title in (
        ("#agreement-code_of_ethics", "Code of Ethics"),
        ("#agreement-endorsement_agreement", "Endorsement Agreement"),
    ):
        section = page.locator(section_id)
        section.get_by_label("Type your full name to sign").fill("ana lópez")
        section.get_by_role("button", name=f"Sign the {title}").click()
        expect(page.locator(section_id)).to_contain_text("Signed by ana lópez on")
    assert_page(page, "Agreements")
    assert Signature.objects.filter(application=application).count() == 2


def test_association_page_compares_the_categories_and_stacks_them_on_a_phone(page, association):
    call_command("load_framework", "--association", association.slug, verbosity=0)
    page.goto(f"/a/{association.slug}/")
    assert_page(page, "Northfield Association for Infant Mental Health")
    table = page.locator("#category-comparison")
    header = table.locator("thead th")
    expect(header).to_have_text(
        [
            "Category",
            "Who it is for",
            "Degree",
            "Work experience",
            "Training",
            "RS/C",
            "References",
            "Exam",
        ]
    )
    ifs = table.locator("#compare-IFS")
    expect(ifs.locator("td")).to_have_text(
        [
            "Infant family (birth to 36 months)",
            "No degree",
            "2 years",
            "30 hours",
            "24 hours over 12–24 months",
            "3",
            "No",
        ]
    )
    # Desktop: one row per category, the cells side by side.
    cells = [ifs.locator("td").nth(i).bounding_box() for i in (0, 1)]
    assert cells[0]["y"] == cells[1]["y"] and cells[0]["x"] < cells[1]["x"]

    # Phone: each category a block, one cell under the other, each named by its column; the
    # page does not scroll sideways.
    page.set_viewport_size(PHONE)
    cells = [ifs.locator("td").nth(i).bounding_box() for i in (0, 1)]
    assert cells[0]["y"] < cells[1]["y"] and cells[0]["x"] == cells[1]["x"]
    label = page.evaluate(
        "getComputedStyle(document.querySelector('#compare-IFS td'), '::before').content"
    )
    assert label == '"Who it is for: "'
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
