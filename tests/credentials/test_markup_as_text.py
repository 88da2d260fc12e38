"""Markup in what people and associations type (a holder's name, the association's name, a
category's name, a place, a revocation's reason) is text wherever the credentials app shows it:
the certificate's HTML and PDF, every page, the registry's CSV (where a cell that starts like a
formula is neutralised too) and the API's JSON."""

import csv
import io
import json

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from accounts.enums import Role
from credentials.certificates import certificate_context, certificate_pdf
from credentials.models import Certificate, CertificateState
from credentials.revocation import endorsement_revoke
from endorsement.enums import EndorsementStatus
from tests.factories import PDF_BYTES, EndorsementFactory, UserFactory

pytestmark = pytest.mark.django_db

HOLDER = "<script>alert(1)</script> Smith"
ASSOCIATION = 'North <b>field</b> "AIMH" & co'
CATEGORY = "Infant <i>Family</i> Specialist"
PLACE = "<img src=x onerror=alert(2)>Lakeview"
REASON = "<a href='https://evil.example'>Board</a> decision"
# What must never reach an HTML page as it is typed.
RAW = ("<script>alert(1)</script>", "<b>field</b>", "<i>Family</i>", "<img src=x", "<a href='")
ESCAPED_HOLDER = "&lt;script&gt;alert(1)&lt;/script&gt; Smith"


@pytest.fixture
def endorsement(association):
    association.name = ASSOCIATION
    association.save()
    return EndorsementFactory(
        application__applicant=UserFactory(full_name=HOLDER, preferred_language="en"),
        category__framework__association=association,
        category__name=CATEGORY,
        number="NORTHFIELD-IFS-2026-0009",
        registry_listed=True,
        registry_place=PLACE,
    )


def assert_text_not_markup(html: str) -> None:
    for raw in RAW:
        assert raw not in html, raw


# --- The certificate ------------------------------------------------------------------------


def test_the_certificates_html_escapes_names_before_rendering(endorsement):
    html = render_to_string(
        "credentials/certificate.html",
        certificate_context(endorsement=endorsement, holder_name=HOLDER),
    )
    assert_text_not_markup(html)
    assert f'<p class="holder">{ESCAPED_HOLDER}</p>' in html
    assert (
        '<p class="association">North &lt;b&gt;field&lt;/b&gt; &quot;AIMH&quot; &amp; co</p>'
        in html
    )
    assert '<p class="category">Infant &lt;i&gt;Family&lt;/i&gt; Specialist</p>' in html


def test_the_pdf_prints_the_literal_characters(endorsement):
    reader = PdfReader(io.BytesIO(certificate_pdf(endorsement=endorsement, holder_name=HOLDER)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert HOLDER in text
    assert ASSOCIATION in text
    assert CATEGORY in text
    assert reader.metadata.author == ASSOCIATION
    assert reader.metadata.title == (
        f"Endorsement certificate: {CATEGORY} (NORTHFIELD-IFS-2026-0009)"
    )


# --- The pages --------------------------------------------------------------------------------


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_verification_page(client, endorsement, make_staff, association):
    endorsement_revoke(
        endorsement=endorsement, by=make_staff(Role.COORDINATOR, association), reason=REASON
    )
    html = page(client, reverse("credentials:verify", kwargs={"number": endorsement.number}))
    assert_text_not_markup(html)
    assert ESCAPED_HOLDER in html
    assert "North &lt;b&gt;field&lt;/b&gt; &quot;AIMH&quot; &amp; co" in html
    assert "&lt;a href=&#x27;https://evil.example&#x27;&gt;Board&lt;/a&gt; decision" in html


def test_the_registry_page(client, endorsement):
    html = page(client, reverse("credentials:registry", kwargs={"slug": "northfield"}))
    assert_text_not_markup(html)
    assert ESCAPED_HOLDER in html
    assert "&lt;img src=x onerror=alert(2)&gt;Lakeview" in html
    assert "Infant &lt;i&gt;Family&lt;/i&gt; Specialist" in html


def test_the_pages_of_the_holder_and_the_coordinator(client, endorsement, make_staff, association):
    certificate = Certificate.objects.create(
        endorsement=endorsement, holder_name=HOLDER, state=CertificateState.READY
    )
    certificate.file.save("certificate.pdf", io.BytesIO(PDF_BYTES))
    client.force_login(endorsement.holder)
    for url in (
        reverse("accounts:dashboard.applicant"),
        reverse("credentials:registry.listing", kwargs={"pk": endorsement.pk}),
        reverse("credentials:certificate.status", kwargs={"pk": certificate.pk}),
    ):
        assert_text_not_markup(page(client, url))
    client.force_login(make_staff(Role.COORDINATOR, association))
    revoke = page(client, reverse("credentials:revoke", kwargs={"pk": endorsement.pk}))
    assert_text_not_markup(revoke)
    assert ESCAPED_HOLDER in revoke
    detail = reverse("endorsement:detail", kwargs={"application_id": endorsement.application_id})
    assert_text_not_markup(page(client, detail))


# --- The registry's CSV -----------------------------------------------------------------------


def csv_rows(client, association) -> list[list[str]]:
    response = client.get(reverse("credentials:registry.csv", kwargs={"slug": association.slug}))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))[1:]


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("https://evil.example")', "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_the_csv_neutralises_cells_that_start_like_a_formula(
    client, endorsement, coordinator, association, name
):
    endorsement.holder.full_name = name
    endorsement.holder.save()
    endorsement.registry_place = name
    endorsement.save()
    client.force_login(coordinator)
    [row] = csv_rows(client, association)
    assert (row[0], row[3]) == ("'" + name, "'" + name)


def test_the_csv_keeps_markup_as_the_literal_text(client, endorsement, coordinator, association):
    client.force_login(coordinator)
    [row] = csv_rows(client, association)
    assert row[:4] == [HOLDER, endorsement.category.code, CATEGORY, PLACE]


# --- The API ----------------------------------------------------------------------------------


def test_the_api_answers_the_literal_strings_as_json(client, endorsement, make_staff, association):
    endorsement_revoke(
        endorsement=endorsement, by=make_staff(Role.COORDINATOR, association), reason=REASON
    )
    one = client.get(f"/api/v1/endorsements/{endorsement.number}")
    bulk = client.post(
        "/api/v1/endorsements/lookup",
        data=json.dumps({"numbers": [endorsement.number]}),
        content_type="application/json",
    )
    for response in (one, bulk):
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "&lt;" not in response.content.decode()
    body = one.json()
    assert body == bulk.json()["found"][0]
    assert body["holder_name"] == HOLDER
    assert body["association"]["name"] == ASSOCIATION
    assert body["category"]["name"] == CATEGORY
    assert (body["status"], body["status_reason"]) == (EndorsementStatus.REVOKED, REASON)
