"""The steps of the portfolio journey (tests/browser/test_portfolio_journey.py), each in the browser
and checked by axe-core: sign up, check and register, the coordinator accepts, every section
filled, the raters asked and rating, the agreements signed, the portfolio submitted."""

import datetime
import re

from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from accounts.services import membership_record
from endorsement.enums import ApplicationState
from endorsement.models import Application
from portfolios.enums import ReferenceStatus
from portfolios.models import Education, Reference, RSCEntry, Signature, Training, WorkExperience
from tests.browser.helpers import (
    assert_page,
    current_totp_code,
    field,
    log_in,
    new_page,
    rating_path,
)
from tests.browser.portfolio_journey_helpers import (
    ASSOCIATION,
    IFS,
    PASSWORD,
    Journey,
    last_mail_to,
    months_ago,
    small_pdf,
)
from tests.factories import DEFAULT_PASSWORD


def sign_up(page, live_server, who: Journey) -> None:
    """From the home page to the dashboard: sign up, confirm the address, log in.

    The browser is set to English: these pages are in English until the applicant logs in.
    """
    page.goto("/")
    assert_page(page, "Endorsement for infant and early childhood mental health")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    page.wait_for_url("**/accounts/signup/")
    assert_page(page, "Sign up")
    page.get_by_label("Full name").fill(who.full_name)
    page.get_by_label("Email").fill(who.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("Preferred language").select_option(label=who.language_name)
    page.get_by_role("button", name="Sign up").click()

    page.wait_for_url("**/accounts/confirm-email/")
    assert_page(page, "Verify Your Email Address")
    [message] = mail.outbox
    assert message.to == [who.email]
    [link] = re.findall(rf"{re.escape(live_server.url)}/accounts/confirm-email/\S+/", message.body)
    page.goto(link)
    assert_page(page, "Confirm Email Address")
    page.get_by_role("button", name="Confirm").click()
    # Confirmed in the browser that signed up: logged in at once.
    page.wait_for_url(f"{live_server.url}/dashboard/applicant/")
    expect(page.locator("html")).to_have_attribute("lang", who.language)
    assert_page(page, who.t("Welcome, {name}", name=who.short_name))


def check_and_register(page, association, who: Journey) -> Application:
    """Start at the association: membership, the eligibility check, the IFS registration."""
    t = who.t
    page.get_by_role("link", name=t("Start an application")).click()
    page.wait_for_url("**/portfolio/start/")
    assert_page(page, t("Start an application"))
    page.locator("main").get_by_role("link", name=ASSOCIATION).click()
    page.wait_for_url("**/portfolio/start/northfield/")
    # Not a member yet: the page says what to do.
    expect(page.locator(".membership-status")).to_contain_text(
        t("Membership is required: join {name}", name=ASSOCIATION)
    )
    assert_page(page, t("Which category fits you?"))

    # The association's admin records the membership, as they do in the admin.
    user = User.objects.get(email=who.email)
    today = association.today()
    membership = membership_record(
        association=association, user=user, joined_on=today, member_number="NF-1042"
    )
    page.reload()
    expect(page.locator(".membership-status")).to_contain_text(
        t("You are a member of {name} until", name=ASSOCIATION)
    )
    expect(page.locator(".membership-status")).to_contain_text(membership.member_number)

    page.get_by_label(t("Your highest education")).select_option("bachelor")
    page.get_by_label(t("Years of paid work with infants or young children")).fill("3")
    page.get_by_label(t("Hours of specialized in-service training so far")).fill("20")
    page.get_by_label(t("Hours of reflective supervision/consultation (RS/C) received")).fill("30")
    page.get_by_role("button", name=t("Show the categories that fit")).click()
    page.wait_for_url("**/portfolio/start/northfield/?*")
    results = page.locator("#results")
    expect(results).to_contain_text(t("You need 10 more hours of training."))
    assert_page(page, t("Which category fits you?"))

    page.get_by_role("link", name=t("Register for {code}", code="IFS")).click()
    page.wait_for_url("**/portfolio/start/northfield/IFS/?*")
    assert_page(page, t("Register for {name} ({code})", name=t(IFS), code="IFS"))
    expect(page.get_by_label(t("Years of related work"))).to_have_value("3")
    page.get_by_label(t("Anything the coordinator should know (optional)")).fill(who.typed["note"])
    page.get_by_role("button", name=t("Register"), exact=True).click()
    page.wait_for_url("**/dashboard/applicant/")
    expect(page.locator("main")).to_contain_text(
        t("Waiting for the coordinator to accept your registration.")
    )
    assert_page(page, t("Welcome, {name}", name=who.short_name))
    application = Application.objects.get(applicant__email=who.email)
    assert application.state == ApplicationState.REGISTERED
    return application


def coordinator_accepts(browser, live_server, coordinator, who: Journey) -> None:
    """The coordinator, at another computer, logs in with the app's code and accepts."""
    email, secret = coordinator
    staff = new_page(browser, live_server)
    log_in(staff, email, DEFAULT_PASSWORD)
    staff.wait_for_url("**/accounts/2fa/authenticate/")
    assert_page(staff, "Two-Factor Authentication")
    staff.get_by_label("Code").fill(current_totp_code(secret))
    staff.locator("main").get_by_role("button", name="Log in").click()
    staff.wait_for_url("**/a/northfield/dashboard/coordinator/")
    registration = staff.get_by_role("article", name=re.compile(re.escape(who.full_name)))
    expect(registration).to_contain_text("Current member")
    assert_page(staff, "Coordinator dashboard")
    staff.get_by_role("button", name=f"Accept {who.full_name}").click()
    expect(staff.get_by_role("status").first).to_have_text(
        f"Accepted the registration of {who.full_name} for IFS."
    )
    expect(staff.locator("main")).to_contain_text("No registrations are waiting.")
    assert_page(staff, "Coordinator dashboard")
    staff.context.close()


def open_portfolio(page, who: Journey, application: Application) -> None:
    t = who.t
    # The coordinator's decision reaches the applicant in her language.
    assert last_mail_to(who.email).subject == t(
        "Your registration for {category} is accepted", category=f"{t(IFS)} (IFS)"
    )
    page.reload()
    page.get_by_role("link", name=t("Open your portfolio ({code})", code="IFS")).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/")
    expect(page.locator("#check-status")).to_contain_text(t("requirements met"))
    assert_page(page, t("Your portfolio: {category}", category=t(IFS)))


def section_link(page, who: Journey, name: str):
    return page.get_by_role("navigation", name=who.t("Portfolio sections")).get_by_role(
        "link", name=who.t(name), exact=True
    )


def fill_education(page, who: Journey, application: Application, tmp_path) -> None:
    t = who.t
    section_link(page, who, "Education").click()
    page.wait_for_url(f"**/portfolio/{application.pk}/education/")
    assert_page(page, t("Education"))
    page.get_by_role("link", name=t("Add education")).click()
    page.wait_for_url("**/education/add/")
    assert_page(page, t("Add education"))
    page.get_by_label(t("Level")).select_option("bachelor")
    page.get_by_label(t("Credential or degree")).fill(who.typed["credential"])
    page.get_by_label(t("Institution")).fill("Northfield State University")
    page.get_by_label(t("Started")).fill("2010-09-01")
    page.get_by_label(t("Completed")).fill("2014-05-31")
    transcript = tmp_path / "transcript.pdf"
    transcript.write_bytes(small_pdf())
    page.get_by_label(t("Transcript (a copy)")).set_input_files(str(transcript))
    page.get_by_role("button", name=t("Save"), exact=True).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/education/")
    expect(page.get_by_role("status").first).to_have_text(t("Saved."))
    row = page.get_by_role("row", name=re.compile(re.escape(who.typed["credential"])))
    expect(row).to_contain_text(t("Copy uploaded"))
    expect(row).to_contain_text("transcript.pdf")
    assert_page(page, t("Education"))
    education = Education.objects.get(application=application)
    assert education.transcript.original_name == "transcript.pdf"


def fill_work(page, who: Journey, application: Application, today) -> None:
    t = who.t
    section_link(page, who, "Work experience").click()
    page.wait_for_url(f"**/portfolio/{application.pk}/work/")
    assert_page(page, t("Work experience"))
    page.get_by_role("link", name=t("Add work experience")).click()
    page.wait_for_url("**/work/add/")
    assert_page(page, t("Add work experience"))
    page.get_by_label(t("Employer")).fill("Early Head Start")
    page.get_by_label(t("Your role or job title")).fill(who.typed["role"])
    # Three years ago, still working there, full time.
    page.get_by_label(t("Started")).fill(months_ago(today, 36).isoformat())
    page.get_by_label(t("Hours per week")).fill("40")
    page.get_by_label(t("Population served")).fill(who.typed["population"])
    page.get_by_label(t("Kind of work")).select_option("paid_infant_family")
    expect(page.get_by_label(t("Paid work"))).to_be_checked()
    page.get_by_label(t("with infants or young children and their families together")).check()
    page.get_by_label(t("Supervisor's name")).fill("Grace Gómez")
    page.get_by_label(t("Supervisor's e-mail")).fill("grace@example.org")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/work/")
    work_years = page.get_by_role("region", name=t("Do your years count?"))
    expect(work_years.locator(".badge").first).to_contain_text(t("Met"))
    expect(page.locator("#check-heading ~ ul")).to_contain_text(t("Work experience: "))
    assert_page(page, t("Work experience"))
    assert WorkExperience.objects.filter(application=application).count() == 1


def import_trainings(page, who: Journey, application: Application, tmp_path) -> None:
    t = who.t
    section_link(page, who, "Training").click()
    page.wait_for_url(f"**/portfolio/{application.pk}/training/")
    assert_page(page, t("Specialized in-service training"))
    page.get_by_role("link", name=t("Import many trainings from a spreadsheet")).click()
    page.wait_for_url("**/training/import/")
    assert_page(page, t("Import many trainings from a spreadsheet"))
    csv_file = tmp_path / "trainings.csv"
    csv_file.write_text(who.csv, encoding="utf-8")
    page.get_by_label(t("Spreadsheet saved as CSV")).set_input_files(str(csv_file))
    page.get_by_role("button", name=t("Check the file")).click()

    page.wait_for_url("**/training/import/preview/")
    expect(page.locator("main")).to_contain_text(t("3 rows can be imported."))
    expect(page.get_by_role("heading", name=t("Rows with errors"))).to_have_count(0)
    assert_page(page, t("Check the rows before importing"))
    page.get_by_role("button", name=t("Import the {count} valid rows", count=3)).click()

    page.wait_for_url("**/training/import/done/")
    expect(page.locator("main")).to_contain_text(
        t("3 trainings from “trainings.csv” were added to your portfolio.")
    )
    assert_page(page, t("Import finished"))
    page.get_by_role("link", name=t("See your trainings")).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/training/")
    expect(page.locator("caption")).to_have_text(t("{count} trainings", count=3))
    expect(page.locator("#training-total")).to_have_text(
        t(
            "Total: {total} hours ({dei} on diversity, equity and inclusion; {rsc} on providing "
            "RS/C).",
            total=who.csv_hours,
            dei=6,
            rsc=0,
        )
    )


def add_training(page, who: Journey, application: Application) -> None:
    t = who.t
    page.get_by_role("link", name=t("Add a training")).click()
    page.wait_for_url("**/training/add/")
    assert_page(page, t("Add a training"))
    page.get_by_label(t("Title")).fill(who.typed["training"])
    page.get_by_label(t("Provider")).fill("Northfield University")
    page.get_by_label(t("Date")).fill("2025-10-04")
    page.get_by_label(t("Hours")).fill("4")
    page.get_by_role("combobox", name=t("Format")).select_option("online")
    page.get_by_role("group", name=who.data("Theoretical Foundations")).get_by_label(
        who.data("Attachment, separation, trauma, grief & loss")
    ).check()
    page.get_by_role("group", name=who.data("Reflection")).get_by_label(
        who.data("Self-awareness")
    ).check()
    page.get_by_role("button", name=t("Save"), exact=True).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/training/")
    expect(page.locator("caption")).to_have_text(t("{count} trainings", count=4))
    expect(page.locator("#training-total")).to_contain_text(who.total_hours)
    check = page.locator("#check-heading ~ ul")
    expect(check).to_contain_text(t("Training: {have} of 30 hours", have=who.total_hours))
    expect(check.locator(".badge")).to_contain_text(t("Met"))
    assert_page(page, t("Specialized in-service training"))
    assert Training.objects.filter(application=application).count() == 4


def add_rsc(page, who: Journey, application: Application, today) -> None:
    t = who.t
    section_link(page, who, "Reflective supervision/consultation").click()
    page.wait_for_url(f"**/portfolio/{application.pk}/rsc/")
    assert_page(page, t("Reflective supervision/consultation"))
    page.get_by_role("link", name=t("Add reflective supervision/consultation")).click()
    page.wait_for_url("**/rsc/add/")
    assert_page(page, t("Add reflective supervision/consultation"))
    # Monthly sessions for 16 months, ending last month: 30 hours.
    field(page, t("Provider's name")).fill("Pat Provider")
    page.get_by_label(t("Provider's endorsement number")).fill("IFRS-2207")
    field(page, t("Individual")).check()
    field(page, t("From")).fill(months_ago(today, 17).isoformat())
    field(page, t("To")).fill((months_ago(today, 0) - datetime.timedelta(days=1)).isoformat())
    field(page, t("Hours")).fill("30")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/rsc/")
    check = page.locator("#check-heading ~ ul")
    expect(check).to_contain_text(t("30 of 24 hours within 24 months"))
    expect(check.locator(".badge")).to_contain_text(t("Met"))
    assert_page(page, t("Reflective supervision/consultation"))
    assert RSCEntry.objects.filter(application=application).count() == 1


RATERS = [
    # (name, e-mail, relationship, not-enough-information answers)
    ("Grace Gómez", "grace@example.org", "current_supervisor", 0),
    ("Pat Provider", "pat@example.org", "rsc_provider", 2),
    ("Nina Neighbour", "nina@example.org", "any", 6),
]
NEW_RATER = ("Olga Ortiz", "olga@example.org", "any", 1)


def invite(page, who: Journey, application: Application, rater, *, last: bool) -> None:
    """Name a rater on the invitation page; all but the last stay there for the next one."""
    t = who.t
    name, email, relationship, _nei = rater
    page.wait_for_url("**/references/invite/")
    assert_page(page, t("Ask someone for a rating"))
    page.get_by_label(t("Their full name")).fill(name)
    page.get_by_label(t("Their e-mail address")).fill(email)
    page.get_by_label(t("How do they know your work?")).select_option(relationship)
    # The raters get the applicant's language unless she chooses another.
    expect(page.get_by_label(t("Language of the e-mail and form they receive"))).to_have_value(
        who.language
    )
    if last:
        expect(page.get_by_role("button", name=t("Send and ask someone else"))).to_have_count(0)
        page.get_by_role("button", name=t("Send the invitation")).click()
        page.wait_for_url(f"**/portfolio/{application.pk}/references/")
    else:
        page.get_by_role("button", name=t("Send and ask someone else")).click()
        page.wait_for_url("**/references/invite/")
        expect(page.get_by_label(t("Their full name"))).to_have_value("")
    expect(page.get_by_role("status").first).to_have_text(
        t("We sent {name} an e-mail with a personal link to rate you.", name=name)
    )


def rate(browser, live_server, who: Journey, rater, *, check_pages: bool) -> None:
    """The rater opens the link from the e-mail in their own browser (set to English: the
    link's language wins) and rates every item; ``nei`` items "not enough information"."""
    t = who.t
    name, email, _relationship, nei = rater
    message = last_mail_to(email)
    assert message.subject == t(
        "{applicant} asks you for a reference rating", applicant=who.full_name
    )
    page = new_page(browser, live_server)
    page.goto(rating_path(message))
    expect(page.locator("html")).to_have_attribute("lang", who.language)
    if check_pages:
        assert_page(page, t("Reference rating for {applicant}", applicant=who.full_name))
    items = page.locator("fieldset.rating-item")
    count = items.count()
    assert count == 41  # the competency items of IFS
    for index in range(count):
        choice = "Not enough information" if index < nei else "Strong"
        items.nth(index).get_by_label(t(choice), exact=True).check()
    page.get_by_label(t("Comments (optional)")).fill(f"{name}: {who.typed['comment']}")
    page.get_by_role("button", name=t("Send my rating")).click()
    expect(page.locator("h1")).to_have_text(t("Thank you"))
    if nei > 5:
        expect(page.locator("main")).to_contain_text(t("it cannot count toward the Endorsement"))
    else:
        expect(page.locator("main")).to_contain_text(
            t(
                "Your rating of {applicant} is sent to {association}.",
                applicant=who.full_name,
                association=ASSOCIATION,
            )
        )
    if check_pages or nei > 5:
        assert_page(page, t("Thank you"))
    page.context.close()


def fill_references(page, browser, live_server, who: Journey, application: Application) -> None:
    t = who.t
    section_link(page, who, "References").click()
    page.wait_for_url(f"**/portfolio/{application.pk}/references/")
    assert_page(page, t("References"))
    page.get_by_role("link", name=t("Ask someone for a rating")).click()
    for index, rater in enumerate(RATERS):
        invite(page, who, application, rater, last=index == len(RATERS) - 1)
    expect(page.locator("#references-summary")).to_have_text(
        t("References: 0 of 3 received, supervisor, RS/C provider and 1 other pending")
    )
    assert_page(page, t("References"))

    for index, rater in enumerate(RATERS):
        rate(browser, live_server, who, rater, check_pages=index == 0)
    nina = Reference.objects.get(application=application, rater_email="nina@example.org")
    assert nina.status == ReferenceStatus.NOT_COUNTED
    assert last_mail_to(who.email).subject == t("Please ask someone else for a reference rating")

    # The applicant is told, and replaces the rater whose rating does not count.
    page.reload()
    expect(page.locator("#references-summary")).to_have_text(
        t("References: 2 of 3 received, 1 other pending")
    )
    nina_row = page.get_by_role("row", name=re.compile("Nina Neighbour"))
    expect(nina_row).to_contain_text(t("Please ask someone else: choose “Replace”."))
    assert_page(page, t("References"))
    # The link reads "Replace" and, for screen readers, the rater's name.
    nina_row.get_by_role("link", name=f"{t('Replace')} Nina Neighbour").click()
    page.wait_for_url(f"**/references/{nina.pk}/replace/")
    assert_page(page, t("Replace {name}", name="Nina Neighbour"))
    new_name, new_email, _relationship, _nei = NEW_RATER
    page.get_by_label(t("Their full name")).fill(new_name)
    page.get_by_label(t("Their e-mail address")).fill(new_email)
    page.get_by_role("button", name=t("Send the invitation")).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/references/")
    expect(page.get_by_role("status").first).to_have_text(
        t(
            "We sent {new} an e-mail with a personal link. {old}'s link no longer works.",
            new=new_name,
            old="Nina Neighbour",
        )
    )

    rate(browser, live_server, who, NEW_RATER, check_pages=False)
    page.reload()
    expect(page.locator("#references-summary")).to_have_text(t("References: 3 of 3 received"))
    check = page.locator("#check-heading ~ ul")
    expect(check.locator(".badge")).to_contain_text([t("Met")] * 3)
    assert_page(page, t("References"))

    # The applicant did not waive the right to see the ratings: she reads one.
    page.get_by_role("link", name=t("Read the rating from {name}", name="Grace Gómez")).click()
    grace = Reference.objects.get(application=application, rater_email="grace@example.org")
    page.wait_for_url(f"**/references/{grace.pk}/")
    expect(page.locator("main")).to_contain_text(who.typed["comment"])
    assert_page(page, t("Rating from {name}", name="Grace Gómez"))
    page.get_by_role("link", name=t("Back to your references")).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/references/")


def sign_agreements(page, who: Journey, application: Application) -> None:
    t = who.t
    section_link(page, who, "Agreements").click()
    page.wait_for_url(f"**/portfolio/{application.pk}/agreements/")
    assert_page(page, t("Agreements"))
    for kind, title in (
        ("code_of_ethics", "Code of Ethics"),
        ("endorsement_agreement", "Endorsement Agreement"),
    ):
        section = page.locator(f"#agreement-{kind}")
        section.get_by_label(t("Type your full name to sign")).fill(who.full_name)
        section.get_by_role("button", name=t("Sign the {title}", title=t(title))).click()
        page.wait_for_url(f"**/portfolio/{application.pk}/agreements/")
        expect(page.locator(f"#agreement-{kind}")).to_contain_text(
            t("Signed by {name} on", name=who.full_name)
        )
    assert_page(page, t("Agreements"))
    assert Signature.objects.filter(application=application).count() == 2


def submit(page, who: Journey, application: Application) -> None:
    t = who.t
    section_link(page, who, "Summary and checklist").click()
    page.wait_for_url(f"**/portfolio/{application.pk}/")
    expect(page.locator("#check-status")).to_have_text(
        t("Every requirement is met. You can submit your portfolio.")
    )
    expect(page.locator(".check-item .badge", has_text=t("Not met"))).to_have_count(0)
    assert_page(page, t("Your portfolio: {category}", category=t(IFS)))
    page.get_by_role("link", name=t("Submit my portfolio…")).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/submit/")
    expect(page.locator("main")).to_contain_text(t("Every requirement is met."))
    assert_page(page, t("Submit your portfolio"))
    page.get_by_role("button", name=t("Submit my portfolio"), exact=True).click()

    # The dashboard says what happens next.
    page.wait_for_url("**/dashboard/applicant/")
    expect(page.get_by_role("status").first).to_have_text(
        t("Your portfolio is submitted. The coordinator will let you know when the review starts.")
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.submitted_at is not None
    expect(page.locator(f"#application-{application.pk}")).to_contain_text(
        t("Portfolio submitted, waiting for the review")
    )
    assert_page(page, t("Welcome, {name}", name=who.short_name))
