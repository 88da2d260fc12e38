"""portfolios.documents: the virus scan through clamd (a fake clamd here), and the form helpers
that check an upload once."""

import io

import pytest
from django import forms
from django.core.exceptions import ValidationError

from portfolios.documents import (
    ACCEPT,
    ScannerUnavailable,
    clamav_scan,
    document_clean,
    document_form_field,
    document_store,
)
from portfolios.models import Document
from tests.factories import PDF_BYTES
from tests.portfolios.documents.helpers import EICAR, FakeClamd, upload


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


def test_clamav_scan_over_tcp():
    server = FakeClamd(tcp=True)
    try:
        assert clamav_scan(io.BytesIO(PDF_BYTES + EICAR), socket_path=server.path) == (
            "Eicar-Signature"
        )
        assert clamav_scan(io.BytesIO(PDF_BYTES), socket_path=server.path) is None
    finally:
        server.close()
    assert server.received == [PDF_BYTES + EICAR, PDF_BYTES]


@pytest.mark.parametrize("address", ["tcp://clamav", "tcp://:3310", "tcp://127.0.0.1:1"])
def test_a_bad_or_closed_tcp_address_is_an_unavailable_scanner(address):
    with pytest.raises(ScannerUnavailable):
        clamav_scan(io.BytesIO(PDF_BYTES), socket_path=address, timeout=2)
