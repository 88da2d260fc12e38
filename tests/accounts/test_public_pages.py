"""The public pages' whole-page cache (accounts.public_pages): an anonymous visitor's second
visit costs no query; the page changes at once when the framework, an association, its fees or
an endorsement changes; signed-in visitors, visitors with messages and addresses with a query
string never get (nor fill) the cached page; each visitor gets their own CSRF token."""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import INFO
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.enums import Role
from accounts.public_pages import CSRF_MARK, cached_public_page
from competencies.models import EndorsementCategory, Requirement
from competencies.services import framework_load
from credentials.revocation import endorsement_revoke
from endorsement.enums import ApplicationState
from tests.factories import (
    ApplicationFactory,
    AssociationFactory,
    EndorsementCategoryFactory,
    EndorsementFactory,
    UserFactory,
)


@pytest.fixture
def association(db):
    return AssociationFactory(name="Northfield Association", slug="northfield")


@pytest.fixture
def loaded(association):
    from competencies.framework_data import framework_data_read

    return framework_load(association=association, data=framework_data_read())


def ifs(association) -> EndorsementCategory:
    return EndorsementCategory.objects.get(
        framework__association=association, framework__version="2025", code="IFS"
    )


def test_a_second_anonymous_visit_costs_no_query(
    client, loaded, association, django_assert_num_queries
):
    first = client.get(f"/a/{association.slug}/")
    with django_assert_num_queries(0):
        second = client.get(f"/a/{association.slug}/")
    assert second.status_code == 200
    assert _without_tokens(second) == _without_tokens(first)
    for path in ("/", f"/a/{association.slug}/categories/IFS/"):
        client.get(path)
        with django_assert_num_queries(0):
            assert client.get(path).status_code == 200


def _without_tokens(response) -> str:
    """The page without the values that differ on every answer (CSRF token, CSP nonce)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'nonce="[^"]+"', "", page)


def test_a_change_of_the_framework_shows_at_once(client, loaded, association):
    category_url = f"/a/{association.slug}/categories/IFS/"
    assert "Infant Family Specialist" in client.get(category_url).content.decode()
    category = ifs(association)
    category.name = "Infant and Family Specialist (renamed)"
    category.save()
    assert "Infant and Family Specialist (renamed)" in client.get(category_url).content.decode()
    assert (
        "Infant and Family Specialist (renamed)"
        in client.get(f"/a/{association.slug}/").content.decode()
    )
    # A requirement removed (post_delete) shows too.
    page = client.get(category_url).content.decode()
    requirement = Requirement.objects.filter(category=category).order_by("pk").first()
    before = page.count("<li")
    Requirement.objects.filter(category=category).exclude(pk=requirement.pk).first().delete()
    assert client.get(category_url).content.decode().count("<li") < before


def test_a_change_of_the_association_shows_at_once_on_the_home_page(client, loaded, association):
    assert "Northfield Association" in client.get("/").content.decode()
    association.name = "Southfield Association"
    association.save()
    page = client.get("/").content.decode()
    assert "Southfield Association" in page
    assert "Northfield Association" not in page


@pytest.fixture
def endorsement(db):
    category = EndorsementCategoryFactory(code="IFS", name="Infant Family Specialist")
    application = ApplicationFactory(
        category=category,
        state=ApplicationState.AWARDED,
        applicant=UserFactory(full_name="Ana Applicant"),
    )
    return EndorsementFactory(
        application=application,
        category=category,
        number="NFAIMH-IFS-2026-0001",
        awarded_on=datetime.date(2026, 3, 15),
        valid_through=datetime.date(2026, 12, 31),
    )


def test_the_verification_page_changes_when_the_endorsement_does(
    client, endorsement, make_staff, django_assert_max_num_queries
):
    url = reverse("credentials:verify", kwargs={"number": endorsement.number})
    assert "Active" in client.get(url).content.decode()
    # The look-up limit still counts (in the cache); the page itself costs no query.
    with django_assert_max_num_queries(0):
        assert "Active" in client.get(url).content.decode()
    coordinator = make_staff(Role.COORDINATOR, endorsement.association)
    endorsement_revoke(endorsement=endorsement, by=coordinator, reason="Board decision.")
    page = client.get(url).content.decode()
    assert "Revoked" in page
    assert "Board decision." in page


def test_a_signed_in_visitor_never_gets_nor_fills_the_cached_page(client, loaded, association):
    anonymous = client.get("/").content.decode()
    assert "Log out" not in anonymous
    user = UserFactory(full_name="Sam Signed-In")
    signed_in = Client()
    signed_in.force_login(user)
    page = signed_in.get("/").content.decode()
    assert "Log out" in page
    assert f'href="{reverse("accounts:dashboard")}"' in page
    # And what the signed-in visitor saw was not kept for the anonymous ones.
    assert "Log out" not in client.get("/").content.decode()
    assert "Log out" in signed_in.get(f"/a/{association.slug}/").content.decode()
    assert "Log out" not in client.get(f"/a/{association.slug}/").content.decode()


def test_each_visitor_gets_their_own_working_csrf_token(loaded, association):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for visitor in (first, second):
        page = visitor.get(f"/a/{association.slug}/").content.decode()
        assert CSRF_MARK not in page
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1])
        assert "csrftoken" in visitor.cookies
    assert tokens[0] != tokens[1]
    # Each token works with its own visitor's cookie (the language form): a redirect, not 403.
    for visitor, token in zip((first, second), tokens, strict=True):
        response = visitor.post(
            reverse("accounts:language"),
            {"csrfmiddlewaretoken": token, "language": "es", "next": "/"},
        )
        assert response.status_code == 302


def test_a_cached_page_carries_the_nonce_of_its_own_content_security_policy(
    client, loaded, association
):
    nonces = []
    for _visit in range(2):  # rendered, then from the cache
        response = client.get(f"/a/{association.slug}/")
        policy = response["Content-Security-Policy"]
        header = re.search(r"'nonce-([^']+)'", policy)[1]
        body = re.search(r'<style nonce="([^"]+)"', response.content.decode())[1]
        assert body == header
        nonces.append(header)
    assert nonces[0] != nonces[1]


def _request(rf, path="/", **extra):
    request = rf.get(path, **extra)
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _counting_render():
    calls = []

    def render():
        calls.append(1)
        return HttpResponse(f"page {len(calls)}")

    return render, calls


def test_pages_with_messages_or_a_query_string_are_neither_served_nor_kept(rf, db):
    render, calls = _counting_render()
    request = _request(rf)
    request._messages.add(INFO, "You have signed out.")
    assert cached_public_page(request, render, 60).content == b"page 1"
    assert cached_public_page(_request(rf, "/?x=1"), render, 60).content == b"page 2"
    # The first plain visit renders and keeps; the next one is served from the cache.
    assert cached_public_page(_request(rf), render, 60).content == b"page 3"
    assert cached_public_page(_request(rf), render, 60).content == b"page 3"
    assert len(calls) == 3
    # Its message still shows to the visitor who has one.
    request = _request(rf)
    request._messages.add(INFO, "You have signed out.")
    assert cached_public_page(request, render, 60).content == b"page 4"


def test_answers_other_than_200_are_not_kept(rf, db):
    calls = []

    def render():
        calls.append(1)
        return HttpResponse("gone", status=404)

    cached_public_page(_request(rf), render, 60)
    cached_public_page(_request(rf), render, 60)
    assert len(calls) == 2


def test_a_change_of_fees_shows_at_once(client, loaded, association):
    from billing.models import CategoryFee, FeeSchedule

    def fees() -> list[str]:
        page = client.get(f"/a/{association.slug}/categories/IFS/").content.decode()
        return re.findall(r"Fees: [^<]*", page)

    schedule = FeeSchedule.objects.create(
        association=association, effective_from=datetime.date(2020, 1, 1)
    )
    fee = CategoryFee.objects.create(
        schedule=schedule, category_code="IFS", registration_fee=15, processing_fee=100
    )
    before = fees()
    assert len(before) == 1
    assert "15" in before[0]
    fee.registration_fee = 35
    fee.save()
    after = fees()
    assert len(after) == 1
    assert "35" in after[0]
