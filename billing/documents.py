"""Invoice and receipt PDFs: HTML rendered by WeasyPrint as tagged PDF/UA-1, with the
association's name, logo, colour and contact, fetching nothing but the portal's static files
(``accounts.pdfs.StaticOnlyFetcher``, shared with the certificate)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from accounts.pdfs import (
    StaticOnlyFetcher,
    brand_colour,
    font_configuration,
    logo_data_url,
    static_prefix,
)
from billing.models import Invoice, Payment
from billing.selectors import invoice_totals


def _render(template: str, context: dict, language: str) -> bytes:
    with translation.override(language):
        context = {
            **context,
            "static_prefix": static_prefix(),
            "language": translation.get_language() or settings.LANGUAGE_CODE,
        }
        html = render_to_string(template, context)
    document = HTML(string=html, base_url=static_prefix(), url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1", font_config=font_configuration())


def _common(invoice: Invoice) -> dict:
    association = invoice.association
    return {
        "invoice": invoice,
        "association": association,
        "logo_url": logo_data_url(association),
        "brand_colour": brand_colour(association),
        "totals": invoice_totals(invoice),
    }


def invoice_pdf(*, invoice: Invoice, language: str) -> bytes:
    """The invoice (read with its payments: ``selectors.invoice_by_id``)."""
    return _render("billing/invoice_pdf.html", _common(invoice), language)


def receipt_pdf(*, payment: Payment, language: str) -> bytes:
    invoice = payment.invoice
    return _render("billing/receipt_pdf.html", {**_common(invoice), "payment": payment}, language)
