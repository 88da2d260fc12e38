"""The credentials app's URLs (its pages and the verification API) beyond the access walk
(tests/test_access_walk.py tries every URL as everyone, anonymous visitors included, with GET
and POST, and checks that refusals change nothing and do not show the holder): the POSTs of the
people a page is for act (so the walk's unchanged data means refused), and public answers show
only public facts.

The URLs are read from the project's URLconf: every pattern of the ``credentials`` and ``api``
namespaces and any other whose view lives in the ``credentials`` package. A URL this test has
no expectation for fails it: add one line to ``PAGES`` (who may reach it, with what answers;
which object of the world fills its ``<pk>``).

Public pages (verification, look-up, registry, the API) answer everyone alike, anonymous
visitors included. The holder's and the staff's pages answer 404 to signed-in people who may
not see the object (a certificate, the holder's listing) and 403 to anyone without the
coordinator's role on the coordinator's pages (the portal's ``AssociationRoleRequiredMixin``);
anonymous visitors are sent to log in. Refused requests change nothing, send nothing.
"""

import json
from dataclasses import dataclass, field

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.enums import Role
from credentials import verification
from credentials.keys import key_generate
from credentials.models import Certificate, CertificateState, NameChangeRequest
from endorsement.enums import EndorsementStatus
from tests.factories import (
    PDF_BYTES,
    ApplicationFactory,
    EndorsementFactory,
    MembershipFactory,
    RoleGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# The namespaces that are the credentials app's (its pages, the verification API).
NAMESPACES = ("credentials", "api")
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Expect:
    """Who may reach a URL and what they are answered.

    ``public``: everyone (anonymous visitors too) gets ``(GET, POST)`` = ``answers``.
    Otherwise ``may`` maps each person who may reach it to their ``(GET, POST)`` answers, every
    other signed-in person gets ``refused`` to both, anonymous visitors a log-in redirect.
    ``fill`` names the world's object whose pk fills each other parameter of the URL (``slug``
    and ``number`` are the association's and the endorsement's). ``json``: POST the look-up's
    JSON body instead of the form fields."""

    public: bool = False
    answers: tuple[int, int] = (200, 405)
    may: dict = field(default_factory=dict)
    refused: int = 404
    fill: dict = field(default_factory=dict)
    json: bool = False


def public(get: int = 200, post: int = 405, *, json: bool = False, **fill) -> Expect:
    return Expect(public=True, answers=(get, post), fill=fill, json=json)


def private(refused: int, may: dict, **fill) -> Expect:
    return Expect(may=may, refused=refused, fill=fill)


READ_ONLY = (200, 405)
# The holder, and the coordinators and admins of the endorsement's association.
CERTIFICATE_READERS = dict.fromkeys(("holder", "coordinator", "association admin"), READ_ONLY)

PAGES = {
    # Public, no login.
    "credentials:verify": public(),
    "credentials:lookup": public(),
    "credentials:registry": public(),
    "api:api-root": public(404, 404),
    # django-ninja serves its document and docs page whatever the method.
    "api:openapi-json": public(200, 200),
    "api:openapi-view": public(200, 200),
    "api:endorsement": public(),
    "api:lookup": public(405, 200, json=True),
    "api:badge_verify": public(405, 200, json=True),
    # Open Badges 3.0: the issuer's profile, keys and status lists are public; a pasted badge
    # that is not valid is answered 400 on the check page.
    "credentials:issuer": public(),
    "credentials:issuer.jwks": public(),
    "credentials:status_list": public(),
    "credentials:badge.check": public(200, 400),
    # The holder's certificate, for them and their association's coordinators and admins.
    "credentials:certificate.download": private(404, CERTIFICATE_READERS, pk="certificate"),
    "credentials:certificate.status": private(404, CERTIFICATE_READERS, pk="certificate"),
    # The holder's Open Badges credential, for the same people.
    "credentials:badge.download": private(404, CERTIFICATE_READERS, pk="endorsement"),
    "credentials:badge.json": private(404, CERTIFICATE_READERS, pk="endorsement"),
    # The coordinator's "Try again" for a failed certificate (POST only).
    "credentials:certificate.retry": private(
        404, dict.fromkeys(("coordinator", "association admin"), (405, 302)), pk="certificate"
    ),
    # A change of name: the holder asks, the association's coordinators and admins decide.
    "credentials:name_change.request": private(404, {"holder": (200, 400)}, pk="endorsement"),
    "credentials:name_change.decide": private(
        404, dict.fromkeys(("coordinator", "association admin"), (200, 400)), pk="name change"
    ),
    # The holder's registry listing.
    "credentials:registry.listing": private(404, {"holder": (200, 302)}, pk="endorsement"),
    # The coordinator's pages.
    "credentials:registry.csv": private(403, {"coordinator": READ_ONLY}),
    "credentials:revoke": private(403, {"coordinator": (200, 302)}, pk="endorsement"),
}

SIGNED_IN = (
    "holder",
    "coordinator",
    "association admin",
    "another holder",
    "another applicant",
    "unassigned advisor",
    "unassigned reviewer",
    "unassigned grader",
    "member without roles",
    "coordinator of another association",
    "admin of another association",
    "staff of another association",
    "platform admin",
)
PEOPLE = (*SIGNED_IN, ANONYMOUS)


def certificate_of(endorsement) -> Certificate:
    certificate = Certificate.objects.create(
        endorsement=endorsement,
        holder_name=endorsement.holder.get_full_name(),
        state=CertificateState.READY,
    )
    certificate.file.save("certificate.pdf", ContentFile(PDF_BYTES))
    return certificate


@pytest.fixture
def world(association, other_association, category, make_staff, settings, monkeypatch):
    """Ana's endorsement in Northfield with its certificate, not listed in the registry; Bea
    holds another one with her own certificate; and everyone around them. Returns
    (people, objects)."""
    settings.API_RATE_LIMIT_GET = settings.API_RATE_LIMIT_LOOKUP = "10000/m"
    monkeypatch.setattr(verification, "LOOKUP_LIMIT", 10_000)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(superuser, generate_totp_secret())
    people = {
        "holder": UserFactory(full_name="Ana Holder"),
        "coordinator": make_staff(Role.COORDINATOR, association),
        "association admin": make_staff(Role.ASSOCIATION_ADMIN, association),
        "another holder": UserFactory(full_name="Bea Holder"),
        "another applicant": UserFactory(),
        "unassigned advisor": make_staff(Role.ADVISOR, association),
        "unassigned reviewer": make_staff(Role.REVIEWER, association),
        "unassigned grader": make_staff(Role.EXAM_GRADER, association),
        "member without roles": MembershipFactory(association=association).user,
        "coordinator of another association": make_staff(Role.COORDINATOR, other_association),
        "admin of another association": make_staff(Role.ASSOCIATION_ADMIN, other_association),
        "staff of another association": make_staff(Role.REVIEWER, other_association),
        "platform admin": superuser,
    }
    for role in (Role.ADVISOR, Role.EXAM_GRADER):
        RoleGrantFactory(
            role=role, association=other_association, user=people["staff of another association"]
        )
    endorsement = EndorsementFactory(
        category=category,
        application__applicant=people["holder"],
        number="NORTHFIELD-IFS-2026-0001",
    )
    theirs = EndorsementFactory(
        category=category,
        application__applicant=people["another holder"],
        number="NORTHFIELD-IFS-2026-0002",
        registry_listed=True,
        registry_place="Lakeview",
    )
    ApplicationFactory(category=category, applicant=people["another applicant"], state="accepted")
    key_generate(association=association)
    objects = {
        "association": association,
        "endorsement": endorsement,
        "certificate": certificate_of(endorsement),
        "their certificate": certificate_of(theirs),
        "name change": NameChangeRequest.objects.create(
            endorsement=endorsement,
            holder=people["holder"],
            requested_name="Ana Beltrán",
            reason="Married.",
        ),
    }
    return people, objects


def _view_module(callback) -> str:
    view = getattr(callback, "view_class", None) or getattr(callback, "func", None) or callback
    return getattr(view, "__module__", "") or ""


def credentials_patterns() -> list[tuple[str, set[str]]]:
    """(name, parameters) of every URL of the credentials app in the project's URLconf."""
    found = []

    def walk(patterns, namespace: str, params: set[str]):
        for entry in patterns:
            here = params | set(entry.pattern.converters)
            if isinstance(entry, URLResolver):
                inner = ":".join(filter(None, (namespace, entry.namespace)))
                walk(entry.url_patterns, inner, here)
            elif isinstance(entry, URLPattern) and (
                namespace in NAMESPACES or _view_module(entry.callback).startswith("credentials.")
            ):
                assert entry.name, f"give the URL {entry.pattern} a name (and a line in PAGES)"
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                found.append((name, here))

    walk(get_resolver().url_patterns, "", set())
    return found


def credentials_urls(objects) -> list[tuple[str, str]]:
    """(name, address) of every URL of the credentials app, filled with the world's objects."""
    defaults = {
        "slug": objects["association"].slug,
        "number": objects["endorsement"].number,
        "purpose": "revocation",
    }
    urls = []
    for name, params in credentials_patterns():
        assert name in PAGES, (
            f"tell this test who may reach {name}: add a line to PAGES in {__name__}"
        )
        kwargs = {}
        for param in params:
            if param in PAGES[name].fill:
                kwargs[param] = objects[PAGES[name].fill[param]].pk
            elif param in defaults:
                kwargs[param] = defaults[param]
        unknown = params - set(kwargs)
        assert not unknown, f"tell this test how to fill {unknown} in {name} (PAGES' fill)"
        urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


def post_data(people, objects) -> dict:
    """Every form's fields, filled in, so a page that let a refused POST through would act."""
    return {
        "listed": "on",
        "place": "Somewhere else",
        "reason": "Because.",
        "number": objects["endorsement"].number,
        "q": "Ana",
        "badge": "not.a.badge",
    }


def request(client, method: str, name: str, url: str, data: dict, objects):
    """The answer to ``method`` on ``url``, its content read into ``body`` (which closes a
    file download's handle)."""
    if method == "post" and PAGES[name].json:
        if name == "api:badge_verify":
            body = {"credential": "not.a.badge"}
        else:
            body = {"numbers": [objects["endorsement"].number, "NOPE-2026-0001"]}
        response = client.post(url, data=json.dumps(body), content_type="application/json")
    else:
        response = getattr(client, method)(url, data if method == "post" else None)
    if response.streaming:
        response.body = b"".join(response.streaming_content)  # which closes the file
    else:
        response.body = response.content
    return response


def expected(name: str, who: str, method: str) -> int:
    page = PAGES[name]
    if page.public:
        answers = page.answers
    elif who in page.may:
        answers = page.may[who]
    elif who == ANONYMOUS:
        answers = (302, 302)
    else:
        answers = (page.refused, page.refused)
    return answers[0] if method == "get" else answers[1]


def log_in(client, people, who):
    client.logout()
    if who != ANONYMOUS:
        client.force_login(people[who])


def test_the_posts_of_the_people_concerned_act(client, world, mailoutbox):
    """The refused POSTs above carry data that works: from the people a page is for, they
    list the holder, revoke the endorsement (so an unchanged database means refused)."""
    people, objects = world
    urls = credentials_urls(objects)
    data = post_data(people, objects)
    answers, wanted = {}, {}
    for name, url in urls:
        for who in PAGES[name].may:
            log_in(client, people, who)
            answers[(name, who)] = request(client, "post", name, url, data, objects).status_code
            wanted[(name, who)] = expected(name, who, "post")
    assert answers == wanted
    endorsement = objects["endorsement"]
    endorsement.refresh_from_db()
    assert endorsement.registry_listed is True
    assert endorsement.registry_place == "Somewhere else"
    assert endorsement.status == EndorsementStatus.REVOKED
    assert endorsement.status_reason == "Because."


def test_the_public_answers_show_only_public_facts(client, world):
    """What an outsider reads on the public URLs: the holder's name and number, never their
    e-mail address or the certificate's private file name."""
    people, objects = world
    log_in(client, people, "another applicant")
    holder = people["holder"]
    certificate = objects["certificate"]
    for name, url in credentials_urls(objects):
        if not PAGES[name].public:
            continue
        text = request(client, "get", name, url, {}, objects).body.decode()
        assert holder.email not in text, name
        assert certificate.file.name not in text, name
