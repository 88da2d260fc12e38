"""The certificate: its download and the fragment that shows its progress.

Only the holder and the coordinators and admins of the endorsement's association may reach a
certificate; everyone else gets 404 (anonymous visitors are sent to log in). The file is an
attachment, ``nosniff``, never cached; behind nginx (``PRIVATE_MEDIA_ACCEL_PREFIX``) it leaves
through ``X-Accel-Redirect`` like the portfolio's documents.
"""

import logging
from urllib.parse import quote

import rules
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView

from accounts.permissions import RefusedHidden
from audit.enums import CERTIFICATE_DOWNLOAD
from audit.services import audit_record
from credentials.dashboards import certificate_context
from credentials.selectors import certificate_by_id

logger = logging.getLogger(__name__)


def _secure(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class CertificateMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        certificate = certificate_by_id(kwargs["pk"])
        if certificate is None:
            raise Http404
        if not rules.has_perm("credentials.download_certificate", request.user, certificate):
            raise RefusedHidden(association_id=certificate.endorsement.association_id)
        self.certificate = certificate
        return super().dispatch(request, *args, **kwargs)


class CertificateDownloadView(CertificateMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        certificate = self.certificate
        if not certificate.is_ready:
            raise Http404
        filename = f"{certificate.endorsement.number}.pdf"
        audit_record(
            action=CERTIFICATE_DOWNLOAD,
            actor=request.user,
            target=certificate,
            object_label=filename,
            association_id=certificate.endorsement.association_id,
            request=request,
        )
        prefix = settings.PRIVATE_MEDIA_ACCEL_PREFIX
        if prefix:
            response = HttpResponse(content_type="application/pdf")
            response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(certificate.file.name)
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return _secure(response)
        try:
            handle = certificate.file.open("rb")
        except FileNotFoundError as exc:
            logger.error("Certificate %s: file %s is missing", certificate.pk, certificate.file)
            raise Http404 from exc
        response = FileResponse(
            handle, as_attachment=True, filename=filename, content_type="application/pdf"
        )
        return _secure(response)


class CertificateStatusView(CertificateMixin, TemplateView):
    """The certificate's block, asked again by htmx every few seconds while it is produced."""

    template_name = "credentials/_certificate.html"
    http_method_names = ["get"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(certificate_context(certificate=self.certificate, user=self.request.user))
        return context
