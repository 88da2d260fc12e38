"""Moving an endorsement between the two demo associations, in Chromium at 1280 and 390 px with
axe on each page: Farah (endorsed at Northfield) asks to move to Lakeshore from her dashboard,
Lakeshore's coordinator (logged in with a code) accepts from "needs you now", the old number's
public page says where it went and links to the new one; then Lakeshore's membership rule
applies: Farah sends proof of her Northfield membership and the coordinator confirms it."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Membership
from demo.accounts import DEMO_PASSWORD, demo_totp_secret
from endorsement.enums import EndorsementStatus
from endorsement.models import Endorsement
from tests.browser.helpers import assert_page, current_totp_code, log_in, new_page
from tests.factories import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FARAH = "farah@northfield.example.org"
LAKESHORE = "Lakeshore Association for Infant and Early Childhood Mental Health"
OFFICE = "coordinator@lakeshore.example.org"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--even-without-debug", verbosity=0)


def office_log_in(browser, live_server):
    office = new_page(browser, live_server)
    log_in(office, OFFICE, DEMO_PASSWORD)
    office.wait_for_url("**/accounts/2fa/authenticate/")
    office.get_by_label("Code").fill(current_totp_code(demo_totp_secret(OFFICE)))
    office.locator("main").get_by_role("button", name="Log in").click()
    office.wait_for_url("**/a/lakeshore/dashboard/coordinator/")
    return office


def test_farah_moves_to_lakeshore_and_her_old_number_points_to_the_new_one(
    page, browser, live_server, eager, demo
):
    old = Endorsement.objects.get(holder__email=FARAH)
    log_in(page, FARAH, DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/applicant/")
    page.get_by_role("link", name=f"Transfer {old.number} to another association").click()
    assert_page(page, "Transfer your endorsement to another association")
    page.get_by_label("The association you are moving to").select_option(label=LAKESHORE)
    page.get_by_label("When you move").fill("2027-01-15")
    page.get_by_label("Why you are moving").fill("A new post at a Lakeshore family centre.")
    page.get_by_role("button", name="Send the request").click()
    assert_page(page, f"Transfer of endorsement {old.number}")
    expect(page.locator(".transfer-waiting")).to_contain_text(f"decision of {LAKESHORE}")

    office = office_log_in(browser, live_server)
    office.get_by_role(
        "link", name="Accept or refuse the transfer of Farah Endorsed (IFS)"
    ).first.click()
    assert_page(office, f"Transfer of endorsement {old.number}")
    expect(office.locator(".transfer-reason")).to_have_text(
        "A new post at a Lakeshore family centre."
    )
    office.get_by_role("button", name="Accept the transfer").click()
    new = Endorsement.objects.get(holder__email=FARAH, association__slug="lakeshore")
    expect(office.locator(".transfer-decided")).to_contain_text(f"continues as {new.number}")
    assert new.number.startswith("LAIECMH-IFS-")
    assert (new.awarded_on, new.valid_through) == (old.awarded_on, old.valid_through)
    old.refresh_from_db()
    assert (old.status, old.continued_by) == (EndorsementStatus.TRANSFERRED, new)

    # The public page of the old number: transferred, with the way to the new one.
    page.goto(f"/verify/{old.number}/")
    assert_page(page, f"Endorsement {old.number}")
    expect(page.locator(".verification-continued")).to_have_text(
        f"Transferred to {LAKESHORE} as {new.number}."
    )
    page.locator(".verification-continued").get_by_role("link", name=new.number).click()
    assert_page(page, f"Endorsement {new.number}")
    expect(page.locator(".verification-association")).to_have_text(LAKESHORE)
    # Her standing goes with it: in the demo her renewal is due.
    expect(page.locator(".verification-status")).to_contain_text(new.get_status_display())

    # Lakeshore's membership rule applies: Farah is a member of Northfield, which Lakeshore
    # accepts on proof its coordinator confirms.
    page.goto("/dashboard/applicant/")
    expect(page.locator("#application-" + str(new.application_id))).to_contain_text(
        "Membership is required"
    )
    page.goto("/billing/membership/lakeshore/")
    page.get_by_role(
        "link", name="A member of another association for infant mental health? Send your proof"
    ).click()
    assert_page(page, "Member of another association")
    northfield = Membership.objects.filter(user__email=FARAH).order_by("-end").first()
    page.get_by_label("The association for infant mental health you are a member of").fill(
        "Northfield Association for Infant Mental Health"
    )
    page.get_by_label("Your membership there ends on").fill(northfield.end.isoformat())
    page.get_by_label("Proof of membership (card, letter or receipt)").set_input_files(
        {"name": "membership-card.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="Send the proof").click()
    expect(page.locator(".membership-proof-pending")).to_contain_text("Northfield")

    office.goto("/a/lakeshore/dashboard/coordinator/")
    office.get_by_role(
        "link", name="Confirm or refuse the proof of membership elsewhere of Farah Endorsed"
    ).first.click()
    assert_page(office, "Proof of membership of another association")
    office.get_by_role("button", name="Confirm the membership").click()
    expect(office.get_by_role("status").first).to_contain_text("counts as a member")
    office.context.close()

    page.goto("/dashboard/applicant/")
    expect(page.locator("#application-" + str(new.application_id))).to_contain_text("Member")
    expect(page.locator("#application-" + str(new.application_id))).not_to_contain_text(
        "Membership is required"
    )
