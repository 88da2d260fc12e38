"""The coordinator's pipeline in the browser: log in with the authenticator code, filter, search,
download the CSV; the applicant's dashboard. axe-core checks each page at desktop and phone."""

import csv
import datetime
import io
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent, Endorsement
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    assert_page,
    current_totp_code,
    log_in,
)
from tests.factories import (
    DEFAULT_PASSWORD,
    ApplicationFactory,
    EndorsementCategoryFactory,
    RequirementFactory,
    ReviewAssignmentFactory,
    RoleGrantFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def pipeline(association, other_association):
    ifs = EndorsementCategoryFactory(
        framework__association=association, code="IFS", name="Infant Family Specialist"
    )
    imhm = EndorsementCategoryFactory(
        framework=ifs.framework, code="IMHM-C", name="Infant Mental Health Mentor – Clinical"
    )
    RequirementFactory(category=imhm, kind="exam", min_hours=None)
    reviewer = RoleGrantFactory(
        association=association, role=Role.REVIEWER, user__full_name="Rita Reviewer"
    ).user
    people = [
        ("Ana Alba", "ana@example.org", ifs, S.SUBMITTED, 20),
        ("Bea Brown", "bea@example.org", ifs, S.IN_REVIEW, 8),
        ("Cal Cruz", "cal@example.org", imhm, S.SUBMITTED, 3),
        ("Dee Diaz", "dee@example.org", ifs, S.AWARDED, 40),
        ("Eve Ennis", "eve@example.org", imhm, S.DEFERRED, 1),
    ]
    made = {}
    now = datetime.datetime.now(datetime.UTC)
    for name, email, category, state, days in people:
        application = ApplicationFactory(
            category=category, state=state, applicant__full_name=name, applicant__email=email
        )
        Application.objects.filter(pk=application.pk).update(
            state_changed=now - datetime.timedelta(days=days, hours=2)
        )
        made[name] = application
    ReviewAssignmentFactory(application=made["Bea Brown"], reviewer=reviewer)
    Endorsement.objects.create(
        association=association,
        application=made["Dee Diaz"],
        holder=made["Dee Diaz"].applicant,
        category=ifs,
        number="NF-IFS-2026-0042",
        awarded_on=datetime.date(2026, 3, 2),
        valid_through=datetime.date(2026, 12, 31),
    )
    ApplicationEvent.objects.create(
        application=made["Eve Ennis"],
        from_state=S.IN_REVIEW,
        to_state=S.DEFERRED,
        note="Add the RS/C hours of 2025.",
    )
    other = EndorsementCategoryFactory(framework__association=other_association, code="IFS")
    ApplicationFactory(category=other, state=S.SUBMITTED, applicant__full_name="Lee Elsewhere")
    return made


@pytest.fixture
def coordinator(association):
    grant = RoleGrantFactory(
        association=association,
        role=Role.COORDINATOR,
        user__email="casey@example.org",
        user__full_name="Casey Coordinator",
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    return grant.user.email, secret


def table_names(page) -> list[str]:
    return page.locator("#pipeline-table tbody tr td:nth-child(2)").all_inner_texts()


def test_coordinator_filters_searches_and_downloads(page, pipeline, coordinator, tmp_path):
    email, secret = coordinator
    log_in(page, email, DEFAULT_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.get_by_label("Code").fill(current_totp_code(secret))
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/a/northfield/dashboard/coordinator/$"))
    assert_page(page, "Coordinator dashboard")
    expect(page.locator("#state-submitted td")).to_have_text(["Submitted", "2", "20"])
    assert table_names(page) == ["Dee Diaz", "Ana Alba", "Bea Brown", "Cal Cruz", "Eve Ennis"]

    # The funnel beside the counts table from md, above it on a phone; no sideways scrolling.
    funnel, counts = page.locator("#state-funnel"), page.locator("#state-counts")
    expect(page.locator("#funnel-submitted")).to_have_text("Submitted 2")
    chart, table = funnel.bounding_box(), counts.bounding_box()
    assert chart["x"] + chart["width"] <= table["x"] and abs(chart["y"] - table["y"]) < 40
    page.set_viewport_size(PHONE)
    chart, table = funnel.bounding_box(), counts.bounding_box()
    assert chart["y"] + chart["height"] <= table["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    # Submitted (2) is the longest bar; In review (1) half of it; the bars are not in the tab order.
    widths = {
        state: page.locator(f"#funnel-{state} .funnel-bar").bounding_box()["width"]
        for state in ("submitted", "in_review")
    }
    assert widths["in_review"] == pytest.approx(widths["submitted"] / 2, abs=1)
    expect(page.locator("#funnel-submitted a")).to_have_attribute("tabindex", "-1")
    page.locator("#funnel-in_review a").click()
    expect(page).to_have_url(re.compile(r"\?state=in_review#applications-heading$"))
    assert table_names(page) == ["Bea Brown"]
    page.goto("/a/northfield/dashboard/coordinator/")

    # Submitted IMHM-C portfolios, then those waiting for reviewers.
    page.get_by_label("State", exact=True).select_option(label="Submitted")
    page.get_by_label("Category").select_option(
        label="Infant Mental Health Mentor – Clinical (IMHM-C)"
    )
    page.get_by_role("button", name="Show applications").click()
    expect(page.locator("#pipeline-total")).to_contain_text("1 application matches the filters.")
    assert table_names(page) == ["Cal Cruz"]
    assert_page(page, "Coordinator dashboard")
    page.get_by_role("link", name="Clear the filters").click()
    page.get_by_label("Submitted, no reviewers yet").check()
    page.get_by_role("button", name="Show applications").click()
    expect(page.locator("#pipeline-total")).to_contain_text("2 applications match the filters.")
    assert table_names(page) == ["Ana Alba", "Cal Cruz"]

    # Search by endorsement number, then by e-mail.
    page.get_by_role("link", name="Clear the filters").click()
    page.get_by_label("Search").fill("0042")
    page.get_by_role("button", name="Show applications").click()
    expect(page.locator("#pipeline-total")).to_contain_text("1 application matches the filters.")
    assert table_names(page) == ["Dee Diaz"]
    expect(page.locator("#pipeline-table")).to_contain_text("NF-IFS-2026-0042")
    page.get_by_label("Search").fill("EXAMPLE.ORG")
    page.get_by_role("button", name="Show applications").click()
    expect(page.locator("#pipeline-total")).to_contain_text("5 applications match the filters.")
    expect(page.get_by_label("Search")).to_have_value("EXAMPLE.ORG")
    assert "Lee Elsewhere" not in page.content()
    assert_page(page, "Coordinator dashboard")

    # The CSV of what is shown.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this list as CSV").click()
    download = download_info.value
    assert re.fullmatch(r"pipeline-northfield-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    path = tmp_path / "pipeline.csv"
    download.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [row[0] for row in rows] == [
        "Applicant",
        "Dee Diaz",
        "Ana Alba",
        "Bea Brown",
        "Cal Cruz",
        "Eve Ennis",
    ]
    assert rows[3][7] == "Rita Reviewer"
    assert rows[1][8] == "NF-IFS-2026-0042"

    # An application's page from the table.
    page.get_by_role("link", name="Bea Brown").click()
    expect(page).to_have_url(re.compile(rf"/coordinator/applications/{pipeline['Bea Brown'].pk}/$"))


def test_applicant_dashboard_is_accessible(browser, live_server, pipeline):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    eve = pipeline["Eve Ennis"].applicant
    ApplicationFactory(
        applicant=eve,
        category__framework__association=pipeline["Ana Alba"].association,
        state=S.WITHDRAWN,
    )
    log_in(page, eve.email, DEFAULT_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/applicant/$"))
    progress = page.locator(f"#progress-{pipeline['Eve Ennis'].pk}")
    expect(progress).to_contain_text("Add the RS/C hours of 2025.")
    expect(progress.locator('[aria-current="step"]')).to_have_text(
        "Current step: Amend and resubmit"
    )
    assert_page(page, "Welcome, Eve")
    context.close()
