"""Uploaded documents: checked, optionally scanned for viruses, stored privately.

A file is accepted when

* it is not empty and not larger than ``settings.FILE_UPLOAD_MAX_BYTES`` (10 MB by default);
* clamd finds no virus in it, when ``settings.CLAMAV_SOCKET`` names a clamd unix socket (a
  path) or TCP address (``tcp://clamav:3310``, docker-compose's ``clamav`` service). The
  file is streamed to clamd with its INSTREAM command (no extra library). When a scanner is
  configured but cannot give an answer, the file is refused: an unscanned file is never stored.
  The scan comes before the type check, so a virus is reported as such whatever its type;
* its *content* is a PDF, JPEG, PNG or Word (.docx) document. The name the browser sent and the
  content type it claimed are never trusted: the first bytes decide (``%PDF-``, ``FF D8 FF``,
  the PNG signature), and a .docx is a ZIP file whose directory lists ``[Content_Types].xml`` and
  ``word/document.xml`` and whose content types name a Word document (a macro-enabled .docm is
  refused). The ZIP is only listed, never extracted.

Stored files get a server-generated name (``portfolios.models.document_path``); the uploaded
name is kept only as data (``Document.original_name``), with the file's size and SHA-256. The
default storage is private (outside any URL): files leave only through
``portfolios.views.documents`` after a permission check.

Forms use :func:`document_form_field` for the field and call :func:`document_clean` from their
``clean_<field>()`` so that a refused file shows its error on the field; views then call
:func:`evidence_save_with_document`, which stores the file with :func:`document_store` (checking
again only what was not checked yet) and saves the evidence with it in one transaction.
"""

import hashlib
import logging
import socket
import struct
import unicodedata
import zipfile
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portfolios.enums import TranscriptStatus
from portfolios.models import Document, Education
from portfolios.services import evidence_save, portfolio_assert_editable

logger = logging.getLogger(__name__)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# What the file chooser offers; the content is checked whatever the name says.
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx"

_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
_ZIP_SIGNATURE = b"PK\x03\x04"
_DOCX_MAIN_TYPE = (
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
# [Content_Types].xml of a real document is a few kB; read no more than this of it.
_CONTENT_TYPES_READ_LIMIT = 256 * 1024

# clamd: seconds to wait for a connection and for the answer; size of each INSTREAM chunk.
CLAMAV_TIMEOUT = 30
_CLAMAV_CHUNK = 64 * 1024

_CHECKED_ATTRIBUTE = "_portal_document_check"


@dataclass(frozen=True)
class DocumentCheck:
    """What the checks found out about an upload."""

    content_type: str
    size: int
    sha256: str


def _max_bytes() -> int:
    return settings.FILE_UPLOAD_MAX_BYTES


def _help_text() -> str:
    return _("PDF, JPEG, PNG or Word (.docx), up to %(size)s.") % {
        "size": filesizeformat(_max_bytes())
    }


def document_help_text() -> str:
    """The accepted types and the size limit, for help texts."""
    return _help_text()


def document_form_field(*, required: bool = False, label=None, help_text=None) -> forms.FileField:
    """A file field for a portfolio form; pair it with :func:`document_clean` in the form."""
    return forms.FileField(
        label=label if label is not None else gettext_lazy("File"),
        required=required,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text=help_text if help_text is not None else lazy(_help_text, str)(),
    )


def detect_content_type(file) -> str | None:
    """The content type of the file from its content, or None when it is none of ours."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(_ZIP_SIGNATURE) and _is_docx(file):
        return DOCX
    return None


def _is_docx(file) -> bool:
    """A ZIP listing the parts of a Word document. Only the directory and (at most
    _CONTENT_TYPES_READ_LIMIT bytes of) [Content_Types].xml are read: nothing is extracted."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if not {"[Content_Types].xml", "word/document.xml"} <= names:
                return False
            with archive.open("[Content_Types].xml") as part:
                content_types = part.read(_CONTENT_TYPES_READ_LIMIT)
    # RuntimeError: encrypted entries; NotImplementedError: unknown compression.
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return False
    finally:
        file.seek(0)
    return _DOCX_MAIN_TYPE in content_types


class ScannerUnavailable(Exception):
    """The configured virus scanner could not give an answer."""


def _clamd_connect(address: str, timeout: float) -> socket.socket:
    """A connection to clamd: ``tcp://host:port`` over TCP (clamd in another container, where a
    shared unix socket would need matching user ids), anything else as a unix socket path."""
    if address.startswith("tcp://"):
        host, _sep, port = address.removeprefix("tcp://").rstrip("/").rpartition(":")
        if not host or not port.isdigit():
            raise OSError(f"not a tcp://host:port address: {address}")
        return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.settimeout(timeout)
        conn.connect(address)
    except BaseException:
        conn.close()
        raise
    return conn


def clamav_scan(file, *, socket_path: str, timeout: float = CLAMAV_TIMEOUT) -> str | None:
    """Stream the file to clamd (INSTREAM) over its unix socket or TCP address.

    Returns the name of the virus found, or None when the file is clean. Raises
    ScannerUnavailable when clamd cannot be reached or answers anything else.
    """
    file.seek(0)
    try:
        with _clamd_connect(socket_path, timeout) as conn:
            conn.sendall(b"zINSTREAM\0")
            while chunk := file.read(_CLAMAV_CHUNK):
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                data = conn.recv(4096)
                if not data:
                    break
                reply += data
    except OSError as exc:
        raise ScannerUnavailable(str(exc)) from exc
    finally:
        file.seek(0)
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith(" OK"):
        return None
    if answer.endswith(" FOUND"):
        # "stream: Eicar-Signature FOUND"
        return answer.split(":", 1)[-1].removesuffix(" FOUND").strip()
    raise ScannerUnavailable(answer or "no answer")


def _sha256(uploaded_file: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


def document_clean(uploaded_file: UploadedFile | None) -> UploadedFile | None:
    """Check an upload (size, virus scan, type from the content); raise ValidationError.

    Call it from a form's ``clean_<field>()`` so the error shows on the field. A file that
    passes is marked, so :func:`document_store` does not check it a second time.
    """
    if not uploaded_file:
        return uploaded_file
    if getattr(uploaded_file, _CHECKED_ATTRIBUTE, None) is not None:
        return uploaded_file
    size = uploaded_file.size
    if not size:
        raise ValidationError(_("This file is empty."), code="empty")
    if size > _max_bytes():
        raise ValidationError(
            _("This file is %(size)s; the largest file accepted is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(_max_bytes())},
            code="too_large",
        )
    socket_path = getattr(settings, "CLAMAV_SOCKET", "")
    if socket_path:
        try:
            virus = clamav_scan(uploaded_file, socket_path=socket_path)
        except ScannerUnavailable as exc:
            logger.error("Virus scanner at %s unavailable: %s", socket_path, exc)
            raise ValidationError(
                _(
                    "We could not check this file for viruses just now, so it was not saved. "
                    "Please try again later."
                ),
                code="scan_failed",
            ) from exc
        if virus:
            logger.warning("Upload refused, virus found: %s", virus)
            raise ValidationError(_("This file contains a virus and was not saved."), code="virus")
    content_type = detect_content_type(uploaded_file)
    if content_type is None:
        raise ValidationError(
            _("This file is not a PDF, JPEG, PNG or Word (.docx) document."), code="file_type"
        )
    check = DocumentCheck(content_type=content_type, size=size, sha256=_sha256(uploaded_file))
    setattr(uploaded_file, _CHECKED_ATTRIBUTE, check)
    return uploaded_file


def _clean_name(name: str) -> str:
    """The uploaded name as data: no path, no control characters, at most 255 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:255] or "document"


def upload_checked(uploaded_file: UploadedFile) -> tuple[DocumentCheck, str]:
    """Check an upload as :func:`document_clean` does (raises ValidationError) and give what
    the checks found and the uploaded name as data: for other apps that store a private file
    of their own (``billing.membership_proofs``)."""
    document_clean(uploaded_file)
    return getattr(uploaded_file, _CHECKED_ATTRIBUTE), _clean_name(uploaded_file.name)


@transaction.atomic
def document_store(
    *, application, uploaded_file: UploadedFile, kind: str, by, add_on=None
) -> Document:
    """Check the upload (unless :func:`document_clean` already did) and store it privately.

    Raises ValidationError when the file is refused, PortfolioLocked when the portfolio is
    read-only. The evidence of an add-on (``add_on``, an ``EndorsementAddOn``) is stored with
    the endorsement's application whatever its state.
    """
    if add_on is None:
        portfolio_assert_editable(application=application)
    document_clean(uploaded_file)
    check: DocumentCheck = getattr(uploaded_file, _CHECKED_ATTRIBUTE)
    document = Document(
        association_id=application.association_id,
        application=application,
        uploaded_by=by,
        kind=kind,
        original_name=_clean_name(uploaded_file.name),
        content_type=check.content_type,
        size=check.size,
        sha256=check.sha256,
        add_on=add_on,
    )
    uploaded_file.seek(0)
    # The name given here is not used: document_path generates one.
    document.file.save("upload", uploaded_file, save=False)
    try:
        document.save()
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


def _transcript_status_follow(instance, *, attached: bool) -> None:
    """An education's transcript status follows its file: uploaded when one is attached to a
    transcript not provided yet, not provided when the uploaded one is removed."""
    if not isinstance(instance, Education):
        return
    if attached and instance.transcript_status == TranscriptStatus.NOT_PROVIDED:
        instance.transcript_status = TranscriptStatus.UPLOADED
    elif not attached and instance.transcript_status == TranscriptStatus.UPLOADED:
        instance.transcript_status = TranscriptStatus.NOT_PROVIDED


@transaction.atomic
def evidence_save_with_document(
    *,
    application,
    instance,
    by,
    document_field: str,
    document_kind: str,
    upload: UploadedFile | None = None,
    remove: bool = False,
    save_m2m=None,
    draft_key: str = "",
):
    """Save one evidence row with its one optional file (a transcript, a certificate).

    ``upload`` is stored (:func:`document_store`) and attached as ``document_field``; without
    one, ``remove`` detaches the current file. The file and the evidence are written in one
    transaction. Raises ValidationError when the file is refused, PortfolioLocked when the
    portfolio is read-only.
    """
    if upload:
        document = document_store(
            application=application, uploaded_file=upload, kind=document_kind, by=by
        )
        setattr(instance, document_field, document)
        _transcript_status_follow(instance, attached=True)
    elif remove:
        setattr(instance, document_field, None)
        _transcript_status_follow(instance, attached=False)
    return evidence_save(
        application=application,
        instance=instance,
        by=by,
        save_m2m=save_m2m,
        draft_key=draft_key,
    )
