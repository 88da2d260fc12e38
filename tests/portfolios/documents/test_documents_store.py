"""portfolios.documents: a document stored with its type read from the content (size limits,
private storage), and evidence saved with its file."""

import hashlib
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile

from endorsement.enums import ApplicationState
from portfolios.documents import DOCX, document_store, evidence_save_with_document
from portfolios.enums import DocumentKind, TranscriptStatus
from portfolios.models import Document, Education
from portfolios.services import PortfolioLocked
from tests.factories import (
    PDF_BYTES,
    ApplicationFactory,
    EducationFactory,
    EndorsementCategoryFactory,
    FrameworkFactory,
)
from tests.portfolios.documents.helpers import PNG_BYTES, upload

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
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
