"""Uploaded documents: checks by content, virus scan through clamd, private storage, download."""

import hashlib
import io
import os
import re
import shutil
import socket
import struct
import tempfile
import threading
import zipfile

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse

from accounts.enums import Role
from endorsement.enums import ApplicationState
from portfolios.documents import (
    ACCEPT,
    DOCX,
    clamav_scan,
    document_clean,
    document_form_field,
    document_store,
    evidence_save_with_document,
)
from portfolios.enums import DocumentKind, TranscriptStatus
from portfolios.models import Document, Education
from portfolios.services import PortfolioLocked
from tests.factories import (
    PDF_BYTES,
    ApplicationFactory,
    DocumentFactory,
    EducationFactory,
    EndorsementCategoryFactory,
    FrameworkFactory,
    UserFactory,
)

# The anti-virus test file (https://www.eicar.org/download-anti-malware-testfile/).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def zip_bytes(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def docx_bytes(main_type: str = WORD_MAIN) -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
                f'ContentType="{main_type}"/></Types>'
            ),
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document><w:body>Transcript</w:body></w:document>",
        }
    )


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test stores its files in its own temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.CLAMAV_SOCKET = ""
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = ""
    return tmp_path / "private"


@pytest.fixture
def application(association):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    return ApplicationFactory(category=category, state=ApplicationState.ACCEPTED)


@pytest.fixture
def owner(application):
    return application.applicant


def upload(data: bytes, name: str = "file.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- Type from the content ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (PDF_BYTES, "transcript.pdf", "application/pdf"),
        (JPEG_BYTES, "photo.jpg", "image/jpeg"),
        (PNG_BYTES, "scan.png", "image/png"),
        (docx_bytes(), "transcript.docx", DOCX),
        # The name does not matter: a PDF called .png is a PDF.
        (PDF_BYTES, "picture.png", "application/pdf"),
        (docx_bytes(), "no-extension", DOCX),
    ],
)
def test_document_store_detects_the_type_from_the_content(
    application, owner, private_storage, data, name, expected
):
    document = document_store(
        application=application,
        uploaded_file=upload(data, name, content_type="text/plain"),
        kind=DocumentKind.TRANSCRIPT,
        by=owner,
    )

    document.refresh_from_db()
    assert document.content_type == expected
    assert document.original_name == name
    assert document.size == len(data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.kind == DocumentKind.TRANSCRIPT
    assert document.application == application
    assert document.association == application.association
    assert document.uploaded_by == owner
    # A server-generated name, nothing of the uploaded one; the bytes kept exactly.
    assert re.fullmatch(
        rf"documents/{application.association_id}/[0-9a-f]{{32}}", document.file.name
    )
    assert (private_storage / document.file.name).read_bytes() == data


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (b"Just some text pretending to be a PDF", "transcript.pdf", "application/pdf"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "transcript.pdf", "application/pdf"),  # a Windows program
        (b"<html><script>alert(1)</script></html>", "scan.png", "image/png"),
        (b"GIF89a\x01\x00\x01\x00", "photo.jpg", "image/jpeg"),
        (b"PK\x03\x04 not really a zip", "transcript.docx", DOCX),
        (zip_bytes({"readme.txt": "hello"}), "transcript.docx", DOCX),
        # Word parts without a Word content type, and a macro-enabled document.
        (
            zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
            "a.docx",
            DOCX,
        ),
        (docx_bytes(DOCM_MAIN), "transcript.docx", DOCX),
        (zip_bytes({"word/document.xml": "<w/>"}), "transcript.docx", DOCX),
    ],
)
def test_document_store_refuses_other_content_whatever_the_name(
    application, owner, data, name, content_type
):
    with pytest.raises(ValidationError) as error:
        document_store(
            application=application,
            uploaded_file=upload(data, name, content_type),
            kind=DocumentKind.TRANSCRIPT,
            by=owner,
        )

    assert error.value.messages == ["This file is not a PDF, JPEG, PNG or Word (.docx) document."]
    assert error.value.code == "file_type"
    assert Document.objects.count() == 0


def test_document_store_refuses_a_file_over_the_size_limit(application, owner, settings):
    settings.FILE_UPLOAD_MAX_BYTES = 1024
    data = PDF_BYTES + b"x" * (1025 - len(PDF_BYTES))

    with pytest.raises(ValidationError) as error:
        document_store(
            application=application, uploaded_file=upload(data), kind="transcript", by=owner
        )

    assert error.value.messages == [
        "This file is 1.0\xa0KB; the largest file accepted is 1.0\xa0KB."
    ]
    assert error.value.code == "too_large"
    assert Document.objects.count() == 0


def test_document_store_accepts_a_file_of_exactly_the_size_limit(application, owner, settings):
    settings.FILE_UPLOAD_MAX_BYTES = 1024
    data = PDF_BYTES + b"x" * (1024 - len(PDF_BYTES))

    document = document_store(
        application=application, uploaded_file=upload(data), kind="transcript", by=owner
    )

    assert document.size == 1024


def test_document_store_refuses_an_empty_file(application, owner):
    with pytest.raises(ValidationError) as error:
        document_store(
            application=application, uploaded_file=upload(b""), kind="transcript", by=owner
        )

    assert error.value.messages == ["This file is empty."]


def test_document_store_reads_a_large_upload_from_a_temporary_file(
    application, owner, private_storage
):
    """Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE arrive as temporary files: same checks."""
    data = docx_bytes() + b"\0" * 10  # trailing bytes after the ZIP are allowed
    uploaded = TemporaryUploadedFile("big.docx", DOCX, len(data), None)
    uploaded.write(data)
    uploaded.seek(0)

    document = document_store(
        application=application, uploaded_file=uploaded, kind="transcript", by=owner
    )
    uploaded.close()

    assert document.content_type == DOCX
    assert (private_storage / document.file.name).read_bytes() == data


def test_document_store_keeps_the_original_name_as_data_only(application, owner):
    uploaded = upload(PDF_BYTES, "x")
    uploaded.name = "Ma\u0301ria's\ttranscript\n2024.pdf"

    document = document_store(
        application=application, uploaded_file=uploaded, kind="transcript", by=owner
    )

    assert document.original_name == "Ma\u0301ria'stranscript2024.pdf"
    assert "transcript" not in document.file.name


def test_document_store_refuses_a_read_only_portfolio(association, owner):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    submitted = ApplicationFactory(category=category, state=ApplicationState.SUBMITTED)

    with pytest.raises(PortfolioLocked):
        document_store(
            application=submitted,
            uploaded_file=upload(PDF_BYTES),
            kind="transcript",
            by=submitted.applicant,
        )

    assert Document.objects.count() == 0


# --- Evidence saved with its file --------------------------------------------------------------


def test_evidence_save_with_document_attaches_the_file_and_the_transcript_status_follows(
    application, owner
):
    education = EducationFactory.build(application=application)

    saved = evidence_save_with_document(
        application=application,
        instance=education,
        by=owner,
        document_field="transcript",
        document_kind=DocumentKind.TRANSCRIPT,
        upload=upload(PDF_BYTES, "transcript.pdf"),
    )

    saved.refresh_from_db()
    assert saved.transcript.kind == DocumentKind.TRANSCRIPT
    assert saved.transcript.original_name == "transcript.pdf"
    assert saved.transcript_status == TranscriptStatus.UPLOADED

    removed = evidence_save_with_document(
        application=application,
        instance=saved,
        by=owner,
        document_field="transcript",
        document_kind=DocumentKind.TRANSCRIPT,
        remove=True,
    )

    removed.refresh_from_db()
    assert removed.transcript is None
    assert removed.transcript_status == TranscriptStatus.NOT_PROVIDED


def test_evidence_save_with_document_keeps_a_status_the_coordinator_set(application, owner):
    education = EducationFactory(
        application=application, transcript_status=TranscriptStatus.OFFICIAL_RECEIVED
    )

    evidence_save_with_document(
        application=application,
        instance=education,
        by=owner,
        document_field="transcript",
        document_kind=DocumentKind.TRANSCRIPT,
        upload=upload(PDF_BYTES),
    )

    education.refresh_from_db()
    assert education.transcript_status == TranscriptStatus.OFFICIAL_RECEIVED


def test_evidence_save_with_document_saves_nothing_when_the_file_is_refused(application, owner):
    with pytest.raises(ValidationError):
        evidence_save_with_document(
            application=application,
            instance=EducationFactory.build(application=application),
            by=owner,
            document_field="transcript",
            document_kind=DocumentKind.TRANSCRIPT,
            upload=upload(b"plain text", "transcript.pdf"),
        )

    assert (Education.objects.count(), Document.objects.count()) == (0, 0)


# --- Virus scan through clamd ---------------------------------------------------------------


class FakeClamd:
    """A tiny clamd: answers INSTREAM on a unix socket, finding EICAR anywhere in the stream."""

    def __init__(self, *, reply: bytes | None = None):
        self.directory = tempfile.mkdtemp(prefix="clamd", dir="/tmp")  # short: sun_path ≤ 108
        self.path = os.path.join(self.directory, "clamd.sock")
        self.reply = reply
        self.received: list[bytes] = []
        self.commands: list[bytes] = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(5)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @staticmethod
    def _read_exactly(conn, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = conn.recv(size - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def _serve(self):
        while True:
            try:
                conn, _address = self.server.accept()
            except OSError:
                return
            with conn:
                try:
                    command = b""
                    while not command.endswith(b"\0"):
                        command += self._read_exactly(conn, 1)
                    self.commands.append(command)
                    stream = b""
                    while length := struct.unpack("!L", self._read_exactly(conn, 4))[0]:
                        stream += self._read_exactly(conn, length)
                    self.received.append(stream)
                    if self.reply is not None:
                        reply = self.reply
                    elif EICAR in stream:
                        reply = b"stream: Eicar-Signature FOUND\0"
                    else:
                        reply = b"stream: OK\0"
                    conn.sendall(reply)
                except ConnectionError:
                    continue

    def close(self):
        self.server.close()
        self.thread.join(timeout=5)
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def clamd(settings):
    server = FakeClamd()
    settings.CLAMAV_SOCKET = server.path
    yield server
    server.close()


def test_the_eicar_test_file_is_refused_as_a_virus(application, owner, clamd):
    with pytest.raises(ValidationError) as error:
        document_store(
            application=application,
            uploaded_file=upload(EICAR, "eicar.pdf"),
            kind="transcript",
            by=owner,
        )

    assert error.value.messages == ["This file contains a virus and was not saved."]
    assert error.value.code == "virus"
    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.received == [EICAR]
    assert Document.objects.count() == 0


def test_a_pdf_carrying_eicar_is_refused_as_a_virus(application, owner, clamd):
    with pytest.raises(ValidationError) as error:
        document_store(
            application=application,
            uploaded_file=upload(PDF_BYTES + EICAR),
            kind="transcript",
            by=owner,
        )

    assert error.value.messages == ["This file contains a virus and was not saved."]
    assert Document.objects.count() == 0


def test_a_clean_file_is_scanned_in_chunks_and_stored(application, owner, clamd, private_storage):
    data = PDF_BYTES + bytes(range(256)) * 600  # 150 kB: three INSTREAM chunks

    document = document_store(
        application=application, uploaded_file=upload(data), kind="transcript", by=owner
    )

    assert clamd.received == [data]
    assert (private_storage / document.file.name).read_bytes() == data
    assert Document.objects.count() == 1


def test_a_configured_scanner_that_cannot_be_reached_refuses_the_upload(
    application, owner, settings, tmp_path
):
    settings.CLAMAV_SOCKET = str(tmp_path / "no-such.sock")

    with pytest.raises(ValidationError) as error:
        document_store(
            application=application, uploaded_file=upload(PDF_BYTES), kind="transcript", by=owner
        )

    assert error.value.messages == [
        "We could not check this file for viruses just now, so it was not saved. "
        "Please try again later."
    ]
    assert error.value.code == "scan_failed"
    assert Document.objects.count() == 0


def test_a_scanner_error_answer_refuses_the_upload(application, owner, settings):
    server = FakeClamd(reply=b"INSTREAM size limit exceeded. ERROR\0")
    settings.CLAMAV_SOCKET = server.path
    try:
        with pytest.raises(ValidationError) as error:
            document_store(
                application=application,
                uploaded_file=upload(PDF_BYTES),
                kind="transcript",
                by=owner,
            )
    finally:
        server.close()

    assert error.value.code == "scan_failed"
    assert Document.objects.count() == 0


def test_clamav_scan_names_the_virus(clamd):
    assert clamav_scan(io.BytesIO(b"prefix" + EICAR), socket_path=clamd.path) == "Eicar-Signature"
    assert clamav_scan(io.BytesIO(PDF_BYTES), socket_path=clamd.path) is None


def test_without_a_scanner_configured_nothing_is_scanned(application, owner, settings):
    settings.CLAMAV_SOCKET = ""

    # EICAR is not a document type: refused for its type, not scanned.
    with pytest.raises(ValidationError) as error:
        document_clean(upload(EICAR))

    assert error.value.code == "file_type"


# --- Form helpers ---------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = document_form_field(label="Transcript")

    def clean_file(self):
        return document_clean(self.cleaned_data["file"])


def test_document_form_field_names_the_types_and_the_limit(settings):
    settings.FILE_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    field = document_form_field(label="Transcript")

    assert field.required is False
    assert field.widget.attrs == {"accept": ACCEPT}
    assert ACCEPT == ".pdf,.jpg,.jpeg,.png,.docx"
    assert str(field.help_text) == "PDF, JPEG, PNG or Word (.docx), up to 10.0\xa0MB."
    assert 'accept=".pdf,.jpg,.jpeg,.png,.docx"' in str(UploadForm()["file"])


def test_document_clean_puts_the_error_on_the_field():
    form = UploadForm(data={}, files={"file": upload(b"hello", "transcript.pdf")})

    assert form.is_valid() is False
    assert form.errors == {"file": ["This file is not a PDF, JPEG, PNG or Word (.docx) document."]}


def test_document_clean_checks_once(application, owner, clamd):
    """A file the form checked is not scanned again when it is stored."""
    form = UploadForm(data={}, files={"file": upload(PDF_BYTES)})
    assert form.is_valid() is True

    document_store(
        application=application,
        uploaded_file=form.cleaned_data["file"],
        kind="transcript",
        by=owner,
    )

    assert len(clamd.received) == 1


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


def test_the_download_costs_five_queries(client, owner, application, django_assert_num_queries):
    small = DocumentFactory(application=application)
    client.force_login(owner)
    b"".join(client.get(download_url(small)).streaming_content)  # warm up the session

    # session, user, role grants, application, document
    with django_assert_num_queries(5):
        response = client.get(download_url(small))
    assert b"".join(response.streaming_content) == PDF_BYTES
