"""The e-mails of billing, registered with the one e-mail door
(``endorsement.emails.register_emails``) when the app loads; their default wording is in
``billing/templates/billing/emails/``. Sent for invoices of an application (to its applicant, in
their language, once the payment or waiver commits)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from endorsement.emails import CONTEXT_HELP, application_email_on_commit, register_emails

VALUES = {
    **CONTEXT_HELP,
    "number": _("the invoice number"),
    "fee": _("what the invoice is for"),
    "amount": _("the amount, with its currency"),
    "invoice_url": _("the invoice's page, with its receipts"),
}

register_emails(
    folder="billing/emails",
    emails={
        "fee_paid": _("Payment received (to the applicant)"),
        "fee_waived": _("Fee waived (to the applicant)"),
    },
    values={"fee_paid": VALUES, "fee_waived": VALUES},
)


def fee_email_on_commit(*, key: str, invoice, amount) -> None:
    """Tell the applicant of an application's invoice that ``amount`` was paid or waived."""
    if invoice.application_id is None:
        return
    url = settings.SITE_URL.rstrip("/") + reverse("billing:invoice", kwargs={"pk": invoice.pk})
    application_email_on_commit(
        application=invoice.application,
        key=key,
        recipients=[invoice.person],
        extra={
            "number": invoice.display_number,
            "fee": invoice.description,
            "amount": f"{amount} {invoice.currency}",
            "invoice_url": url,
        },
    )
