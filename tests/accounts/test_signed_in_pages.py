"""The signed-in pages' per-person cache (accounts.signed_in_pages): a second visit serves the
same page with this answer's CSRF token and nonce for a few queries; any change the pages show
(evidence, a comment, a workflow step, the person's language) shows at once; nobody else ever
gets the page; messages are never lost; anonymous visitors and other pages are untouched."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.messages import INFO
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role
from accounts.public_pages import CSRF_MARK
from accounts.services import user_set_language
from accounts.signed_in_pages import (
    GENERATION_KEY,
    cached_signed_in_page,
    is_commit_bump,
    signed_in_pages_generation,
)
from endorsement.services import application_transition
from portfolios.enums import TrainingFormat
from portfolios.models import Training
from portfolios.services import evidence_save
from reviews.services.advising import comment_add
from tests.factories import UserFactory
from tests.portfolios.check_helpers import accepted_application

DASHBOARD = "/dashboard/applicant/"


@pytest.fixture
def application(category, applicant):
    return accepted_application(category, applicant)


@pytest.fixture
def as_applicant(client, application):
    client.force_login(application.applicant)
    return client


def summary_url(application) -> str:
    return reverse("portfolios:summary", kwargs={"application_id": application.pk})


def coordinator_url(association) -> str:
    return f"/a/{association.slug}/dashboard/coordinator/"


def _without_tokens(content: bytes) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())
    return re.sub(r'nonce="[^"]+"', "", page)


def _tokens(content: bytes) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', content.decode()))


def _nonces(content: bytes) -> set[str]:
    return set(re.findall(r'nonce="([^"]+)"', content.decode()))


def test_a_second_visit_serves_the_same_page_with_its_own_token_and_nonce(
    as_applicant, application
):
    for url in (DASHBOARD, summary_url(application)):
        first = as_applicant.get(url)
        second = as_applicant.get(url)
        assert (first.status_code, second.status_code) == (200, 200)
        assert _without_tokens(second.content) == _without_tokens(first.content)
        assert CSRF_MARK.encode() not in second.content
        assert b"public-page-mark-" not in second.content
        # This answer's nonce, the one its header names, not the first answer's.
        nonce = _nonces(second.content)
        assert len(nonce) == 1
        assert nonce != _nonces(first.content)
        assert f"'nonce-{nonce.pop()}'" in second["Content-Security-Policy"]
        # The language form's token is a valid one for this visitor (masked anew each time).
        assert len(_tokens(second.content)) == 1
        assert _tokens(second.content) != _tokens(first.content)


def test_a_cache_hit_costs_only_what_runs_before_the_view(
    as_applicant, application, coordinator, association
):
    """Only what runs before the view: the session, the user, the MFA middleware's staff-role
    check (its authenticator check is remembered in the session)."""
    staff = Client()
    staff.force_login(coordinator)
    for client, url in (
        (as_applicant, DASHBOARD),
        (as_applicant, summary_url(application)),
        (staff, coordinator_url(association)),
    ):
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        tables = [re.search(r'FROM "(\w+)"', q["sql"]).group(1) for q in queries.captured_queries]
        assert tables == ["django_session", "accounts_user", "accounts_rolegrant"], (url, tables)


def _text(response) -> str:
    """The words of the page's main part."""
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_new_evidence_shows_at_once(as_applicant, application):
    url = summary_url(application)
    assert "Training 0 " in _text(as_applicant.get(url))
    training = Training(
        application=application,
        title="Circle of Security workshop",
        provider="Northfield AIMH",
        date=datetime.date(2025, 3, 1),
        hours=Decimal("6"),
        format=TrainingFormat.WORKSHOP,
    )
    evidence_save(application=application, instance=training, by=application.applicant)
    assert "Training 1 " in _text(as_applicant.get(url))


def test_a_comment_shows_at_once(as_applicant, application, make_staff, association):
    advisor = make_staff(Role.ADVISOR, association)
    application.advisor = advisor
    application.save(update_fields=["advisor"])
    assert "not resolved yet" not in as_applicant.get(DASHBOARD).content.decode()
    comment_add(application=application, by=advisor, section="training", body="Add the hours.")
    assert (
        "1 comment on your portfolio is not resolved yet."
        in as_applicant.get(DASHBOARD).content.decode()
    )


def test_a_workflow_step_shows_at_once_to_the_applicant_and_the_coordinator(
    as_applicant, application, coordinator, association
):
    staff = Client()
    staff.force_login(coordinator)
    before = staff.get(coordinator_url(association)).content.decode()
    applicant_before = as_applicant.get(DASHBOARD).content.decode()
    application_transition(application=application, action="withdraw", by=application.applicant)
    after = staff.get(coordinator_url(association)).content.decode()
    assert _without_tokens(after.encode()) != _without_tokens(before.encode())
    assert "You withdrew your application" not in applicant_before
    assert "You withdrew your application" in as_applicant.get(DASHBOARD).content.decode()


def test_the_persons_language_shows_at_once(as_applicant, application):
    assert as_applicant.get(DASHBOARD)["Content-Language"] == "en"
    user_set_language(user=application.applicant, language="es")
    response = as_applicant.get(DASHBOARD)
    assert response["Content-Language"] == "es"
    assert '<html lang="es"' in response.content.decode()


def test_nobody_else_gets_the_page(as_applicant, application, category, association, make_staff):
    assert "Welcome, Ana" in _text(as_applicant.get(DASHBOARD))
    other = UserFactory(full_name="Olga Other")
    other_client = Client()
    other_client.force_login(other)
    theirs = other_client.get(DASHBOARD)
    assert theirs.status_code == 200
    assert "Welcome, Olga" in _text(theirs)
    assert "Infant Family Specialist" not in _text(theirs)
    # The portfolio's summary, cached for its owner, is still refused to someone else.
    assert as_applicant.get(summary_url(application)).status_code == 200
    assert other_client.get(summary_url(application)).status_code == 404
    # A coordinator of another association: refused their dashboard here, every time.
    stranger = make_staff(Role.COORDINATOR, association=_another_association())
    stranger_client = Client()
    stranger_client.force_login(stranger)
    for _ in range(2):
        assert stranger_client.get(coordinator_url(association)).status_code == 403


def _another_association():
    from tests.factories import AssociationFactory

    return AssociationFactory(slug="elsewhere", name="Elsewhere Association")


def test_a_refusal_is_never_kept(rf, user):
    """Whatever the view answers but a 200 goes out as it is, and the next visit renders it
    again."""
    calls = []

    def render():
        calls.append(1)
        return HttpResponse("no", status=403)

    for _ in range(2):
        request = _request(rf, user)
        assert cached_signed_in_page(request, render).status_code == 403
    assert len(calls) == 2


def test_an_answer_with_a_cookie_a_message_or_a_session_change_is_never_kept(rf, user):
    calls = []

    def with_cookie():
        calls.append(1)
        response = HttpResponse(b"page")
        response.set_cookie("seen", "1")
        return response

    def with_message(request):
        def render():
            calls.append(1)
            request._messages.add(INFO, "Saved.")
            return HttpResponse(b"page")

        return render

    def with_session(request):
        def render():
            calls.append(1)
            request.session["last_page"] = "dashboard"
            return HttpResponse(b"page")

        return render

    for _ in range(2):
        cached_signed_in_page(_request(rf, user, "/a/"), with_cookie)
        request = _request(rf, user, "/b/")
        cached_signed_in_page(request, with_message(request))
        request = _request(rf, user, "/c/")
        cached_signed_in_page(request, with_session(request))
    assert len(calls) == 6


def test_the_key_names_the_query_string_and_htmx(rf, user):
    pages = iter([b"page 1", b"page 2", b"page 3", b"page 4"])

    def render():
        return HttpResponse(next(pages))

    assert cached_signed_in_page(_request(rf, user, "/d/"), render).content == b"page 1"
    assert cached_signed_in_page(_request(rf, user, "/d/?page=2"), render).content == b"page 2"
    htmx = _request(rf, user, "/d/", HTTP_HX_REQUEST="true")
    assert cached_signed_in_page(htmx, render).content == b"page 3"
    assert cached_signed_in_page(_request(rf, user, "/d/"), render).content == b"page 1"
    # Someone else at the same address.
    other = UserFactory()
    assert cached_signed_in_page(_request(rf, other, "/d/"), render).content == b"page 4"


def _request(rf, user, path="/a/", **headers):
    request = rf.get(path, **headers)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.csp_nonce = "n"
    return request


def test_messages_are_never_lost(as_applicant, application):
    """A message waiting (here: from saving the profile) shows on the next page, cached or not,
    and only once."""
    as_applicant.get(DASHBOARD)
    response = as_applicant.post(
        reverse("accounts:profile"),
        {"full_name": "Ana Applicant", "preferred_language": "en", "optional_emails": "on"},
    )
    assert response.status_code == 302
    with_message = as_applicant.get(DASHBOARD).content.decode()
    assert "Your profile is saved." in with_message
    assert "Your profile is saved." not in as_applicant.get(DASHBOARD).content.decode()
    # A page rendered with a message waiting is not kept with it either.
    as_applicant.post(
        reverse("accounts:profile"),
        {"full_name": "Ana Applicant", "preferred_language": "en", "optional_emails": "on"},
    )
    assert "Your profile is saved." in as_applicant.get(DASHBOARD).content.decode()
    assert "Your profile is saved." not in as_applicant.get(DASHBOARD).content.decode()


def test_every_request_that_may_write_forgets_the_pages(as_applicant, application):
    """A view's ``queryset.update()`` sends no signal: any POST empties the cache once
    answered, whatever it answers."""
    generation = signed_in_pages_generation()
    as_applicant.post(reverse("accounts:profile"), {})
    assert signed_in_pages_generation() > generation
    generation = signed_in_pages_generation()
    as_applicant.get(DASHBOARD)
    as_applicant.get(DASHBOARD)
    assert signed_in_pages_generation() == generation


def test_writes_to_the_logs_alone_keep_the_pages(application):
    """Signing in (a session) and the audit log are not shown on the cached pages."""
    from audit.services import audit_record

    generation = signed_in_pages_generation()
    SessionStore().create()
    audit_record(action="test", actor=None, actor_label="test", object_type="page")
    Client().force_login(application.applicant)  # its last_login
    assert signed_in_pages_generation() == generation
    application.applicant.full_name = "Ana Renamed"
    application.applicant.save(update_fields=["full_name"])
    assert signed_in_pages_generation() > generation


def test_anonymous_visitors_and_other_pages_are_untouched(client, as_applicant, application):
    anonymous = Client()
    assert anonymous.get(DASHBOARD).status_code == 302
    assert anonymous.get(DASHBOARD)["Location"].startswith("/accounts/login/")
    as_applicant.get(reverse("accounts:profile"))
    keys_before = _page_keys()
    as_applicant.get(reverse("accounts:profile"))
    assert _page_keys() == keys_before
    as_applicant.get(DASHBOARD)
    assert len(_page_keys()) == len(keys_before) + 1


def _page_keys() -> list[str]:
    return [key for key in cache._cache if "signed-in-pages:" in key and GENERATION_KEY not in key]


def test_a_transaction_bumps_once_more_when_it_commits_however_many_rows_it_writes(db):
    """Each write bumps at once; the bump after the commit is registered once per transaction,
    and again after a savepoint that held it is rolled back."""

    def pending() -> int:
        return sum(is_commit_bump(callback) for _ids, callback, _r in connection.run_on_commit)

    assert pending() == 0
    try:
        with transaction.atomic():
            UserFactory()
            assert pending() == 1
            raise RuntimeError
    except RuntimeError:
        pass
    assert pending() == 0
    generation = signed_in_pages_generation()
    UserFactory()
    after_one = signed_in_pages_generation()
    UserFactory()
    assert generation < after_one < signed_in_pages_generation()
    assert pending() == 1
