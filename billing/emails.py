"""The e-mails of billing, registered with the one e-mail door
(``endorsement.emails.register_emails``) when the app loads; their default wording is in
``billing/templates/billing/emails/``. Sent for invoices of an application (to its applicant, in
their language, once the payment or waiver commits)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from endorsement.emails import (
    CONTEXT_HELP,
    application_email_on_commit,
    email_on_commit,
    register_emails,
)

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
        "membership_recorded": _("Membership recorded after its fee (to the member)"),
    },
    values={
        "fee_paid": VALUES,
        "fee_waived": VALUES,
        "membership_recorded": {
            "recipient": CONTEXT_HELP["recipient"],
            "association": CONTEXT_HELP["association"],
            "contact_email": CONTEXT_HELP["contact_email"],
            "start": _("the first day of the membership"),
            "end": _("the last day of the membership"),
            "url": _("the person's dashboard"),
        },
    },
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


def membership_email_on_commit(*, membership) -> None:
    """Tell the member their membership is recorded, with its period, in their language."""
    user = membership.user
    association = membership.association
    email_on_commit(
        association=association,
        key="membership_recorded",
        to=user.email,
        language=user.preferred_language or settings.LANGUAGE_CODE,
        reply_to=association.contact_email,
        context={
            "recipient": user.get_full_name(),
            "association": association.name,
            "contact_email": association.contact_email,
            "start": membership.start,
            "end": membership.end,
            "url": settings.SITE_URL.rstrip("/") + reverse("accounts:dashboard"),
        },
    )
