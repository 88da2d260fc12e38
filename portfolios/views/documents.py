"""Downloading a portfolio's documents: only for those who may see the portfolio.

Everyone else gets 404 (anonymous visitors are sent to log in). The file is always an
attachment with its original name (RFC 6266), the content type detected when it was uploaded,
``nosniff`` and no caching. Behind nginx (``PRIVATE_MEDIA_ACCEL_PREFIX`` set) the view only
answers with ``X-Accel-Redirect`` and nginx sends the file from its internal location;
otherwise Django streams it.
"""

import logging
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views import View

from audit.enums import DOCUMENT_DOWNLOAD
from audit.services import audit_record
from portfolios.permissions import PortfolioMixin
from portfolios.selectors import application_documents

logger = logging.getLogger(__name__)


def _secure(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Should a browser render it anyway: no scripts, no requests, no framing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class DocumentDownloadView(PortfolioMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        document = get_object_or_404(
            application_documents(application=self.application), pk=kwargs["pk"]
        )
        return document_response(document, request=request)


def document_response(document, *, request) -> HttpResponse:
    """The file as an attachment (X-Accel-Redirect behind nginx), once permission is checked;
    the download is recorded in the audit log (who, which document, from where)."""
    audit_record(
        action=DOCUMENT_DOWNLOAD,
        actor=request.user,
        target=document,
        object_label=document.original_name,
        association_id=document.association_id,
        details={"application": document.application_id},
        request=request,
    )
    prefix = settings.PRIVATE_MEDIA_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=document.content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(document.file.name)
        response["Content-Disposition"] = content_disposition_header(True, document.original_name)
        return _secure(response)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        logger.error("Document %s: file %s is missing", document.pk, document.file.name)
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    return _secure(response)
