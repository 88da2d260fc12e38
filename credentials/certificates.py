"""The certificate PDF: an HTML page rendered by WeasyPrint as a tagged, accessible PDF
(PDF/UA-1) with its title and language.

Rendering fetches nothing from the network and no file of the machine: ``StaticOnlyFetcher``
serves only the portal's own static files (``/static/…`` under ``SITE_URL``, found by the
static-files finders or in ``STATIC_ROOT``) and ``data:`` URLs (the association's logo, read
from the storage and embedded); every other address is refused. The QR code is an inline SVG
(segno) that opens the public verification page.
"""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint import HTML

from accounts.pdfs import (  # noqa: F401 - also imported from here
    LOGO_MAX_BYTES,
    FetchRefused,
    StaticOnlyFetcher,
    brand_colour,
    logo_data_url,
    static_file_path,
    static_prefix,
)
from credentials.links import verification_url
from endorsement.models import Endorsement


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(
        scale=4, border=2, title=_("QR code: verify this endorsement"), omitsize=False
    )


def certificate_context(*, endorsement: Endorsement, holder_name: str) -> dict:
    association = endorsement.association
    url = verification_url(endorsement.number)
    return {
        "endorsement": endorsement,
        "association": association,
        "holder_name": holder_name,
        "category_name": endorsement.category.display_name,
        "logo_url": logo_data_url(association),
        "brand_colour": brand_colour(association),
        "verification_url": url,
        "qr_svg": qr_svg(url),
        "static_prefix": static_prefix(),
        "language": translation.get_language() or settings.LANGUAGE_CODE,
    }


def certificate_language(endorsement: Endorsement) -> str:
    return endorsement.holder.preferred_language or settings.LANGUAGE_CODE


def certificate_pdf(*, endorsement: Endorsement, holder_name: str) -> bytes:
    """The certificate as PDF/UA-1 bytes, in the holder's language."""
    with translation.override(certificate_language(endorsement)):
        context = certificate_context(endorsement=endorsement, holder_name=holder_name)
        html = render_to_string("credentials/certificate.html", context)
    document = HTML(string=html, base_url=static_prefix(), url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")
