"""The public verification page and its look-up form: the facts and nothing else personal,
in the reader's language; 404 with the form for unknown and malformed numbers; the limit per
address; the short cache, emptied when the status changes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from credentials import verification
from credentials.revocation import endorsement_revoke
from endorsement.enums import ApplicationState, EndorsementStatus
from endorsement.models import Application, Endorsement
from tests.factories import (
    ApplicationFactory,
    AssociationFactory,
    EndorsementCategoryFactory,
    EndorsementFactory,
    UserFactory,
    endorsement_status_set,
)


def endorsement_of(*, holder: str, association: str, **kwargs):
    """An endorsement whose holder and association have these names."""
    category = EndorsementCategoryFactory(
        framework__association=AssociationFactory(name=association, time_zone="America/Chicago"),
        code="IFS",
        name="Infant Family Specialist",
        names={"es": "Especialista en Bebés y Familias"},
    )
    application = ApplicationFactory(
        category=category,
        state=ApplicationState.AWARDED,
        applicant=UserFactory(full_name=holder, email="ana@example.org"),
    )
    return EndorsementFactory(application=application, category=category, **kwargs)


@pytest.fixture
def endorsement(db):
    return endorsement_of(
        holder="Ana Applicant",
        association="Northfield Association",
        number="NFAIMH-IFS-2026-0001",
        awarded_on=datetime.date(2026, 3, 15),
        valid_through=datetime.date(2026, 12, 31),
        status_since=datetime.datetime(2026, 3, 15, 3, 0, tzinfo=datetime.UTC),
    )


def url(number):
    return reverse("credentials:verify", kwargs={"number": number})


def test_the_page_shows_the_public_facts_and_nothing_else_personal(client, endorsement):
    response = client.get(url(endorsement.number))
    assert response.status_code == 200
    page = response.content.decode()
    holder = response.context["facts"]
    assert (holder.holder_name, holder.category_name, holder.association_name) == (
        "Ana Applicant",
        "Infant Family Specialist",
        "Northfield Association",
    )
    assert "Ana Applicant" in page
    assert "Infant Family Specialist (IFS)" in page
    assert "Northfield Association" in page
    assert "Active" in page
    # 03:00 UTC on 15 March is still 14 March in Chicago: the association's time zone.
    assert "since March 14, 2026" in page
    assert "Dec. 31, 2026" in page
    assert "ana@example.org" not in page
    assert response["Cache-Control"] == "public, max-age=60"


def test_the_page_in_spanish(client, endorsement):
    response = client.get(url(endorsement.number), HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Especialista en Bebés y Familias (IFS)" in page
    assert "Activo" in page


def test_a_revoked_endorsement_shows_its_reason_and_since_when(client, endorsement):
    endorsement_status_set(
        endorsement,
        EndorsementStatus.REVOKED,
        status_reason="Ethics finding of the board.",
        status_since=datetime.datetime(2026, 6, 2, 15, 0, tzinfo=datetime.UTC),
    )
    response = client.get(url(endorsement.number))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Revoked" in page
    assert "since June 2, 2026" in page
    assert "Ethics finding of the board." in page


def test_a_lapsed_endorsement_shows_its_status_not_a_404(client, endorsement):
    endorsement_status_set(endorsement, EndorsementStatus.LAPSED, status_reason="Internal note.")
    response = client.get(url(endorsement.number))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lapsed" in page
    assert "This endorsement is not current." in page
    assert "Internal note." not in page


def test_an_unknown_number_gets_the_404_page_with_the_form(client, db):
    response = client.get(url("NFAIMH-IFS-2026-9999"))
    assert response.status_code == 404
    assert response.templates[0].name == "credentials/not_found.html"
    assert 'action="/verify/"' in response.content.decode()


@pytest.mark.parametrize(
    "number",
    [
        "../etc",
        "..%2F..%2Fetc%2Fpasswd",
        "../../../etc/passwd",
        "A" * 300,
        "A" * 5000 + "-2026-0001",
        "<script>alert(1)</script>",
        "x/y/z",
        "%00",
        "NFAIMH-IFS-2026-0001%00",
        "Señora-2026-0001",
        "NFAIMH-IFS-%D9%A2%D9%A0%D9%A2%D9%A6-0001",  # Arabic-Indic digits
        "%E2%80%AE",
        "%ff%fe",
        "%25",
        "NFAIMH-IFS-2026-0001/extra",
    ],
)
def test_malformed_numbers_get_the_404_page_never_a_500(client, endorsement, number):
    response = client.get(f"/verify/{number}/")
    assert response.status_code == 404
    assert response.templates[0].name == "credentials/not_found.html"
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_newline_in_the_address_is_a_404_too(client, endorsement):
    response = client.get("/verify/NFAIMH-IFS-2026-0001%0A/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "number",
    ["A" * 5000, "NFAIMH-IFS-2026-0001\x00", "NFAIMH-IFS-\u0662\u0660\u0662\u0666-0001", "../x"],
)
def test_the_lookup_form_refuses_malformed_numbers_with_a_400(client, endorsement, number):
    response = client.get(reverse("credentials:lookup"), {"number": number})
    assert response.status_code == 400
    assert response.templates[0].name == "credentials/lookup.html"
    assert response.context["form"].errors["number"]


def test_html_in_the_holders_name_and_the_association_is_text(client, db):
    endorsement = endorsement_of(
        holder="<script>alert('x')</script>", association="<b>Bold</b> Association"
    )
    page = client.get(url(endorsement.number)).content.decode()
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<b>Bold</b>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; Association" in page


def test_the_lookup_form_goes_to_the_page(client, endorsement):
    response = client.get(reverse("credentials:lookup"), {"number": " nfaimh-ifs-2026-0001 "})
    assert response.status_code == 302
    assert response["Location"] == url("NFAIMH-IFS-2026-0001")
    assert client.get(reverse("credentials:lookup")).status_code == 200


def test_the_lookup_form_says_when_a_number_is_malformed(client, db):
    response = client.get(reverse("credentials:lookup"), {"number": "<script>"})
    assert response.status_code == 400
    assert "This is not an endorsement number." in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main")[-1].split("</main>")[0]


def test_the_association_page_has_the_lookup_form(client, endorsement):
    association = endorsement.association
    response = client.get(reverse("competencies:association", kwargs={"slug": association.slug}))
    if response.status_code == 404:
        pytest.skip("the association page needs a published framework")
    assert 'action="/verify/"' in response.content.decode()


def test_too_many_lookups_from_one_address_get_429(client, endorsement, monkeypatch):
    monkeypatch.setattr(verification, "LOOKUP_LIMIT", 3)
    answers = [client.get(url(endorsement.number)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    other = client.get(url(endorsement.number), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    assert client.get(reverse("credentials:lookup"), {"number": "X"}).status_code == 429


def test_the_cache_is_emptied_when_the_status_changes(
    client, endorsement, make_staff, django_assert_num_queries
):
    assert "Active" in client.get(url(endorsement.number)).content.decode()
    with django_assert_num_queries(0):
        client.get(url(endorsement.number))
    coordinator = make_staff(Role.COORDINATOR, endorsement.association)
    endorsement_revoke(endorsement=endorsement, by=coordinator, reason="Board decision.")
    page = client.get(url(endorsement.number)).content.decode()
    assert "Revoked" in page
    assert "Board decision." in page


def test_any_save_of_the_endorsement_empties_its_cache(client, endorsement):
    client.get(url(endorsement.number))
    endorsement_status_set(endorsement, EndorsementStatus.SUPERSEDED, status_since=timezone.now())
    assert "Superseded" in client.get(url(endorsement.number)).content.decode()


def _many_endorsements(first, count: int) -> None:
    """``count`` more endorsements in the association of ``first`` (a few bulk inserts)."""
    users = User.objects.bulk_create(
        User(email=f"holder{n}@example.org", full_name=f"Holder {n}") for n in range(count)
    )
    applications = Application.objects.bulk_create(
        Application(
            association=first.association,
            category=first.category,
            applicant=user,
            state=ApplicationState.AWARDED,
        )
        for user in users
    )
    Endorsement.objects.bulk_create(
        Endorsement(
            association=first.association,
            application=application,
            holder=application.applicant,
            category=first.category,
            number=f"BULK-IFS-2026-{n:04d}",
            awarded_on=first.awarded_on,
            valid_through=first.valid_through,
        )
        for n, application in enumerate(applications)
    )


@pytest.mark.parametrize("size", [10, 1000])
def test_the_page_reads_at_most_three_queries_at_any_size(
    client, db, size, django_assert_max_num_queries
):
    first = EndorsementFactory()
    _many_endorsements(first, size - 1)
    assert Endorsement.objects.count() == size
    with django_assert_max_num_queries(3) as captured:
        response = client.get(url(first.number))
    assert response.status_code == 200
    # The same count at both sizes: the one read of the endorsement with its relations.
    assert len(captured) == 1
