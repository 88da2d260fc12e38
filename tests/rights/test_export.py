"""The applicant's download of their own data (rights.exports, rights.views)."""

import csv
import io
import json
import time
import zipfile
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolios.models import Training
from tests.factories import PDF_BYTES
from tests.rights.conftest import build_portfolio


def download(client, user) -> zipfile.ZipFile:
    client.force_login(user)
    response = client.get(reverse("rights:export.download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def everything(archive: zipfile.ZipFile) -> bytes:
    return b"\n".join(archive.read(name) for name in archive.namelist())


def test_the_zip_holds_the_applicants_data_and_files(client, ana, ana_application):
    archive = download(client, ana)
    names = set(archive.namelist())
    document = ana_application.documents.get()
    assert {
        "README.txt",
        "account.json",
        "memberships.json",
        "memberships.csv",
        "applications.json",
        "portfolio/portfolio.json",
        "portfolio/education.csv",
        "portfolio/work.csv",
        "portfolio/trainings.csv",
        "portfolio/rsc.csv",
        "portfolio/references.csv",
        "billing.json",
        "invoices.csv",
        "payments.csv",
        "endorsements.json",
        "documents.json",
        "emails.json",
        f"documents/{ana_application.pk}-{document.pk}-ANA-transcript.pdf",
    } <= names
    assert archive.read(f"documents/{ana_application.pk}-{document.pk}-ANA-transcript.pdf") == (
        PDF_BYTES
    )
    assert json.loads(archive.read("account.json"))["user"]["email"] == "ana@example.org"
    [application] = json.loads(archive.read("applications.json"))
    assert application["category_code"] == "IFS"
    assert application["state"] == "submitted"
    assert [e["note"] for e in application["timeline"]] == ["ANA public note", ""]
    assert [c["body"] for c in application["comments"]] == ["ANA question"]
    portfolio = json.loads(archive.read("portfolio/portfolio.json"))
    seen, waived = portfolio["references"]
    assert seen["comment"] == "ANA visible rating comment"
    assert list(seen["ratings"].values()) == ["3"]
    assert (waived["ratings"], "comment" in waived) == (None, False)
    trainings = list(csv.DictReader(io.StringIO(archive.read("portfolio/trainings.csv").decode())))
    assert [t["title"] for t in trainings] == ["ANA training 0"]
    billing = json.loads(archive.read("billing.json"))
    assert [(i["amount"], i["status"]) for i in billing["invoices"]] == [("100.00", "paid")]
    assert [p["reference"] for p in billing["payments"]] == ["ANA cheque"]
    [mail] = json.loads(archive.read("emails.json"))
    assert (mail["subject"], mail["text"]) == (
        "ANA subject",
        "Dear ANA, your portfolio is submitted.",
    )
    assert f"emails/{mail['id']:06d}.txt" in names
    text = everything(archive)
    for hidden in (b"WAIVED", b"PRIVATE", b"token_hash", b"pbkdf2"):
        assert hidden not in text


def test_another_applicants_data_never_appears(client, ana, ana_application, bob_application):
    text = everything(download(client, ana))
    assert b"ANA" in text
    assert b"BOB" not in text
    assert b"bob@example.org" not in text


def test_only_a_logged_in_person_downloads_and_only_their_own(client, bob, ana_application):
    response = client.get(reverse("rights:export.download"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("rights:export")).status_code == 302
    # Bob, logged in, gets his own (empty) archive: the address takes no id.
    text = everything(download(client, bob))
    assert b"ANA" not in text
    assert b"ana@example.org" not in text


def test_the_page_links_the_download_and_the_dashboard_links_the_page(client, ana, ana_application):
    client.force_login(ana)
    page = client.get(reverse("rights:export"))
    assert page.status_code == 200
    assert reverse("rights:export.download") in page.content.decode()
    dashboard = client.get(reverse("accounts:dashboard.applicant"))
    assert reverse("rights:export") in dashboard.content.decode()


def _export_cost(client, user) -> tuple[int, float]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(reverse("rights:export.download"))
        b"".join(response.streaming_content)
        seconds = time.perf_counter() - started
    return len(queries), seconds


def test_a_200_item_portfolio_downloads_in_constant_queries_and_well_under_a_second(
    client, ana, bob, category
):
    small = build_portfolio(applicant=ana, category=category, marker="ANA")
    large = build_portfolio(applicant=bob, category=category, marker="BOB", trainings=1)
    competency = small.category.framework.areas.first().items.first()
    trainings = Training.objects.bulk_create(
        Training(
            application=large,
            title=f"Training {n}",
            provider="Provider",
            date="2025-01-01",
            hours=Decimal("2"),
            format="workshop",
        )
        for n in range(200)
    )
    Training.competencies.through.objects.bulk_create(
        Training.competencies.through(training_id=t.pk, competency_id=competency.pk)
        for t in trainings
    )
    small_queries, _ = _export_cost(client, ana)
    large_queries, seconds = _export_cost(client, bob)
    assert large_queries == small_queries
    print(f"200-item portfolio exported in {seconds * 1000:.0f} ms, {large_queries} queries")
    assert seconds < 3
