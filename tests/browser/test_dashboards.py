"""Each dashboard leads with the next step: a deferred applicant's and a coordinator's, at
desktop and phone width, axe-clean, the next step the first thing in <main> after the h1."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import ApplicationEvent
from tests.browser.helpers import (
    WIDTHS,
    assert_accessible,
    assert_page,
    current_totp_code,
    log_in,
)
from tests.factories import (
    DEFAULT_PASSWORD,
    ApplicationFactory,
    EndorsementCategoryFactory,
    RoleGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

# The element right after the h1's header in <main>: its class list.
FIRST_AFTER_H1 = """() => {
  const h1 = document.querySelector('main h1');
  const header = h1.closest('.page-header') || h1;
  const next = header.nextElementSibling;
  return next ? next.className : '';
}"""


def assert_next_step_first(page, heading: str, button: str | None):
    card = page.locator("#next-step")
    for width in WIDTHS.values():
        page.set_viewport_size(width)
        assert "next-step-card" in page.evaluate(FIRST_AFTER_H1).split()
        expect(card.get_by_role("heading", level=2)).to_have_text(heading)
        expect(card).to_be_in_viewport()
        # Nothing scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width["width"]
    primary = card.locator(".btn-primary")
    if button is None:
        expect(primary).to_have_count(0)
    else:
        expect(primary).to_have_count(1)
        expect(primary).to_have_text(button)


@pytest.fixture
def ifs(association):
    return EndorsementCategoryFactory(
        framework__association=association, code="IFS", name="Infant Family Specialist"
    )


def test_a_deferred_applicant_is_led_to_amend(page, association, ifs):
    association.brand_colour = "#f0b400"  # a light colour: the header's text turns black
    association.save()
    gus = UserFactory(email="gus@example.org", full_name="Gus Deferred")
    application = ApplicationFactory(applicant=gus, category=ifs, state=S.DEFERRED)
    ApplicationEvent.objects.create(
        application=application,
        to_state=S.DEFERRED,
        note="Add a training on attachment.",
        note_is_public=True,
    )
    log_in(page, "gus@example.org", DEFAULT_PASSWORD)
    page.goto("/dashboard/applicant/")
    assert_page(page, "Welcome, Gus")
    assert_next_step_first(page, "Amend your portfolio", "Amend your portfolio")
    expect(page.locator("#next-step .next-step-detail")).to_contain_text(
        "Add a training on attachment."
    )
    page.locator("#next-step .btn-primary").click()
    page.wait_for_url(f"**/portfolio/{application.pk}/")
    # The portfolio belongs to one association: the header wears its colour and name.
    expect(page.locator(".portal-association")).to_have_text(association.name)
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.portal-navbar')).backgroundColor")
        == "rgb(240, 180, 0)"
    )
    page.wait_for_load_state()
    assert_accessible(page)


def test_the_coordinator_starts_with_the_first_task(page, association, ifs):
    ApplicationFactory(category=ifs, state=S.REGISTERED, applicant__full_name="Rae Registered")
    ApplicationFactory(category=ifs, state=S.APPROVED, applicant__full_name="Paul Plain")
    grant = RoleGrantFactory(
        association=association, role=Role.COORDINATOR, user__email="casey@example.org"
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    log_in(page, "casey@example.org", DEFAULT_PASSWORD)
    page.get_by_label("Code").fill(current_totp_code(secret))
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/a/northfield/dashboard/coordinator/")
    assert_page(page, "Coordinator dashboard")
    assert_next_step_first(
        page, "Accept or return the registration of Rae Registered (IFS)", "Do this now"
    )
    expect(page.locator("ul.needs-you li")).to_have_count(2)
