"""References in the browser: the applicant asks a rater, the rater opens the e-mailed link,
rates every item and sends; axe finds nothing on any page at desktop and phone widths."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from competencies.models import CompetencyArea
from portfolios.enums import ReferenceStatus
from portfolios.models import Reference, ReferenceRating
from tests.browser.helpers import assert_page, log_in, rating_path
from tests.factories import DEFAULT_PASSWORD
from tests.portfolios.references_helpers import make_application, make_category

pytestmark = pytest.mark.browser


def other_area_pk(category) -> int:
    return CompetencyArea.objects.get(framework=category.framework, name="Direct Service Skills").pk


def test_the_applicant_asks_and_the_rater_rates_through_the_e_mailed_link(page, association):
    category = make_category(association)
    application = make_application(category)

    log_in(page, "ana@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/**")
    page.goto(f"/portfolio/{application.pk}/references/")
    assert_page(page, "References")
    page.get_by_role("link", name="Ask someone for a rating").click()

    page.wait_for_url("**/references/invite/")
    assert_page(page, "Ask someone for a rating")
    page.get_by_label("Their full name").fill("Grace Supervisor")
    page.get_by_label("Their e-mail address").fill("grace@example.org")
    page.get_by_label("How do they know your work?").select_option("current_supervisor")
    page.get_by_label("Language of the e-mail and form they receive").select_option("en")
    page.get_by_role("button", name="Send the invitation").click()

    page.wait_for_url(f"**/portfolio/{application.pk}/references/")
    assert page.get_by_role("status").first.inner_text() == (
        "We sent Grace Supervisor an e-mail with a personal link to rate you."
    )
    assert_page(page, "References")
    [message] = mail.outbox
    assert (message.to, message.subject) == (
        ["grace@example.org"],
        "Ana López asks you for a reference rating",
    )
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/")

    # The rater, without an account.
    page.goto(rating_path(message))
    assert_page(page, "Reference rating for Ana López")
    items = page.locator("fieldset.rating-item")
    assert items.count() == 8
    # Five "not enough information" answers still count.
    for index in range(8):
        group = items.nth(index)
        choice = "Not enough information" if index < 5 else "Strong"
        group.get_by_label(choice).check()
    page.get_by_label("Comments (optional)").fill("Ana listens closely to families.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my rating").click()

    assert_page(page, "Thank you")
    reference = Reference.objects.get()
    assert (reference.status, reference.comment) == (
        ReferenceStatus.COMPLETED,
        "Ana listens closely to families.",
    )
    assert sorted(ReferenceRating.objects.values_list("score", flat=True)) == (
        ["3"] * 3 + ["nei"] * 5
    )

    # The link works once.
    page.goto(rating_path(message))
    assert_page(page, "This link has already been used")


def test_a_rater_who_leaves_items_out_is_shown_what_is_missing(page, association):
    category = make_category(association, items_per_area=(2, 1))
    application = make_application(category)
    from portfolios.references import reference_invite

    reference_invite(
        application=application,
        rater_name="Grace Supervisor",
        rater_email="grace@example.org",
        relationship="current_supervisor",
        waive=True,
        by=application.applicant,
    )
    page.goto(rating_path(mail.outbox[0]))
    page.locator("fieldset.rating-item").first.get_by_label("Competent").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my rating").click()

    assert_page(page, "Reference rating for Ana López")
    alert = page.get_by_role("alert")
    assert alert.get_by_role("link").all_inner_texts() == [
        "Theoretical Foundations item 2",
        "Direct Service Skills item 1",
    ]
    alert.get_by_role("link", name="Direct Service Skills item 1").click()
    assert page.evaluate("document.activeElement.id") == page.locator("fieldset.rating-item").nth(
        2
    ).locator("input").first.get_attribute("id")
    assert Reference.objects.get().status == ReferenceStatus.INVITED


def test_the_applicant_reads_a_rating_replaces_one_that_did_not_count_and_withdraws_one(
    page, association
):
    from portfolios.references import reference_invite, reference_submit_rating
    from tests.portfolios.references_helpers import scores

    category = make_category(association)
    application = make_application(category)

    def ask(name, email, relationship):
        return reference_invite(
            application=application,
            rater_name=name,
            rater_email=email,
            relationship=relationship,
            waive=False,
            by=application.applicant,
        )

    pat = ask("Pat Provider", "pat@example.org", "rsc_provider")
    reference_submit_rating(reference=pat, scores=scores(category, nei=1), comment="Warm.")
    nina = ask("Nina Neighbour", "nina@example.org", "current_supervisor")
    reference_submit_rating(reference=nina, scores=scores(category, nei=6), comment="")
    ask("Eddie Other", "eddie@example.org", "any")

    log_in(page, "ana@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/**")
    page.goto(f"/portfolio/{application.pk}/references/")
    assert_page(page, "References")
    assert page.locator("#references-summary").inner_text() == (
        "References: 1 of 3 received, supervisor and 1 other pending"
    )

    page.get_by_role("link", name="Read the rating from Pat Provider").click()
    page.wait_for_url(f"**/references/{pat.pk}/")
    assert_page(page, "Rating from Pat Provider")
    page.get_by_role("link", name="Back to your references").click()

    page.get_by_role("link", name="Replace Nina Neighbour").click()
    page.wait_for_url(f"**/references/{nina.pk}/replace/")
    assert_page(page, "Replace Nina Neighbour")
    page.get_by_label("Their full name").fill("Sue Supervisor")
    page.get_by_label("Their e-mail address").fill("sue@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url(f"**/portfolio/{application.pk}/references/")
    assert page.get_by_role("status").first.inner_text() == (
        "We sent Sue Supervisor an e-mail with a personal link. Nina Neighbour's link no "
        "longer works."
    )
    assert_page(page, "References")

    page.get_by_role("link", name="Withdraw the request to Eddie Other").click()
    page.wait_for_url("**/withdraw/")
    assert_page(page, "Withdraw the request to Eddie Other?")
    page.get_by_role("button", name="Withdraw the request").click()
    page.wait_for_url(f"**/portfolio/{application.pk}/references/")
    assert page.get_by_role("status").first.inner_text() == (
        "You withdrew the request to Eddie Other. Their link no longer works."
    )
    assert_page(page, "References")
    assert [m.to for m in mail.outbox][-1] == ["sue@example.org"]


def test_the_rater_saves_a_draft_comes_back_and_sends(page, association):
    category = make_category(association, items_per_area=(2, 2))
    application = make_application(category)
    from portfolios.references import reference_invite

    reference_invite(
        application=application,
        rater_name="Grace Supervisor",
        rater_email="grace@example.org",
        relationship="current_supervisor",
        waive=False,
        by=application.applicant,
    )
    link = rating_path(mail.outbox[0])
    page.goto(link)
    assert_page(page, "Reference rating for Ana López")
    assert page.locator("#rating-counter-text").inner_text() == "0 of 4 items answered"
    area = page.get_by_role("group", name="Theoretical Foundations")
    area.locator("fieldset.rating-item").nth(0).get_by_label("Strong").check()
    area.locator("fieldset.rating-item").nth(1).get_by_label("Competent").check()
    page.get_by_label("Comments (optional)").fill("Still thinking.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()

    assert_page(page, "Reference rating for Ana López")
    assert page.locator("#rating-counter-text").inner_text() == "2 of 4 items answered"
    bar = page.get_by_role("progressbar", name="2 of 4 items answered")
    assert bar.get_attribute("aria-valuenow") == "2"
    assert page.locator(".area-count").all_inner_texts() == [
        "2 of 2 items answered in this area",
        "0 of 2 items answered in this area",
    ]
    assert page.get_by_role("status").filter(has_text="draft").inner_text() == (
        "Your draft is saved. Come back with the same link to finish: it works until you send "
        "your rating."
    )
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1280, "height": 800})
    assert Reference.objects.get().status == ReferenceStatus.INVITED

    # The link still works the next day: the answers are there.
    page.goto(link)
    area = page.get_by_role("group", name="Theoretical Foundations")
    assert area.locator("fieldset.rating-item").nth(0).get_by_label("Strong").is_checked()
    assert page.get_by_label("Comments (optional)").input_value() == "Still thinking."
    other = page.get_by_role("group", name="Direct Service Skills")
    for index in (0, 1):
        other.locator("fieldset.rating-item").nth(index).get_by_label(
            "Not enough information"
        ).check()
    # Each answer is saved as the rater goes, and the counters follow.
    expect(page.locator("#rating-counter-text")).to_have_text("4 of 4 items answered")
    expect(page.locator("#rating-draft-status")).to_have_text("Draft saved.")
    expect(page.locator("#area-count-" + str(other_area_pk(category)))).to_have_text(
        "2 of 2 items answered in this area"
    )
    assert len(Reference.objects.get().rating_draft["scores"]) == 4
    with page.expect_navigation():
        page.get_by_role("button", name="Send my rating").click()
    assert_page(page, "Thank you")
    assert sorted(ReferenceRating.objects.values_list("score", flat=True)) == [
        "2",
        "3",
        "nei",
        "nei",
    ]
    page.goto(link)
    assert_page(page, "This link has already been used")
