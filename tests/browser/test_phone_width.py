"""Every page of every role's journeys at phone width (390x844): no page scrolls sideways and
axe-core finds nothing.

The demo's data set (``seed_demo``) has an application in every state with its evidence,
references, reviews and exam sitting. One browser per person follows every same-site link from
where that person starts (their dashboard, the public home page, a rater's link), one page per
URL name (more of the coordinator's application pages, which differ by state). A failure names
the person, the page and the widest element, or axe's findings; every failure of the walk is
listed at once.

``WALKED`` lists the URL names the walk must reach and ``SKIPPED`` (phone_walk_helpers) those it
leaves out, with the reason: a new GET page of the portal apps fails
``test_every_portal_page_is_walked_or_skipped`` until it is in one of them.
"""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User
from demo.accounts import DEMO_PASSWORD, demo_totp_secret
from endorsement.enums import ApplicationState
from endorsement.models import Application
from portfolios.enums import RaterRelationship
from portfolios.references import reference_invite
from tests.browser.helpers import PHONE, current_totp_code, rating_path
from tests.browser.phone_walk_helpers import (
    EVERYONE,
    PORTAL_NAMESPACES,
    SKIPPED,
    Walk,
    new_phone_page,
)
from tests.factories import ApplicationFactory, ExamSittingFactory

pytestmark = pytest.mark.browser

NORTHFIELD = "northfield.example.org"

# Who walks, where they start, and whether they need an authenticator code.
# Applicants share what they have seen: Gus first (a full portfolio, deferred), then Ben (his
# portfolio still being built: the forms), Erin (approved: the exam) and Farah (endorsed).
APPLICANTS = {
    "applicant with a full portfolio (Gus)": f"gus@{NORTHFIELD}",
    "applicant building a portfolio (Ben)": f"ben@{NORTHFIELD}",
    "applicant approved (Erin)": f"erin@{NORTHFIELD}",
    "applicant endorsed (Farah)": f"farah@{NORTHFIELD}",
}
STAFF = {
    "coordinator": f"coordinator@{NORTHFIELD}",
    "advisor": f"advisor@{NORTHFIELD}",
    "reviewer": f"reviewer@{NORTHFIELD}",
    "grader": f"grader@{NORTHFIELD}",
    "association admin": f"admin@{NORTHFIELD}",
}
# The coordinator's pages of an application show other buttons in each state; the admin's own
# page on People has no "Deactivate" link, another person's has.
LIMITS = {"endorsement:detail": 12, "reviews:exam.sitting": 3, "accounts:people.person": 2}

# The URL names the walk reaches (all persons together).
WALKED = {
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_email",
    "account_change_password",
    "mfa_index",
    "accounts:dashboard.applicant",
    "accounts:ui",
    "accounts:dashboard.role",
    "accounts:profile",
    "accounts:people",
    "accounts:people.invite",
    "accounts:people.log",
    "accounts:people.person",
    "accounts:people.deactivate",
    "accounts:members",
    "notifications:outbox",
    "notifications:outbox.message",
    "notifications:outbox.resend",
    "notifications:reminders",
    "notifications:reminders.scan",
    "audit:log",
    "accounts:workforce",
    "competencies:home",
    "competencies:association",
    "competencies:category",
    "portfolios:start",
    "portfolios:start.check",
    "portfolios:start.register",
    "portfolios:registration.edit",
    "portfolios:summary",
    "portfolios:submit",
    "portfolios:education.list",
    "portfolios:education.add",
    "portfolios:education.edit",
    "portfolios:education.delete",
    "portfolios:work.list",
    "portfolios:work.add",
    "portfolios:work.edit",
    "portfolios:work.delete",
    "portfolios:training.list",
    "portfolios:training.add",
    "portfolios:training.edit",
    "portfolios:training.delete",
    "portfolios:training.import",
    "portfolios:rsc.list",
    "portfolios:rsc.add",
    "portfolios:rsc.edit",
    "portfolios:rsc.delete",
    "portfolios:references.list",
    "portfolios:references.invite",
    "portfolios:references.detail",
    "portfolios:references.replace",
    "portfolios:references.withdraw",
    "portfolios:rate",
    "portfolios:agreements",
    "portfolios:timeline",
    "portfolios:withdraw",
    # Farah's approved Endorsed Reflective Supervisor add-on, from her dashboard.
    "portfolios:addon.detail",
    "endorsement:return",
    "endorsement:detail",
    "endorsement:hold",
    "endorsement:resume",
    "endorsement:deny",
    "endorsement:award",
    "endorsement:desk",
    "endorsement:emeritus.request",
    "reviews:advisor.assign",
    "reviews:comment.add",
    "reviews:review.assign",
    "reviews:review.decide",
    "reviews:review",
    "reviews:conflicts",
    "reviews:exam.sittings",
    "reviews:exam.sitting.add",
    "reviews:exam.sitting",
    "reviews:exam.sitting.edit",
    "reviews:exam.sitting.delete",
    "reviews:exam.part1",
    "reviews:exam.graders",
    "reviews:exam.score",
    "reviews:exam.register",
    "credentials:registry",
    "credentials:registry.listing",
    "billing:invoices",
    "billing:invoice",
    "billing:fees",
    "billing:admin.invoices",
    "reports:index",
    "reports:report",
    # Data rights: the applicant's "Download my data" page, the admin's erasure pages (the
    # walk opens the confirmation of one applicant, never posts it).
    "rights:export",
    "rights:erasure",
    "rights:erasure.confirm",
}
# An association's invoices are alike: a few are enough.
LIMITS["billing:invoice"] = 3


def portal_url_names() -> set[str]:
    """Every URL name of the portal apps."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace:
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, None)
    return {name for name in names if name.split(":")[0] in PORTAL_NAMESPACES}


def test_every_portal_page_is_walked_or_skipped():
    portal = portal_url_names()
    walked = {name for name in WALKED if name.split(":")[0] in PORTAL_NAMESPACES}
    assert sorted(portal - walked - set(SKIPPED)) == [], "neither walked nor skipped"
    assert sorted((walked | set(SKIPPED)) - portal) == [], "no such URL name"
    assert sorted(walked & set(SKIPPED)) == [], "both walked and skipped"


def log_in(walk: Walk, email: str, secret: str = "") -> None:
    page = walk.page
    walk.open("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if secret:
        page.wait_for_url("**/accounts/2fa/authenticate/")
        walk.check("mfa_authenticate")
        page.get_by_label("Code").fill(current_totp_code(secret))
        page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    page.wait_for_load_state()


def a_rating_link() -> str:
    """A new rater asked for Ben's portfolio (still being built): the link of their e-mail."""
    application = Application.objects.get(applicant__email=f"ben@{NORTHFIELD}", state="accepted")
    mail.outbox.clear()
    reference_invite(
        application=application,
        rater_name="Pat Rater",
        rater_email="pat.rater@example.org",
        relationship=RaterRelationship.CURRENT_SUPERVISOR,
        waive=False,
        by=application.applicant,
    )
    [message] = [m for m in mail.outbox if m.to == ["pat.rater@example.org"]]
    return rating_path(message)


def more_states() -> dict[str, Application]:
    """What the demo lacks: an application to award (approved, no exam), one on hold, Ben's
    second registration returned to him, and a sitting nobody registered for yet."""
    ben = User.objects.get(email=f"ben@{NORTHFIELD}")
    ifs = Application.objects.get(applicant__email=f"gus@{NORTHFIELD}", state="deferred").category
    imhs = Application.objects.get(
        applicant__email=f"carla@{NORTHFIELD}", state="submitted"
    ).category
    northfield = ifs.framework.association
    ExamSittingFactory(association=northfield, place="Lakeview Library, Room 2")
    return {
        "submitted": Application.objects.get(
            applicant__email=f"carla@{NORTHFIELD}", state="submitted"
        ),
        "approved": ApplicationFactory(
            category=ifs, state=ApplicationState.APPROVED, applicant__full_name="Ivy Approved"
        ),
        "on hold": ApplicationFactory(
            category=ifs, state=ApplicationState.ON_HOLD, applicant__full_name="Hal Held"
        ),
        "returned": ApplicationFactory(
            category=imhs, state=ApplicationState.RETURNED, applicant=ben
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_every_page_fits_a_phone_and_passes_axe(browser, live_server):
    call_command("seed_demo", "--even-without-debug", verbosity=0)
    extra = more_states()
    EVERYONE.clear()
    origin = live_server.url
    walks = []

    def walk_as(who: str) -> Walk:
        walk = Walk(who, new_phone_page(browser, origin))
        walks.append(walk)
        return walk

    visitor = walk_as("anonymous visitor")
    for path in ("/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        visitor.crawl(origin, path)

    rater = walk_as("rater")
    rater.open(a_rating_link())

    applicants_saw: dict[str, int] = {}
    for who, email in APPLICANTS.items():
        walk = walk_as(who)
        log_in(walk, email)
        walk.crawl(origin, "/dashboard/applicant/", counts=applicants_saw)
        if email.startswith("ben@"):
            ben = Application.objects.get(applicant__email=email, state="accepted")
            walk.crawl(origin, f"/portfolio/{ben.pk}/references/", counts=applicants_saw)
            walk.open(f"/portfolio/{ben.pk}/submit/")
            walk.open("/portfolio/start/northfield/IFS/")
    for who, email in STAFF.items():
        walk = walk_as(who)
        log_in(walk, email, demo_totp_secret(email))
        walk.crawl(origin, walk.page.url, limits=LIMITS)
        if who == "coordinator":
            walk.crawl(origin, "/dashboard/", limits=LIMITS)
            for state, step in (
                ("approved", "award"),
                ("on hold", "resume"),
                ("submitted", "hold"),
            ):
                walk.open(f"/coordinator/applications/{extra[state].pk}/{step}/")
            # The components page (staff only, reached by its address: docs/ui.md).
            walk.open("/ui/")

    for walk in walks:
        walk.page.context.close()
    failures = [failure for walk in walks for failure in walk.failures]
    visited = set().union(*(walk.visited for walk in walks))
    missing = sorted(WALKED - visited)
    if missing:
        failures.append(f"the walk did not reach: {', '.join(missing)}")
    assert failures == [], f"{len(failures)} problems at 390 px:\n" + "\n".join(failures)


def test_the_check_names_the_page_and_the_widest_element(bare_page):
    """The walk's check fails a page wider than the phone, naming the element that sticks out,
    and passes it once that element fits."""
    bare_page.set_viewport_size(PHONE)
    bare_page.set_content(
        '<html lang="en"><head><title>Wide</title></head><body><main><h1>Wide</h1>'
        '<div id="lists"><table id="evidence" style="width: 700px"><caption>Evidence</caption>'
        '<tr><th scope="col">Hours</th></tr><tr><td>12</td></tr></table></div></main></body></html>'
    )
    walk = Walk("tester", bare_page)
    walk.check("portfolios:training.list")
    assert [failure.split(":", 2)[:2] for failure in walk.failures] == [
        ["tester at portfolios", "training.list (blank)"]
    ]
    [failure] = walk.failures
    assert "the document is 708 px wide in a 390 px viewport" in failure
    assert 'widest: table#evidence (700 px wide, right edge at 708 px) "Evidence' in failure

    bare_page.eval_on_selector("#evidence", "table => table.style.width = '100%'")
    walk.failures.clear()
    walk.check("portfolios:training.list")
    assert walk.failures == []
