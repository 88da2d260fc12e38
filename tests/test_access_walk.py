"""One access-control walk for the whole portal.

Every URL pattern of the portal's apps (the namespaces of ``PORTAL_NAMESPACES`` and the API's),
read from the project's URLconf, is requested with GET and with POST by every persona of
``tests.access_world.PERSONAS``: the owner and the staff around her application, the
association's staff without the assignment, the other association's staff, another applicant,
a member without roles, the platform admin and anonymous visitors (a public page, which answers
everyone alike, by anonymous visitors and another applicant). Each answer must be the one
``PAGES`` expects (a refusal: 403, 404, 405, a redirect to log in; or what the page's people
get), and no request may change the data (``fingerprint``: every row of every portal table) or
queue anything to be done once the transaction commits (e-mails, tasks), and no answer to a
person a private page is not for may show the owner's name or e-mail address (nor a public
page her e-mail address or her certificate's file name).

The per-app privacy tests (``tests/*/test_privacy.py``) build on the same world
(``tests/access_world.py``) and take their answers from this ``PAGES``: they add what one walk
cannot (a portfolio still open to edits, roles withdrawn, crossed addresses, htmx posts, the
POSTs of the people a page is for).

A new URL pattern fails ``test_every_url_has_an_expectation`` (and the walk) until ``PAGES``
says who may reach it and what everyone else is answered.

``PAGES``: for each URL name, ``page(others, may, anonymous=, pk=)``:
- ``others``: the (GET, POST) answer of every signed-in persona not in ``may`` (one number: the
  same to both);
- ``may``: the personas the page is for (or who are refused otherwise, such as the owner of a
  portfolio locked for review: 403), with their (GET, POST) answers; ``ACTS`` for a POST that
  does what the page is for (sent by the tests of that page, not by this walk);
- ``anonymous``: the answers to anonymous visitors, a redirect to log in (``LOGIN``) unless said;
- ``pk``: the object of the world (``tests.access_world.build_world``) named by the URL's ``<pk>``.
``public(get, post)``: a page that answers everyone alike, anonymous visitors included.
"""

import time
from dataclasses import dataclass, field, replace

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AuditEntry
from audit.services import entry_log
from tests.access_world import (
    ANONYMOUS,
    PERSONAS,
    UNKNOWN_TOKEN,
    fingerprint,
    fingerprint_sql,
)
from tests.browser.phone_walk_helpers import PORTAL_NAMESPACES

# The namespaces walked: the portal's apps and the verification API.
NAMESPACES = (*PORTAL_NAMESPACES, "api")
# A public page answers everyone alike: anonymous visitors and one signed-in person try it.
PUBLIC_PAGES_TRIED_BY = (ANONYMOUS, "another applicant")
LOGIN = "log in"  # a redirect to the log-in page, coming back to the URL asked for
ACTS = None  # a POST that does what the page is for: not sent by the walk


@dataclass(frozen=True)
class Page:
    others: tuple
    may: dict = field(default_factory=dict)
    anonymous: tuple = (LOGIN, LOGIN)
    pk: str | None = None
    public: bool = False


def page(others, may=None, *, anonymous=(LOGIN, LOGIN), pk=None) -> Page:
    others = others if isinstance(others, tuple) else (others, others)
    return Page(others=others, may=may or {}, anonymous=anonymous, pk=pk)


def public(get, post, **kwargs) -> Page:
    return replace(page((get, post), anonymous=(get, post), **kwargs), public=True)


def same(answers: tuple, *who: str) -> dict:
    return dict.fromkeys(who, answers)


# The portfolio's readers: its owner, her advisor, the reviewers assigned, the coordinator.
READERS = ("owner", "advisor", "reviewer", "second reviewer", "coordinator")


PAGES = {
    # --- accounts ---
    "accounts:dashboard": page((302, 405), same((200, 405), "staff of another association")),
    "accounts:dashboard.applicant": page((200, 405)),
    "accounts:dashboard.role": page(403, same((200, 405), "coordinator")),
    "accounts:members": page(404, same((200, 405), "coordinator", "association admin")),
    "accounts:members.csv": page(404, same((200, 405), "coordinator", "association admin")),
    "accounts:profile": page(200),
    "accounts:workforce": page(200),
    "accounts:language": public(405, 302),
    "accounts:ui": page(
        (200, 405), same((403, 403), "owner", "another applicant", "member without roles")
    ),
    "accounts:people": page(403, same((200, 405), "association admin", "platform admin")),
    "accounts:people.invite": page(403, same((200, 400), "association admin", "platform admin")),
    "accounts:people.log": page(403, same((200, 405), "association admin", "platform admin")),
    "accounts:people.person": page(403, same((200, ACTS), "association admin", "platform admin")),
    "accounts:people.deactivate": page(
        403, same((200, ACTS), "association admin", "platform admin")
    ),
    "accounts:people.reactivate": page(
        403, same((405, 302), "association admin", "platform admin")
    ),
    "accounts:people.invitation.resend": page(
        403, same((405, ACTS), "association admin", "platform admin"), pk="invitation"
    ),
    "accounts:people.invitation.cancel": page(
        403, same((405, ACTS), "association admin", "platform admin"), pk="invitation"
    ),
    "accounts:invitation.accept": public(404, 404),
    # --- notifications ---
    "notifications:outbox": page(404, same((200, 405), "coordinator", "association admin")),
    "notifications:outbox.message": page(
        404, same((200, 405), "coordinator", "association admin"), pk="message"
    ),
    "notifications:outbox.resend": page(
        404, same((200, ACTS), "coordinator", "association admin"), pk="message"
    ),
    "notifications:reminders": page(403, same((200, 200), "coordinator", "association admin")),
    "notifications:reminders.scan": page(403, same((200, 302), "coordinator", "association admin")),
    "notifications:unsubscribe": public(404, 404),
    # --- audit ---
    "audit:log": page(404, same((200, 405), "coordinator", "association admin")),
    "notifications:unsubscribe.undo": public(405, 404),
    # --- competencies ---
    "competencies:home": public(200, 405),
    "competencies:association": public(200, 405),
    "competencies:category": public(200, 405),
    # --- portfolios ---
    "portfolios:start": page((200, 405)),
    "portfolios:reinstate": page(404, same((200, 302), "owner"), pk="endorsement"),
    "portfolios:category.add": page(404, same((200, 200), "owner"), pk="endorsement"),
    "portfolios:start.check": page((200, 405)),
    "portfolios:start.register": page((200, ACTS)),
    "portfolios:registration.edit": page(404, same((403, 403), "owner")),
    "portfolios:summary": page(404, same((200, 405), *READERS)),
    "portfolios:submit": page(404, same((403, 403), "owner")),
    "portfolios:education.list": page(404, same((200, 405), *READERS)),
    "portfolios:education.add": page(404, same((403, 403), "owner")),
    "portfolios:education.edit": page(404, same((403, 403), "owner"), pk="education"),
    "portfolios:education.delete": page(404, same((403, 403), "owner"), pk="education"),
    "portfolios:education.restore": page(404, same((403, 403), "owner"), pk="education"),
    "portfolios:education.transcript_status": page(
        404,
        same((405, 403), "owner", "advisor", "reviewer", "second reviewer")
        | same((405, 302), "coordinator"),
        pk="education",
    ),
    "portfolios:work.list": page(404, same((200, 405), *READERS)),
    "portfolios:work.add": page(404, same((403, 403), "owner")),
    "portfolios:work.edit": page(404, same((403, 403), "owner"), pk="work"),
    "portfolios:work.delete": page(404, same((403, 403), "owner"), pk="work"),
    "portfolios:work.restore": page(404, same((403, 403), "owner"), pk="work"),
    "portfolios:training.list": page(404, same((200, 405), *READERS)),
    "portfolios:training.add": page(404, same((403, 403), "owner")),
    "portfolios:training.edit": page(404, same((403, 403), "owner"), pk="training"),
    "portfolios:training.delete": page(404, same((403, 403), "owner"), pk="training"),
    "portfolios:training.restore": page(404, same((403, 403), "owner"), pk="training"),
    "portfolios:training.import": page(404, same((403, 403), "owner")),
    "portfolios:training.import_template": page(404, same((200, 405), *READERS)),
    "portfolios:training.import_items": page(404, same((200, 405), *READERS)),
    "portfolios:training.import_preview": page(404, same((403, 403), "owner")),
    "portfolios:training.import_done": page(404, same((403, 403), "owner")),
    "portfolios:rsc.list": page(404, same((200, 405), *READERS)),
    "portfolios:rsc.add": page(404, same((403, 403), "owner")),
    "portfolios:rsc.edit": page(404, same((403, 403), "owner"), pk="rsc"),
    "portfolios:rsc.delete": page(404, same((403, 403), "owner"), pk="rsc"),
    "portfolios:rsc.restore": page(404, same((403, 403), "owner"), pk="rsc"),
    "portfolios:references.list": page(404, same((200, 405), *READERS)),
    "portfolios:references.invite": page(404, same((403, 403), "owner")),
    "portfolios:references.detail": page(404, same((200, 405), *READERS), pk="reference"),
    "portfolios:references.resend": page(404, same((403, 403), "owner"), pk="reference"),
    "portfolios:references.replace": page(404, same((403, 403), "owner"), pk="reference"),
    "portfolios:references.withdraw": page(404, same((403, 403), "owner"), pk="reference"),
    "portfolios:rate": public(404, 404),
    "portfolios:agreements": page(
        404,
        same((200, 403), "owner")
        | same((200, 404), "advisor", "reviewer", "second reviewer", "coordinator"),
    ),
    "portfolios:document.download": page(404, same((200, 405), *READERS), pk="document"),
    "portfolios:timeline": page(404, same((200, 405), *READERS)),
    "portfolios:withdraw": page(404, same((200, ACTS), "owner")),
    "portfolios:resume": page(404, same((302, 302), "owner")),
    "portfolios:renewal": page(404, same((200, 405), "owner")),
    "portfolios:renewal.ethics": page(404, same((405, ACTS), "owner")),
    "portfolios:renewal.rsc_provider": page(404, same((405, ACTS), "owner")),
    "portfolios:renewal.submit": page(404, same((405, 400), "owner")),
    "portfolios:renewal.training.add": page(404, same((200, 400), "owner")),
    "portfolios:renewal.training.edit": page(404, same((200, 400), "owner"), pk="renewal training"),
    "portfolios:renewal.training.delete": page(
        404, same((200, ACTS), "owner"), pk="renewal training"
    ),
    "portfolios:renewal.training.import": page(404, same((200, 200), "owner")),
    "portfolios:renewal.rsc.add": page(404, same((200, 400), "owner")),
    "portfolios:renewal.rsc.edit": page(404, same((200, 400), "owner"), pk="renewal rsc"),
    "portfolios:renewal.rsc.delete": page(404, same((200, ACTS), "owner"), pk="renewal rsc"),
    "portfolios:renewals": page(403, same((200, 405), "coordinator")),
    "portfolios:renewal.review": page(404, same((200, 400), "coordinator"), pk="renewal"),
    "portfolios:addon.apply": page(404, same((200, 400), "owner"), pk="endorsement"),
    "portfolios:addon.detail": page(
        404, same((200, 403), "owner") | same((200, ACTS), "coordinator"), pk="holding"
    ),
    "portfolios:addon.document": page(404, same((200, 405), "owner", "coordinator"), pk="holding"),
    # --- endorsement ---
    "endorsement:accept": page(403, same((405, 302), "coordinator")),
    "endorsement:return": page(403, same((200, 302), "coordinator")),
    "endorsement:detail": page(403, same((200, 405), "coordinator")),
    "endorsement:hold": page(403, same((302, 302), "coordinator")),
    "endorsement:resume": page(403, same((302, 302), "coordinator")),
    "endorsement:deny": page(403, same((302, 200), "coordinator")),
    "endorsement:award": page(403, same((302, 302), "coordinator")),
    "endorsement:reinstate": page(403, same((302, 302), "coordinator")),
    "endorsement:pipeline.csv": page(403, same((200, 405), "coordinator")),
    "endorsement:transfer.request": page(404, same((200, 400), "owner"), pk="endorsement"),
    "endorsement:transfer.detail": page(
        404,
        same((200, 403), "owner", "coordinator")
        | same((200, 400), "coordinator of another association"),
        pk="transfer",
    ),
    "endorsement:emeritus.request": page(404, same((200, 400), "owner"), pk="endorsement"),
    "endorsement:emeritus.decide": page(404, same((200, ACTS), "coordinator"), pk="emeritus"),
    "endorsement:desk": page(403, same((200, 405), "coordinator", "association admin")),
    "endorsement:desk.csv": page(403, same((200, 405), "coordinator", "association admin")),
    "endorsement:desk.bulk": page(403, same((405, 400), "coordinator")),
    # --- reviews ---
    "reviews:advisor.assign": page(403, same((200, ACTS), "coordinator")),
    "reviews:advisor.request": page(404, same((405, 302), *READERS)),
    "reviews:advisor.ready": page(404, same((405, 302), *READERS)),
    "reviews:comment.add": page(
        404,
        same((200, ACTS), "owner", "advisor")
        | same((403, 403), "reviewer", "second reviewer", "coordinator"),
    ),
    "reviews:comment.reply": page(
        404,
        same((405, ACTS), "owner", "advisor")
        | same((405, 403), "reviewer", "second reviewer", "coordinator"),
        pk="comment",
    ),
    "reviews:comment.resolve": page(
        404,
        same((405, ACTS), "owner", "advisor")
        | same((405, 403), "reviewer", "second reviewer", "coordinator"),
        pk="comment",
    ),
    "reviews:comment.reopen": page(
        404,
        same((405, 302), "owner", "advisor")
        | same((405, 403), "reviewer", "second reviewer", "coordinator"),
        pk="comment",
    ),
    "reviews:review.assign": page(404, same((200, 200), "coordinator")),
    "reviews:review.decide": page(404, same((200, 200), "coordinator")),
    "reviews:assign.bulk": page(404, same((200, 200), "coordinator")),
    "reviews:review": page(404, same((200, 302), "reviewer")),
    "reviews:conflicts": page(
        404, same((200, 200), "reviewer", "second reviewer", "unassigned reviewer")
    ),
    "reviews:conflict.withdraw": page(
        404,
        same((405, ACTS), "reviewer") | same((405, 404), "second reviewer", "unassigned reviewer"),
        pk="conflict",
    ),
    "reviews:exam.sittings": page(403, same((200, 405), "coordinator")),
    "reviews:exam.sitting.add": page(403, same((200, ACTS), "coordinator")),
    "reviews:exam.sitting": page(403, same((200, 405), "coordinator"), pk="sitting"),
    "reviews:exam.sitting.edit": page(403, same((200, ACTS), "coordinator"), pk="sitting"),
    "reviews:exam.sitting.delete": page(403, same((200, 302), "coordinator"), pk="sitting"),
    "reviews:exam.sitting.register": page(403, same((405, 302), "coordinator"), pk="sitting"),
    "reviews:exam.part1": page(
        403,
        same((200, ACTS), "grader", "second grader", "coordinator", "unassigned grader"),
        pk="registration",
    ),
    "reviews:exam.part1.check": page(
        403,
        same((200, 405), "grader", "second grader", "coordinator", "unassigned grader"),
        pk="registration",
    ),
    "reviews:exam.graders": page(403, same((200, 200), "coordinator"), pk="registration"),
    "reviews:exam.score": page(404, same((200, ACTS), "grader"), pk="score"),
    "reviews:exam.register": page(404, same((200, 404), "owner")),
    # --- credentials ---
    "credentials:registry": public(200, 405),
    "credentials:registry.csv": page(403, same((200, 405), "coordinator")),
    "credentials:registry.listing": page(404, same((200, ACTS), "owner"), pk="endorsement"),
    "credentials:certificate.download": page(
        404, same((200, 405), "owner", "coordinator", "association admin"), pk="certificate"
    ),
    "credentials:certificate.status": page(
        404, same((200, 405), "owner", "coordinator", "association admin"), pk="certificate"
    ),
    "credentials:issuer": public(200, 405),
    "credentials:issuer.jwks": public(200, 405),
    "credentials:status_list": public(200, 405),
    "credentials:badge.download": page(
        404, same((200, 405), "owner", "coordinator", "association admin"), pk="endorsement"
    ),
    "credentials:badge.json": page(
        404, same((200, 405), "owner", "coordinator", "association admin"), pk="endorsement"
    ),
    "credentials:badge.check": public(200, 400),
    "credentials:certificate.retry": page(
        404, same((405, 302), "coordinator", "association admin"), pk="certificate"
    ),
    "credentials:name_change.request": page(404, same((200, 400), "owner"), pk="endorsement"),
    "credentials:name_change.decide": page(
        404, same((200, ACTS), "coordinator", "association admin"), pk="name change"
    ),
    "credentials:lookup": public(200, 405),
    "credentials:verify": public(200, 405),
    "credentials:revoke": page(403, same((200, ACTS), "coordinator"), pk="endorsement"),
    # --- billing ---
    "billing:invoices": page((200, 405)),
    "billing:invoice": page(
        404, same((200, 405), "owner", "coordinator", "association admin"), pk="invoice"
    ),
    "billing:invoice.pdf": page(
        404, same((200, 405), "owner", "coordinator", "association admin"), pk="invoice"
    ),
    "billing:invoice.pay": page(404, same((405, ACTS), "owner"), pk="invoice"),
    "billing:payment.record": page(404, same((405, 400), "association admin"), pk="invoice"),
    "billing:waiver.record": page(404, same((405, 400), "association admin"), pk="invoice"),
    "billing:refund.record": page(404, same((405, 400), "association admin"), pk="invoice"),
    "billing:waiver.request": page(404, same((405, 302), "owner"), pk="invoice"),
    "billing:waiver.request.decide": page(404, same((405, 400), "association admin"), pk="invoice"),
    "billing:membership": page((200, ACTS)),
    "billing:membership.proof": page((200, 400)),
    "billing:membership.proof.decide": page(
        404, same((200, 403), "owner") | same((200, 400), "coordinator"), pk="proof"
    ),
    "billing:membership.proof.file": page(
        404, same((200, 405), "owner", "coordinator"), pk="proof"
    ),
    "billing:receipt.pdf": page(
        (404, 405), same((200, 405), "owner", "coordinator", "association admin"), pk="payment"
    ),
    "billing:manual.checkout": page(404, same((200, 302), "owner")),
    "billing:stripe.webhook": public(405, 404),
    "billing:fees": page(403, same((200, 400), "association admin")),
    "billing:admin.invoices": page(403, same((200, 405), "association admin")),
    # --- reports ---
    "reports:index": page(403, same((200, 405), "coordinator", "association admin")),
    "reports:report": page(403, same((200, 405), "coordinator", "association admin")),
    "reports:report.csv": page(403, same((200, 405), "coordinator", "association admin")),
    # --- rights ---
    "rights:export": page((200, 405)),
    "rights:export.download": page((200, 405)),
    "rights:erasure": page(403, same((200, 405), "association admin", "platform admin")),
    # The person named (a reviewer) is no applicant to erase: 404 to those who may erase.
    "rights:erasure.confirm": page(403, same((404, 404), "association admin", "platform admin")),
    # --- api ---
    "api:openapi-json": public(200, 200),
    "api:openapi-view": public(200, 200),
    "api:lookup": public(405, 415),
    "api:endorsement": public(200, 405),
    "api:badge_verify": public(405, 400),
    "api:api-root": public(404, 404),
}


def portal_patterns() -> list[tuple[str, set[str]]]:
    """(name, parameters) of every URL pattern of the walked namespaces."""
    found = []

    def walk(patterns, namespace: str, params: set[str]):
        for entry in patterns:
            here = params | set(entry.pattern.converters)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, ":".join(filter(None, (namespace, entry.namespace))), here)
            elif isinstance(entry, URLPattern) and namespace.split(":")[0] in NAMESPACES:
                assert entry.name, f"give the URL {entry.pattern} a name (and a line in PAGES)"
                found.append((f"{namespace}:{entry.name}", here))

    walk(get_resolver().url_patterns, "", set())
    return found


def parameters(objects) -> dict:
    """What fills each URL parameter other than ``<pk>`` (and ``<code>`` of an add-on)."""
    return {
        "application_id": objects["application"].pk,
        "assignment_id": objects["assignment"].pk,
        "endorsement_id": objects["endorsement"].pk,
        "slug": objects["association"].slug,
        "code": objects["category in force"].code,
        "user_id": objects["staff person"].pk,
        "number": objects["endorsement"].number,
        "purpose": "revocation",
        "report": "applications",
        "role": "coordinator",
        "token": UNKNOWN_TOKEN,
        "session_id": objects["checkout"].session_id,
        "payment_pk": objects["payment"].pk,
        "request_pk": objects["waiver request"].pk,
        "document_pk": objects["add-on document"].pk,
    }


def walked_urls(objects) -> list[tuple[str, str]]:
    """(name, address) of every URL walked, filled with the world's objects."""
    patterns = portal_patterns()
    for name, _params in patterns:
        assert name in PAGES, (
            f"tell the access walk who may reach {name}: add a line to PAGES in {__name__}"
        )
    known = parameters(objects)
    urls = []
    for name, params in patterns:
        kwargs = {param: known[param] for param in params if param in known}
        if name == "portfolios:addon.apply":
            kwargs["code"] = objects["add-on"].code
        if "pk" in params and PAGES[name].pk:
            kwargs["pk"] = objects[PAGES[name].pk].pk
        unknown = params - set(kwargs)
        assert not unknown, f"tell the access walk how to fill {sorted(unknown)} in {name}"
        urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


def expected(name: str, who: str, method: str):
    spec = PAGES[name]
    answers = spec.anonymous if who == ANONYMOUS else spec.may.get(who, spec.others)
    return answers[0] if method == "get" else answers[1]


def post_data(people, objects) -> dict:
    """Every form's fields, filled in, so a page that let a refused POST through would act."""
    today = objects["association"].today()
    return {
        "body": "Let me in.",
        "section": "general",
        "decision": "approve",
        "note": "Because.",
        "reason": "Because.",
        "typed_name": "Ana Applicant",
        "hours": "99",
        "level": "master",
        "amount": "1",
        "currency": "USD",
        "method": "cash",
        "recommendation": "defer",
        "comments": "Changed.",
        "advisor": people["unassigned advisor"].pk,
        "reviewers": [people["unassigned reviewer"].pk],
        "graders": [people["unassigned grader"].pk],
        "applications": [objects["application"].pk],
        "due_on": today.isoformat(),
        "starts_at": "2030-01-01T10:00",
        "place": "Elsewhere",
        "capacity": "3",
        "correct": "55",
        "percent": "90",
        "listed": "on",
        "requested_name": "Someone Else",
        "email": "someone@example.org",
        "roles": ["reviewer"],
        "submit": "1",
    }


def answer(client, method: str, url: str, data: dict, **headers) -> tuple:
    """(answer, body) to ``method`` on ``url``: the answer is the status, or ``LOGIN`` for a
    redirect to log in that comes back to ``url``."""
    response = client.get(url, **headers) if method == "get" else client.post(url, data, **headers)
    # Reading a download to its end closes its file.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    location = response.get("Location", "")
    if response.status_code == 302 and location == f"/accounts/login/?next={url}":
        return LOGIN, body
    if response.status_code == 302 and location.startswith("/accounts/login/"):
        return f"302 to {location}", body
    return response.status_code, body


def log_in(client, people, who: str) -> None:
    client.logout()
    cache.clear()  # the token pages' limit on wrong tokens counts per address, as people do
    if who != ANONYMOUS:
        client.force_login(people[who])


def test_every_url_has_an_expectation():
    names = [name for name, _params in portal_patterns()]
    assert len(names) == len(set(names)), "two URL patterns share a name"
    missing = sorted(set(names) - set(PAGES))
    assert not missing, f"no expectation in PAGES ({__name__}) for {missing}"
    stale = sorted(set(PAGES) - set(names))
    assert not stale, f"PAGES names URLs that no longer exist: {stale}"
    unknown = {who for spec in PAGES.values() for who in spec.may} - set(PERSONAS)
    assert not unknown, f"PAGES names people the walk does not have: {sorted(unknown)}"


def test_a_new_url_without_an_expectation_fails_naming_it(monkeypatch):
    monkeypatch.delitem(PAGES, "billing:invoice")
    with pytest.raises(AssertionError, match="who may reach billing:invoice: add a line"):
        walked_urls({})


def test_the_walk(client, access_world, django_capture_on_commit_callbacks, mailoutbox):
    """Every URL, every persona, GET and POST: the expected answer, and nothing changed."""
    people, objects = access_world
    urls = walked_urls(objects)
    data = post_data(people, objects)
    sql = fingerprint_sql()
    owner = people["owner"]
    secrets = [owner.get_full_name().encode(), owner.email.encode()]
    # A public page may name her (the registry, a verification), never more.
    public_secrets = [owner.email.encode(), objects["certificate"].file.name.encode()]
    failures = []
    sent = 0
    started, cpu = time.monotonic(), time.process_time()
    with django_capture_on_commit_callbacks() as callbacks:
        for who in PERSONAS:
            log_in(client, people, who)
            tried = [
                (name, url, method)
                for name, url in urls
                for method in ("get", "post")
                if expected(name, who, method) is not ACTS
                and (who in PUBLIC_PAGES_TRIED_BY or not PAGES[name].public)
            ]
            before = fingerprint(sql)
            savepoint = transaction.savepoint()
            for name, url, method in tried:
                got, body = answer(client, method, url, data)
                want = expected(name, who, method)
                if got != want:
                    failures.append(f"{who}: {method.upper()} {url} ({name}) {got}, not {want}")
                # Whoever the page is not for learns nothing of the owner from the answer.
                if PAGES[name].public:
                    shown = [secret for secret in public_secrets if secret in body]
                elif who not in PAGES[name].may and who != "owner":
                    shown = [secret for secret in secrets if secret in body]
                else:
                    shown = []
                for secret in shown:
                    failures.append(f"{who}: {method.upper()} {url} shows {secret!r}")
            sent += len(tried)
            after = fingerprint(sql)
            if after == before:
                transaction.savepoint_commit(savepoint)
                continue
            # Something changed: undo it, then find the requests that did, one by one.
            transaction.savepoint_rollback(savepoint)
            for name, url, method in tried:
                before = fingerprint(sql)
                savepoint = transaction.savepoint()
                answer(client, method, url, data)
                after = fingerprint(sql)
                transaction.savepoint_rollback(savepoint)
                changed = sorted(table for table in after if after[table] != before[table])
                if changed:
                    failures.append(f"{who}: {method.upper()} {url} ({name}) changed {changed}")
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    print(f"access walk: {sent} requests in {elapsed:.1f} s ({cpu:.1f} s of this process's CPU)")
    assert not failures, "\n".join(failures)
    # Nothing waits for the commit but the audit log's lines: every refusal is recorded there
    # (its table is not watched).
    assert [c for c in callbacks if getattr(c, "func", None) is not entry_log] == []
    assert AuditEntry.objects.filter(action__startswith="permission.").exists()
    assert mailoutbox == []
    assert sent >= 5000
