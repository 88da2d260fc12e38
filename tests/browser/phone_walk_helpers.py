"""The phone-width walk (tests/browser/test_phone_width.py): one browser per person at 390 px,
following every same-site link from where they start, each page checked for sideways scrolling
and with axe-core; the URL names the walk may skip, and why."""

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

from tests.browser.helpers import PHONE, TIMEOUT_MS, axe_violations, format_violations

# The portal apps whose GET pages the walk must reach (or skip with a reason below).
PORTAL_NAMESPACES = (
    "accounts",
    "audit",
    "notifications",
    "competencies",
    "endorsement",
    "portfolios",
    "reviews",
    "credentials",
    "billing",
    "reports",
    "rights",
)

# URL names the walk never opens, with the reason. POST-only views answer a GET with 405 or a
# redirect; downloads are not pages; htmx fragments are parts of pages the walk checks.
SKIPPED = {
    "accounts:language": "POST only: the language switch",
    "accounts:dashboard": "redirects to the person's own dashboard, which the walk opens",
    "accounts:members.csv": "a CSV download",
    "portfolios:education.restore": "POST only: undo a deletion",
    "portfolios:work.restore": "POST only: undo a deletion",
    "portfolios:training.restore": "POST only: undo a deletion",
    "portfolios:rsc.restore": "POST only: undo a deletion",
    "portfolios:education.transcript_status": "POST only: the coordinator's transcript status",
    "portfolios:references.resend": "POST only: a new link for a rater",
    "portfolios:document.download": "a file download",
    "portfolios:addon.document": "a file download",
    "portfolios:addon.apply": "tests/browser/test_add_ons.py (1280, 390, axe)",
    "portfolios:training.import_template": "a CSV download",
    "portfolios:training.import_items": "a CSV download",
    "portfolios:training.import_preview": (
        "shown after uploading a spreadsheet (tests/browser/test_csv_import.py)"
    ),
    "portfolios:training.import_done": (
        "shown after importing a spreadsheet (tests/browser/test_csv_import.py)"
    ),
    "portfolios:resume": "POST only: a GET goes back to the timeline",
    "endorsement:accept": "POST only: the coordinator accepts a registration",
    "reviews:comment.reply": "POST only: reply to a comment",
    "endorsement:pipeline.csv": "a CSV download",
    "endorsement:reinstate": "tests/browser/test_reinstatement.py (1280, 390, axe)",
    "portfolios:reinstate": "tests/browser/test_reinstatement.py (1280, 390, axe)",
    "portfolios:category.add": "tests/browser/test_reinstatement.py (1280, 390, axe)",
    "endorsement:transfer.request": "tests/browser/test_transfer.py (1280, 390, axe)",
    "endorsement:transfer.detail": "tests/browser/test_transfer.py (1280, 390, axe)",
    "billing:invoice.pdf": "a PDF download",
    "billing:receipt.pdf": "a PDF download",
    "billing:invoice.pay": "POST only: the applicant starts an online payment",
    "billing:payment.record": "POST only: the association admin records a payment",
    "billing:waiver.record": "POST only: the association admin records a waiver",
    "billing:refund.record": "POST only: the association admin records a refund",
    "billing:waiver.request": "POST only: the applicant asks for a waiver",
    "billing:waiver.request.decide": "POST only: the association admin answers a waiver request",
    "billing:membership": "tests/browser/test_membership_online.py (1280, 390, axe)",
    "billing:membership.proof": "tests/browser/test_transfer.py (1280, 390, axe)",
    "billing:membership.proof.decide": "tests/browser/test_transfer.py (1280, 390, axe)",
    "billing:membership.proof.file": "a file download",
    "billing:manual.checkout": (
        "opened by paying an invoice: tests/browser/test_billing.py (390, axe)"
    ),
    "billing:stripe.webhook": "POST only: Stripe's signed notifications, not a page",
    "reviews:advisor.request": "POST only: the applicant asks for an advisor",
    "reviews:advisor.ready": "POST only: the advisor marks the portfolio ready",
    "reviews:comment.resolve": "POST only: resolve a comment",
    "reviews:comment.reopen": "POST only: reopen a comment",
    "reviews:assign.bulk": "POST only: the pipeline's bulk assignment",
    "reviews:conflict.withdraw": "POST only: withdraw a conflict of interest",
    "reviews:exam.sitting.register": "POST only: register an applicant for a sitting",
    "reviews:exam.part1.check": "an htmx fragment of the sitting page",
    "credentials:certificate.download": "a PDF download",
    "credentials:certificate.status": "htmx fragment: the certificate's progress",
    "credentials:registry.csv": "a CSV download",
    "credentials:verify": "public, no login: tests/browser/test_verification.py (1280, 390, axe)",
    "credentials:lookup": "public, no login: tests/browser/test_verification.py (1280, 390, axe)",
    "credentials:revoke": "tests/browser/test_verification.py (1280, 390, axe)",
    "credentials:issuer": "JSON for badge verifiers (tests/credentials/test_badges.py)",
    "credentials:issuer.jwks": "JSON for badge verifiers (tests/credentials/test_badges.py)",
    "credentials:status_list": "a signed VC-JWT for badge verifiers",
    "credentials:badge.download": "a .jwt download",
    "credentials:badge.json": "JSON: the badge's content",
    "credentials:badge.check": (
        "public, no login: tests/browser/test_verification.py (1280, 390, axe)"
    ),
    "accounts:people.reactivate": "POST only: reactivate a person",
    "accounts:people.invitation.resend": "POST only: a new invitation link",
    "accounts:people.invitation.cancel": "POST only: cancel an invitation",
    "notifications:unsubscribe": (
        "public, no login: the link at the end of a non-essential e-mail "
        "(tests/browser/test_unsubscribe.py, 1280 and 390, axe)"
    ),
    "notifications:unsubscribe.undo": "POST only: receive non-essential e-mail again",
    "accounts:invitation.accept": (
        "the invitee's link, no login: tests/browser/test_people.py (1280, 390, axe)"
    ),
    "credentials:certificate.retry": "POST only: the coordinator's Try again",
    "credentials:name_change.request": "tests/browser/test_name_change.py (1280, 390, axe)",
    "credentials:name_change.decide": "tests/browser/test_name_change.py (1280, 390, axe)",
    "reports:report.csv": "a CSV download",
    "rights:export.download": "a zip download (tests/rights/test_export.py)",
    "endorsement:desk.csv": "a CSV download",
    "endorsement:desk.bulk": "POST only: the renewal desk's bulk actions (their confirmation)",
    "endorsement:emeritus.decide": (
        "opened from the coordinator's needs-you row when a holder asks (tests/endorsement)"
    ),
    "portfolios:renewal": "tests/browser/test_renewal.py (1280, 390, axe)",
    "portfolios:renewal.ethics": "POST only: the holder signs the Code of Ethics",
    "portfolios:renewal.rsc_provider": "POST only: the holder says they provide RS/C",
    "portfolios:renewal.submit": "POST only: the holder submits the renewal",
    "portfolios:renewal.training.add": "tests/browser/test_renewal.py (1280, 390, axe)",
    "portfolios:renewal.training.edit": "the add form's page (tests/browser/test_renewal.py)",
    "portfolios:renewal.training.delete": "tests/browser/test_renewal.py (1280, 390, axe)",
    "portfolios:renewal.training.import": "tests/browser/test_renewal.py (1280, 390, axe)",
    "portfolios:renewal.rsc.add": "tests/browser/test_renewal.py (1280, 390, axe)",
    "portfolios:renewal.rsc.edit": "the add form's page (tests/browser/test_renewal.py)",
    "portfolios:renewal.rsc.delete": "the training's delete page (tests/browser/test_renewal.py)",
    "portfolios:renewals": "tests/browser/test_renewal.py (1280, 390, axe)",
    "portfolios:renewal.review": "tests/browser/test_renewal.py (1280, 390, axe)",
}

# Links the walk does not follow: they change the session or leave the portal's pages.
NOT_FOLLOWED = {"account_logout", "accounts:language"}


def page_name(path: str) -> str | None:
    """The URL name of a path (``namespace:name``), None for a path the portal does not have."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


# The element sticking out furthest to the right (the outermost of those ending there),
# described as tag#id.classes with its width.
WIDEST_JS = """() => {
  const limit = window.innerWidth;
  let worst = null;
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit + 0.5) continue;
    if (!worst || box.right > worst.right + 0.5)
      worst = {el, right: box.right, width: box.width};
  }
  if (!worst) return '';
  const el = worst.el;
  const classes = typeof el.className === 'string' && el.className.trim()
    ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
  const text = (el.innerText || '').trim().slice(0, 40).replace(/\\s+/g, ' ');
  return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes}`
    + ` (${Math.round(worst.width)} px wide, right edge at ${Math.round(worst.right)} px)`
    + (text ? ` "${text}"` : '');
}"""


@dataclass
class Walk:
    """One person's walk: their browser page, what was seen and what failed."""

    who: str
    page: object
    visited: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)

    def check(self, name: str) -> None:
        """The page as it is now: no sideways scrolling at 390 px, nothing for axe."""
        page = self.page
        where = f"{self.who} at {name} ({urlsplit(page.url).path})"
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            widest = page.evaluate(WIDEST_JS)
            self.failures.append(
                f"{where}: the document is {widths[0]} px wide in a {widths[1]} px viewport;"
                f" widest: {widest or 'unknown'}"
            )
        violations = axe_violations(page)
        if violations:
            self.failures.append(f"{where}: axe-core:\n{format_violations(violations)}")

    def open(self, url: str) -> str | None:
        """Open ``url`` and check it; the URL name of the page shown, None if it failed."""
        response = self.page.goto(url)
        self.page.wait_for_load_state()
        path = urlsplit(self.page.url).path
        name = page_name(path)
        if response is None or response.status >= 400:
            status = response.status if response else "no response"
            self.failures.append(f"{self.who}: {url} answered {status}")
            return None
        self.visited.add(name)
        self.check(name)
        return name

    def links(self, origin: str) -> list[str]:
        """The same-site links of the page as it is now, without fragments or downloads."""
        hrefs = self.page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))"
        )
        found = []
        for href in hrefs:
            url = urljoin(self.page.url, href).split("#")[0]
            if url.startswith(origin + "/"):
                found.append(url)
        return found

    def crawl(
        self,
        origin: str,
        start: str,
        *,
        limits: dict[str, int] | None = None,
        counts: dict[str, int] | None = None,
    ) -> None:
        """Every page reachable by links from ``start``: one per URL name, or as many as
        ``limits`` says for that name (the coordinator's application pages differ by state).

        ``counts`` (pages opened per URL name) may be shared between walks: a page another
        person of the same kind has seen is not opened again. The pages that look the same for
        everyone (account settings, the public pages) are opened once in the whole walk."""
        limits = limits or {}
        counts = {} if counts is None else counts
        queue_start = urljoin(origin, start)
        queue = [queue_start]
        seen_urls: set[str] = set()
        while queue:
            url = queue.pop(0)
            if url in seen_urls:
                continue
            seen_urls.add(url)
            name = page_name(urlsplit(url).path)
            if name is None or name in SKIPPED or name in NOT_FOLLOWED:
                continue
            if name.startswith("admin:"):
                continue
            tally = counts if name.split(":")[0] in PER_PERSON else EVERYONE
            if tally.get(name, 0) >= limits.get(name, 1) and url != queue_start:
                continue
            tally[name] = tally.get(name, 0) + 1
            if self.open(url) is None:
                continue
            queue.extend(link for link in self.links(origin) if link not in seen_urls)


# The namespaces whose pages differ by who looks; the others (allauth's account pages, the
# public pages) are opened once in the whole walk (``EVERYONE`` counts them: reset per test).
PER_PERSON = ("accounts", "endorsement", "portfolios", "reviews")
EVERYONE: dict[str, int] = {}


def new_phone_page(browser, base_url: str):
    context = browser.new_context(viewport=PHONE, base_url=base_url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page
