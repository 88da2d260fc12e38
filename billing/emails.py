"""The e-mails of billing, registered with the one e-mail door
(``endorsement.emails.register_emails``) when the app loads; their default wording is in
``billing/templates/billing/emails/``. Sent to the person an invoice is for, in their language,
once the transaction commits: when the invoice is issued (what is owed, why, and the link to pay
or ask for a waiver) and, for an application's invoices, when it is paid or waived."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.enums import MembershipProofState
from endorsement.emails import (
    CONTEXT_HELP,
    application_email_on_commit,
    email_on_commit,
    register_emails,
)
from notifications.emails import user_language

VALUES = {
    **CONTEXT_HELP,
    "number": _("the invoice number"),
    "fee": _("what the invoice is for"),
    "amount": _("the amount, with its currency"),
    "invoice_url": _("the invoice's page, with its receipts"),
}

PROOF_VALUES = {
    "recipient": CONTEXT_HELP["recipient"],
    "association": CONTEXT_HELP["association"],
    "contact_email": CONTEXT_HELP["contact_email"],
    "other_association": _("the other association the person is a member of"),
    "end": _("the date the membership there ends"),
    "url": _("the person's page of their proofs of membership"),
}

register_emails(
    folder="billing/emails",
    emails={
        "invoice_issued": _("A fee to pay: the invoice (to the person it is for)"),
        "fee_paid": _("Payment received (to the applicant)"),
        "fee_waived": _("Fee waived (to the applicant)"),
        "membership_recorded": _("Membership recorded after its fee (to the member)"),
        "membership_proof_confirmed": _(
            "Proof of membership of another association confirmed (to the member)"
        ),
        "membership_proof_refused": _(
            "Proof of membership of another association refused, with the reason (to the member)"
        ),
    },
    values={
        "invoice_issued": {
            "recipient": CONTEXT_HELP["recipient"],
            "association": CONTEXT_HELP["association"],
            "contact_email": CONTEXT_HELP["contact_email"],
            "number": VALUES["number"],
            "fee": VALUES["fee"],
            "amount": VALUES["amount"],
            "reason": _("why the fee is owed, in a sentence"),
            "invoice_url": _("the invoice's page, where the person pays or asks for a waiver"),
        },
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
        "membership_proof_confirmed": PROOF_VALUES,
        "membership_proof_refused": {
            **PROOF_VALUES,
            "reason": _("the reason for the refusal"),
        },
    },
)


# Why an invoice is owed, by fee type, as the e-mail says it.
INVOICE_REASONS = {
    "registration": _("It comes with your registration for the %(category)s endorsement."),
    "processing": _("It is for the review of your portfolio for the %(category)s endorsement."),
    "membership": _("It is for your membership of %(association)s."),
    "renewal": _("It is for renewing your endorsement."),
    "late_renewal": _("It is for renewing your endorsement after its renewal date."),
    "reinstatement": _("It is for reinstating your endorsement."),
}


def invoice_url(invoice) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("billing:invoice", kwargs={"pk": invoice.pk})


def invoice_email_on_commit(*, invoice) -> None:
    """Tell the person an invoice is for what they owe, why, and where to pay it or ask for a
    waiver, in their language (only for an amount to pay)."""
    person = invoice.person
    if invoice.amount <= 0 or not person.is_active or not person.email:
        return
    association = invoice.association
    language = user_language(person)
    with translation.override(language):
        category = ""
        if invoice.application_id is not None:
            category = invoice.application.category
            category = f"{category.display_name} ({category.code})"
        reason = INVOICE_REASONS.get(invoice.fee_type)
        reason = (
            str(reason)
            % {"category": category or invoice.category_code, "association": association.name}
            if reason
            else ""
        )
        context = {
            "recipient": person.get_full_name(),
            "association": association.name,
            "contact_email": association.contact_email,
            "number": invoice.display_number,
            "fee": invoice.description,
            "amount": f"{invoice.amount} {invoice.currency}",
            "reason": reason,
            "invoice_url": invoice_url(invoice),
        }
    email_on_commit(
        association=association,
        key="invoice_issued",
        to=person.email,
        language=language,
        reply_to=association.contact_email,
        context=context,
    )


def fee_email_on_commit(*, key: str, invoice, amount) -> None:
    """Tell the applicant of an application's invoice that ``amount`` was paid or waived."""
    if invoice.application_id is None:
        return
    url = invoice_url(invoice)
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
        language=user_language(user),
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


def membership_proof_email_on_commit(*, proof) -> None:
    """Tell the person the coordinator's decision on their proof of membership of another
    association (confirmed: it counts as membership until its end; refused: the reason), in
    their language, with the link to their page of proofs."""
    user = proof.user
    if not user.is_active or not user.email:
        return
    association = proof.association
    confirmed = proof.state == MembershipProofState.CONFIRMED
    context = {
        "recipient": user.get_full_name(),
        "association": association.name,
        "contact_email": association.contact_email,
        "other_association": proof.other_association,
        "end": proof.end,
        "url": settings.SITE_URL.rstrip("/")
        + reverse("billing:membership.proof", kwargs={"slug": association.slug}),
    }
    if not confirmed:
        context["reason"] = proof.decision_note
    email_on_commit(
        association=association,
        key="membership_proof_confirmed" if confirmed else "membership_proof_refused",
        to=user.email,
        language=user_language(user),
        reply_to=association.contact_email,
        context=context,
        recipient=user,
        concerns=proof,
    )
