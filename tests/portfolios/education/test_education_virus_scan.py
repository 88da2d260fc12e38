"""The virus scan through the real upload view (the education page's transcript): an EICAR file
behind a ``%PDF-`` header is refused on the field and nothing is stored, a clean PDF is accepted.
Against a protocol-level fake clamd (unix socket and TCP, as docker-compose's ``clamav``), and
against a real clamd when one runs on this machine (``CLAMAV_TEST_SOCKET``, or Debian's
``/var/run/clamav/clamd.ctl``)."""

import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portfolios.models import Document, Education
from tests.factories import PDF_BYTES
from tests.portfolios.documents.helpers import EICAR, FakeClamd
from tests.portfolios.education.helpers import url, valid_data

# A PDF (so the type check alone would accept it) carrying EICAR as the exact content of a
# stream object: a real clamd's PDF parser extracts the stream and its EICAR signature (a hash of
# the 68 bytes in current databases) matches it; the fake finds the string anywhere.
EICAR_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Length "
    + str(len(EICAR)).encode()
    + b" >>\nstream\n"
    + EICAR
    + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
VIRUS_MESSAGE = "This file contains a virus and was not saved."


def real_clamd_address() -> str | None:
    configured = os.environ.get("CLAMAV_TEST_SOCKET", "")
    if configured:
        return configured
    debian = Path("/var/run/clamav/clamd.ctl")
    return str(debian) if debian.exists() else None


@pytest.fixture(params=["unix", "tcp"])
def fake_clamd(request, settings):
    server = FakeClamd(tcp=request.param == "tcp")
    settings.CLAMAV_SOCKET = server.path
    yield server
    server.close()


@pytest.fixture
def real_clamd(settings):
    address = real_clamd_address()
    if address is None:
        pytest.skip("no clamd on this machine (set CLAMAV_TEST_SOCKET to its socket or tcp://)")
    settings.CLAMAV_SOCKET = address
    return address


def post_transcript(client, application, data: bytes, name: str):
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(url("add", application), {**valid_data(), "transcript_file": upload})


def stored_files(private_storage: Path) -> list[Path]:
    return [path for path in private_storage.rglob("*") if path.is_file()]


def assert_refused_as_a_virus(response, private_storage):
    assert response.status_code == 200
    assert response.context["form"].errors == {"transcript_file": [VIRUS_MESSAGE]}
    assert VIRUS_MESSAGE in response.content.decode()
    assert Education.objects.count() == 0
    assert Document.objects.count() == 0
    assert stored_files(private_storage) == []


def assert_accepted(response, application, private_storage, data: bytes):
    assert response.status_code == 302
    assert response["Location"] == url("list", application)
    document = Education.objects.get().transcript
    assert (private_storage / document.file.name).read_bytes() == data
    assert stored_files(private_storage) == [private_storage / document.file.name]


def test_an_eicar_pdf_is_refused_by_the_fake_clamd(
    client, owner, application, private_storage, fake_clamd
):
    client.force_login(owner)

    response = post_transcript(client, application, EICAR_PDF, "transcript.pdf")

    assert_refused_as_a_virus(response, private_storage)
    # The whole file went to clamd, through the INSTREAM protocol.
    assert fake_clamd.commands == [b"zINSTREAM\0"]
    assert fake_clamd.received == [EICAR_PDF]


def test_a_clean_pdf_is_accepted_after_the_fake_clamd_scanned_it(
    client, owner, application, private_storage, fake_clamd
):
    client.force_login(owner)

    response = post_transcript(client, application, PDF_BYTES, "transcript.pdf")

    assert_accepted(response, application, private_storage, PDF_BYTES)
    assert fake_clamd.received == [PDF_BYTES]


def test_an_eicar_pdf_is_refused_by_a_real_clamd(
    client, owner, application, private_storage, real_clamd
):
    client.force_login(owner)

    response = post_transcript(client, application, EICAR_PDF, "transcript.pdf")

    assert_refused_as_a_virus(response, private_storage)


def test_a_clean_pdf_is_accepted_by_a_real_clamd(
    client, owner, application, private_storage, real_clamd
):
    client.force_login(owner)

    response = post_transcript(client, application, PDF_BYTES, "transcript.pdf")

    assert_accepted(response, application, private_storage, PDF_BYTES)
