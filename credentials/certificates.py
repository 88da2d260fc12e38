"""The certificate PDF: an HTML page rendered by WeasyPrint as a tagged, accessible PDF
(PDF/UA-1) with its title and language.

Rendering fetches nothing from the network and no file of the machine, and each thread
renders with one shared font configuration (``accounts.pdfs``: both are shared with billing's
invoices and receipts). The QR code is an inline SVG (segno) that opens the public
verification page.
"""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint import HTML

# The PDF helpers every PDF of the portal shares (accounts.pdfs); re-exported here for the
# certificate's callers and tests.
from accounts.pdfs import (  # noqa: F401
    FetchRefused,
    StaticOnlyFetcher,
    brand_colour,
    font_configuration,
    logo_data_url,
    static_file_path,
    static_prefix,
)
from credentials.links import verification_url
from endorsement.models import Endorsement
from notifications.emails import user_language


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(
        scale=4, border=2, title=_("QR code: verify this endorsement"), omitsize=False
    )


def certificate_context(*, endorsement: Endorsement, holder_name: str, code: str = "") -> dict:
    association = endorsement.association
    url = verification_url(endorsement.number, certificate=code)
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
    return user_language(endorsement.holder)


def certificate_html(*, endorsement: Endorsement, holder_name: str, code: str = "") -> str:
    """The certificate's HTML page, in the holder's language; its QR code opens the
    verification page of the certificate ``code`` (of the endorsement alone without one)."""
    with translation.override(certificate_language(endorsement)):
        context = certificate_context(endorsement=endorsement, holder_name=holder_name, code=code)
        return render_to_string("credentials/certificate.html", context)


# The PDF variant of every certificate: tagged, accessible PDF.
PDF_VARIANT = "pdf/ua-1"


def certificate_pdf(*, endorsement: Endorsement, holder_name: str, code: str = "") -> bytes:
    """The certificate as PDF/UA-1 bytes, in the holder's language."""
    html = certificate_html(endorsement=endorsement, holder_name=holder_name, code=code)
    document = HTML(string=html, base_url=static_prefix(), url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(pdf_variant=PDF_VARIANT, font_config=font_configuration())
