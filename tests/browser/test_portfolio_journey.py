"""The whole journey in the browser, in English and in Spanish (issue 3, item 8).

An applicant signs up, confirms the e-mail address, checks which category fits and registers for
IFS; the coordinator accepts the registration in another browser; the applicant fills every
section (a transcript upload, work, trainings imported from a CSV file and one added by hand,
RS/C), asks three raters, who rate through the e-mailed links in their own browsers without an
account (one answers "not enough information" too often, the rating does not count and the
applicant replaces that rater), signs both agreements; the checklist turns complete and the
portfolio is submitted. axe-core checks every page at desktop and phone widths.

The Spanish journey is the same, driven by the Spanish words on the pages: the applicant chooses
Español when signing up, from a browser set to English, and the portal keeps her choice; her
raters get Spanish e-mails and forms. The coordinator works in English.
"""

import datetime
import re
from dataclasses import dataclass

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.enums import Role
from accounts.models import User
from accounts.services import membership_record
from endorsement.enums import ApplicationState
from endorsement.models import Application
from portfolios.enums import ReferenceStatus
from portfolios.models import Education, Reference, RSCEntry, Signature, Training, WorkExperience
from tests.browser.helpers import DESKTOP, TIMEOUT_MS, assert_page, current_totp_code, log_in
from tests.factories import DEFAULT_PASSWORD, RoleGrantFactory

pytestmark = pytest.mark.browser

PASSWORD = "Kangaroo-Lantern-42"
ASSOCIATION = "Northfield Association for Infant Mental Health"
IFS = "Infant Family Specialist"


def small_pdf() -> bytes:
    """A small, valid PDF: one empty page, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    pdf = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return pdf


# Trainings as an applicant keeps them in a spreadsheet: 28 hours, 6 of them on diversity,
# equity and inclusion; the competency items are those of IFS, by name.
CSV_ENGLISH = (
    "title,provider,date,hours,format,competencies,dei,rsc\r\n"
    "Foundations of infant mental health,Northfield University,2025-02-14,12,workshop,"
    '"Pregnancy & early parenthood; Infant/very young child development & behavior; '
    'Relationship-focused practice",no,no\r\n'
    "Working with families across cultures,Northfield University,2025-05-09,6,workshop,"
    '"Cultural competence; Family relationships & dynamics",yes,no\r\n'
    "Observation in home visiting,Early Head Start Network,2025-09-20,10,conference,"
    '"Observation & listening; Screening & assessment; Responding with empathy",no,no\r\n'
)
# The same from a spreadsheet in Spanish: Spanish column names and words, semicolons, dates as
# MM/DD/YYYY and a decimal comma, as Excel writes them in many Latin American locales (a cell
# holding the separator is quoted).
CSV_SPANISH = (
    "título;proveedor;fecha;horas;formato;competencias;dei;sc/r\r\n"
    "Fundamentos de la salud mental infantil;Universidad de Northfield;02/14/2025;12;taller;"
    '"Pregnancy & early parenthood; Infant/very young child development & behavior; '
    'Relationship-focused practice";no;no\r\n'
    "Trabajo con familias de distintas culturas;Universidad de Northfield;05/09/2025;6;taller;"
    '"Cultural competence; Family relationships & dynamics";sí;no\r\n'
    "Observación en las visitas domiciliarias;Red Early Head Start;09/20/2025;9,5;conferencia;"
    '"Observation & listening; Screening & assessment; Responding with empathy";no;no\r\n'
)


@dataclass
class Journey:
    """Who takes the journey, in which language, and the words they see on the pages."""

    language: str  # the code of the applicant's language: "en" or "es"
    language_name: str  # as the sign-up form shows it
    full_name: str
    short_name: str
    email: str
    csv: str
    csv_hours: str  # the hours of the imported rows, as the pages write them
    total_hours: str  # with the training added by hand
    typed: dict[str, str]  # what the applicant and the raters write, in their language
    words: dict[str, str] | None = None  # English on the page -> this language; None: English

    def t(self, text: str, **values) -> str:
        """The page's words for this English text (from the catalogue), with the values in."""
        if self.words is not None:
            text = self.words[text]
        return text.format(**values) if values else text

    def data(self, text: str) -> str:
        """A text of the framework data (area, item) as the pages show it in this language."""
        with translation.override(self.language):
            return gettext(text)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.CLAMAV_SOCKET = ""
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = ""


@pytest.fixture
def northfield(association):
    call_command("load_framework", "--association", association.slug, verbosity=0)
    call_command("load_agreements", "--association", association.slug, verbosity=0)
    return association


@pytest.fixture
def coordinator(northfield):
    """A coordinator of the association with an authenticator app set up: (e-mail, secret)."""
    grant = RoleGrantFactory(
        association=northfield,
        role=Role.COORDINATOR,
        user__email="casey@example.org",
        user__full_name="Casey Coordinator",
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    return grant.user.email, secret


def new_page(browser, live_server):
    """A page in a browser context of its own (set to English): another person at another
    computer."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def months_ago(today: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` before this one."""
    index = today.year * 12 + today.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def field(page, label: str):
    """The form field with exactly this label (crispy-forms adds "*" to required ones)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def rating_path(message) -> str:
    [path] = re.findall(r"https?://[^/\s]+(/portfolio/rate/[A-Za-z0-9_-]{43}/)", message.body)
    return path


def last_mail_to(address: str):
    return [message for message in mail.outbox if message.to == [address]][-1]


# --- the steps ---------------------------------------------------------------------------------


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
    page.wait_for_url("**/accounts/login/")
    assert_page(page, "Log in")

    log_in(page, who.email, PASSWORD)
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
    assert_page(page, t("Register for {name} ({code})", name=IFS, code="IFS"))
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
        "Your registration for {category} is accepted", category=f"{IFS} (IFS)"
    )
    page.reload()
    page.get_by_role("link", name=t("Open your portfolio ({code})", code="IFS")).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/")
    expect(page.locator("#check-status")).to_contain_text(t("requirements met"))
    assert_page(page, t("Your portfolio: {category}", category=IFS))


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


def invite(page, who: Journey, application: Application, rater) -> None:
    t = who.t
    name, email, relationship, _nei = rater
    page.get_by_role("link", name=t("Ask someone for a rating")).click()
    page.wait_for_url("**/references/invite/")
    assert_page(page, t("Ask someone for a rating"))
    page.get_by_label(t("Their full name")).fill(name)
    page.get_by_label(t("Their e-mail address")).fill(email)
    page.get_by_label(t("How do they know your work?")).select_option(relationship)
    # The raters get the applicant's language unless she chooses another.
    expect(page.get_by_label(t("Language of the e-mail and form they receive"))).to_have_value(
        who.language
    )
    page.get_by_role("button", name=t("Send the invitation")).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/references/")
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
    for rater in RATERS:
        invite(page, who, application, rater)
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
    assert_page(page, t("Your portfolio: {category}", category=IFS))
    page.get_by_role("link", name=t("Submit my portfolio…")).click()
    page.wait_for_url(f"**/portfolio/{application.pk}/submit/")
    expect(page.locator("main")).to_contain_text(t("Every requirement is met."))
    assert_page(page, t("Submit your portfolio"))
    page.get_by_role("button", name=t("Submit my portfolio"), exact=True).click()

    page.wait_for_url(f"**/portfolio/{application.pk}/")
    expect(page.get_by_role("status").first).to_have_text(
        t("Your portfolio is submitted. The coordinator will let you know when the review starts.")
    )
    expect(page.locator(".portfolio-state")).to_have_text(
        t("Status: {state}.", state=t("Submitted"))
    )
    assert_page(page, t("Your portfolio: {category}", category=IFS))
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert application.submitted_at is not None

    page.get_by_role("link", name=t("Dashboard"), exact=True).first.click()
    page.wait_for_url("**/dashboard/applicant/")
    expect(page.locator(f"#application-{application.pk}")).to_contain_text(t("Submitted"))
    assert_page(page, t("Welcome, {name}", name=who.short_name))


def take_the_journey(page, browser, live_server, association, coordinator, tmp_path, who):
    today = timezone.localdate()
    sign_up(page, live_server, who)
    application = check_and_register(page, association, who)
    coordinator_accepts(browser, live_server, coordinator, who)
    open_portfolio(page, who, application)
    fill_education(page, who, application, tmp_path)
    fill_work(page, who, application, today)
    import_trainings(page, who, application, tmp_path)
    add_training(page, who, application)
    add_rsc(page, who, application, today)
    fill_references(page, browser, live_server, who, application)
    sign_agreements(page, who, application)
    submit(page, who, application)


def test_the_whole_journey_in_english(
    page, browser, live_server, northfield, coordinator, tmp_path
):
    who = Journey(
        language="en",
        language_name="English",
        full_name="Ana María Pérez",
        short_name="Ana",
        email="ana.perez@example.org",
        csv=CSV_ENGLISH,
        csv_hours="28",
        total_hours="32",
        typed={
            "note": "I am a home visitor with Early Head Start.",
            "credential": "BA in Child Development",
            "role": "Home visitor",
            "population": "Families with infants and toddlers",
            "training": "Attachment, separation and loss",
            "comment": "A warm, careful listener.",
        },
    )
    take_the_journey(page, browser, live_server, northfield, coordinator, tmp_path, who)


# The Spanish words of the pages, as the catalogue (locale/es/LC_MESSAGES/django.po) has them.
SPANISH = {
    # Dashboard and start
    "Welcome, {name}": "Le damos la bienvenida, {name}",
    "Start an application": "Comenzar una solicitud",
    "Membership is required: join {name}": "Se requiere la membresía: hágase miembro de {name}",
    "You are a member of {name} until": "Usted es miembro de {name} hasta el",
    "Which category fits you?": "¿Qué categoría le corresponde?",
    "Your highest education": "Su nivel de estudios más alto",
    "Years of paid work with infants or young children": (
        "Años de trabajo remunerado con bebés o niños pequeños"
    ),
    "Hours of specialized in-service training so far": (
        "Horas de capacitación especializada en servicio hasta ahora"
    ),
    "Hours of reflective supervision/consultation (RS/C) received": (
        "Horas de supervisión/consulta reflexiva (SC/R) recibidas"
    ),
    "Show the categories that fit": "Mostrar las categorías que le corresponden",
    "You need 10 more hours of training.": "Le faltan 10 horas más de capacitación.",
    "Register for {code}": "Inscribirse en {code}",
    "Register for {name} ({code})": "Inscribirse en {name} ({code})",
    "Years of related work": "Años de trabajo relacionado",
    "Anything the coordinator should know (optional)": (
        "Lo que la persona coordinadora debería saber (opcional)"
    ),
    "Register": "Inscribirse",
    "Waiting for the coordinator to accept your registration.": (
        "Esperando a que la persona coordinadora acepte su inscripción."
    ),
    "Your registration for {category} is accepted": "Su inscripción en {category} fue aceptada",
    "Open your portfolio ({code})": "Abrir su portafolio ({code})",
    "Dashboard": "Mi panel",
    # Portfolio: summary and sections
    "Your portfolio: {category}": "Su portafolio: {category}",
    "requirements met": "requisitos cumplidos",
    "Portfolio sections": "Secciones del portafolio",
    "Summary and checklist": "Resumen y lista de verificación",
    "Met": "Cumplido",
    "Not met": "No cumplido",
    "Save": "Guardar",
    "Saved.": "Guardado.",
    "Education": "Educación",
    "Add education": "Agregar estudios",
    "Level": "Nivel",
    "Credential or degree": "Credencial o título",
    "Institution": "Institución",
    "Started": "Fecha de inicio",
    "Completed": "Fecha de finalización",
    "Transcript (a copy)": "Copia del expediente académico (transcript)",
    "Copy uploaded": "Copia subida",
    "Work experience": "Experiencia laboral",
    "Add work experience": "Agregar experiencia laboral",
    "Employer": "Empleador",
    "Your role or job title": "Su función o puesto",
    "Hours per week": "Horas por semana",
    "Population served": "Población atendida",
    "Kind of work": "Tipo de trabajo",
    "Paid work": "Trabajo remunerado",
    "with infants or young children and their families together": (
        "con bebés o niños pequeños junto con sus familias"
    ),
    "Supervisor's name": "Nombre del/de la supervisor/a",
    "Supervisor's e-mail": "Correo electrónico del/de la supervisor/a",
    "Do your years count?": "¿Cuentan sus años?",
    "Work experience: ": "Experiencia laboral: ",
    "Training": "Capacitación",
    "Specialized in-service training": "Capacitación especializada en servicio",
    "Import many trainings from a spreadsheet": (
        "Importar muchas capacitaciones desde una hoja de cálculo"
    ),
    "Spreadsheet saved as CSV": "Hoja de cálculo guardada como CSV",
    "Check the file": "Revisar el archivo",
    "Check the rows before importing": "Revise las filas antes de importarlas",
    "3 rows can be imported.": "Se pueden importar 3 filas.",
    "Rows with errors": "Filas con errores",
    "Import the {count} valid rows": "Importar las {count} filas válidas",
    "Import finished": "Importación terminada",
    "3 trainings from “trainings.csv” were added to your portfolio.": (
        "Se agregaron a su portafolio 3 capacitaciones de “trainings.csv”."
    ),
    "See your trainings": "Ver sus capacitaciones",
    "{count} trainings": "{count} capacitaciones",
    "Total: {total} hours ({dei} on diversity, equity and inclusion; {rsc} on providing RS/C).": (
        "Total: {total} horas ({dei} sobre diversidad, equidad e inclusión; {rsc} sobre cómo "
        "brindar SC/R)."
    ),
    "Add a training": "Agregar una capacitación",
    "Title": "Título",
    "Provider": "Proveedor/a",
    "Date": "Fecha",
    "Hours": "Horas",
    "Format": "Formato",
    "Training: {have} of 30 hours": "Capacitación: {have} de 30 horas",
    "Reflective supervision/consultation": "Supervisión/consulta reflexiva",
    "Add reflective supervision/consultation": "Agregar supervisión/consulta reflexiva",
    "Provider's name": "Nombre de quien brinda la SC/R",
    "Provider's endorsement number": "Número de Endoso de quien brinda la SC/R",
    "Individual": "Individual",
    "From": "Desde",
    "To": "Hasta",
    "30 of 24 hours within 24 months": "30 de 24 horas dentro de 24 meses",
    # References, and the rater's page
    "References": "Referencias",
    "Ask someone for a rating": "Pedir una evaluación a alguien",
    "Their full name": "Nombre completo de la persona",
    "Their e-mail address": "Correo electrónico de la persona",
    "How do they know your work?": "¿Cómo conoce esta persona su trabajo?",
    "Language of the e-mail and form they receive": (
        "Idioma del correo electrónico y del formulario que recibirá"
    ),
    "Send the invitation": "Enviar la invitación",
    "We sent {name} an e-mail with a personal link to rate you.": (
        "Le enviamos a {name} un correo electrónico con un enlace personal para que evalúe su "
        "trabajo."
    ),
    "References: 0 of 3 received, supervisor, RS/C provider and 1 other pending": (
        "Referencias: 0 de 3 recibidas; pendientes: supervisor/a, SC/R (quien se la brinda) y 1 más"
    ),
    "References: 2 of 3 received, 1 other pending": (
        "Referencias: 2 de 3 recibidas; pendientes: 1 más"
    ),
    "References: 3 of 3 received": "Referencias: 3 de 3 recibidas",
    "{applicant} asks you for a reference rating": (
        "{applicant} le pide una evaluación de referencia"
    ),
    "Reference rating for {applicant}": "Evaluación de referencia para {applicant}",
    "Not enough information": "No hay suficiente información",
    "Strong": "Sólido",
    "Comments (optional)": "Comentarios (opcional)",
    "Send my rating": "Enviar mi evaluación",
    "Thank you": "Gracias",
    "Your rating of {applicant} is sent to {association}.": (
        "Su evaluación de {applicant} se envió a {association}."
    ),
    "it cannot count toward the Endorsement": "no puede contar para el Endoso",
    "Please ask someone else for a reference rating": (
        "Pida una evaluación de referencia a otra persona"
    ),
    "Please ask someone else: choose “Replace”.": "Pídasela a otra persona: elija “Reemplazar”.",
    "Replace": "Reemplazar",
    "Replace {name}": "Reemplazar a {name}",
    "We sent {new} an e-mail with a personal link. {old}'s link no longer works.": (
        "Le enviamos a {new} un correo electrónico con un enlace personal. El enlace de {old} "
        "ya no funciona."
    ),
    "Read the rating from {name}": "Leer la evaluación de {name}",
    "Rating from {name}": "Evaluación de {name}",
    "Back to your references": "Volver a sus referencias",
    # Agreements and submission
    "Agreements": "Acuerdos",
    "Code of Ethics": "Código de Ética",
    "Endorsement Agreement": "Acuerdo del Endoso",
    "Type your full name to sign": "Escriba su nombre completo para firmar",
    "Sign the {title}": "Firmar el {title}",
    "Signed by {name} on": "Firmado por {name} el",
    "Every requirement is met. You can submit your portfolio.": (
        "Se cumplen todos los requisitos. Puede enviar su portafolio."
    ),
    "Every requirement is met.": "Se cumplen todos los requisitos.",
    "Submit my portfolio…": "Enviar mi portafolio…",
    "Submit your portfolio": "Enviar su portafolio",
    "Submit my portfolio": "Enviar mi portafolio",
    "Your portfolio is submitted. The coordinator will let you know when the review starts.": (
        "Su portafolio se envió. La persona coordinadora le avisará cuando comience la revisión."
    ),
    "Status: {state}.": "Estado: {state}.",
    "Submitted": "Enviada",
}


def test_the_whole_journey_in_spanish(
    page, browser, live_server, northfield, coordinator, tmp_path
):
    who = Journey(
        language="es",
        language_name="Español",
        full_name="Lucía Hernández Gómez",
        short_name="Lucía",
        email="lucia.hernandez@example.org",
        csv=CSV_SPANISH,
        csv_hours="27,5",
        total_hours="31,5",
        typed={
            "note": "Soy visitadora domiciliaria en Early Head Start.",
            "credential": "Licenciatura en Desarrollo Infantil",
            "role": "Visitadora domiciliaria",
            "population": "Familias con bebés y niños pequeños",
            "training": "Apego, separación y pérdida",
            "comment": "Escucha con calidez y atención.",
        },
        words=SPANISH,
    )
    take_the_journey(page, browser, live_server, northfield, coordinator, tmp_path, who)
