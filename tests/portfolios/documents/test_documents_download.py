"""Downloading a document (portfolios.views.documents): the exact bytes as an attachment, through
nginx, to the owner and the association's coordinator only; its query count."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.enums import Role
from portfolios.documents import document_store
from tests.factories import (
    PDF_BYTES,
    ApplicationFactory,
    DocumentFactory,
    EndorsementCategoryFactory,
    FrameworkFactory,
    UserFactory,
)
from tests.portfolios.documents.helpers import PNG_BYTES, upload

# --- Download -------------------------------------------------------------------------------


def download_url(document) -> str:
    return reverse(
        "portfolios:document.download",
        kwargs={"application_id": document.application_id, "pk": document.pk},
    )


@pytest.fixture
def document(application, owner):
    return document_store(
        application=application,
        uploaded_file=upload(PDF_BYTES, "Transcript “final” 2024.pdf"),
        kind="transcript",
        by=owner,
    )


def test_download_url():
    assert (
        reverse("portfolios:document.download", kwargs={"application_id": 7, "pk": 3})
        == "/portfolio/7/documents/3/"
    )


def test_the_owner_downloads_the_exact_bytes_as_an_attachment(client, owner, document):
    client.force_login(owner)

    response = client.get(download_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Transcript%20%E2%80%9Cfinal%E2%80%9D%202024.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "X-Accel-Redirect" not in response


def test_an_ascii_name_is_quoted(client, application, owner):
    document = document_store(
        application=application,
        uploaded_file=upload(PNG_BYTES, 'scan "1".png'),
        kind="certificate",
        by=owner,
    )
    client.force_login(owner)

    response = client.get(download_url(document))

    assert response["Content-Disposition"] == 'attachment; filename="scan \\"1\\".png"'
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_the_coordinator_of_the_association_downloads(client, make_staff, association, document):
    client.force_login(make_staff(Role.COORDINATOR, association))

    response = client.get(download_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_behind_nginx_the_view_answers_with_x_accel_redirect(client, settings, owner, document):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/protected/"
    client.force_login(owner)

    response = client.get(download_url(document))

    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected/{document.file.name}"
    assert response["X-Accel-Redirect"].startswith(
        f"/protected/documents/{document.association_id}/"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Transcript%20%E2%80%9Cfinal%E2%80%9D%202024.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_another_applicant_gets_404(client, document):
    client.force_login(UserFactory())

    assert client.get(download_url(document)).status_code == 404


def test_a_coordinator_of_another_association_gets_404(
    client, make_staff, other_association, document
):
    client.force_login(make_staff(Role.COORDINATOR, other_association))

    assert client.get(download_url(document)).status_code == 404


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.REVIEWER])
def test_an_advisor_or_reviewer_not_assigned_gets_404(
    client, make_staff, association, document, role
):
    client.force_login(make_staff(role, association))

    assert client.get(download_url(document)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, document):
    url = download_url(document)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_a_document_of_another_portfolio_is_not_found_through_mine(
    client, association, owner, document
):
    """The document id must belong to the portfolio in the URL."""
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    mine = ApplicationFactory(category=category, applicant=UserFactory())
    client.force_login(mine.applicant)

    response = client.get(
        reverse(
            "portfolios:document.download",
            kwargs={"application_id": mine.pk, "pk": document.pk},
        )
    )

    assert response.status_code == 404


def test_a_missing_file_is_404(client, owner, document):
    default_storage.delete(document.file.name)
    client.force_login(owner)

    assert client.get(download_url(document)).status_code == 404


def test_the_download_costs_six_queries(client, owner, application, django_assert_num_queries):
    small = DocumentFactory(application=application)
    client.force_login(owner)
    b"".join(client.get(download_url(small)).streaming_content)  # warm up the session

    # session, user, role grants, application, document; the audit log's entry
    with django_assert_num_queries(6):
        response = client.get(download_url(small))
    assert b"".join(response.streaming_content) == PDF_BYTES
