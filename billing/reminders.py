"""Billing's reminders (``notifications.reminders``), both essential (payments: no one can
switch them off): the membership ending in 30 days, to the member, with the link to renew it
online (not when the next year's membership is already recorded); and the invoice still to pay
14 days after it was issued, to the person it is for, with the link to the invoice's page
(where they pay or ask for a waiver), until it is paid, waived or refunded. An invoice whose
waiver request waits for the association's answer is not chased meanwhile."""

import datetime

from django.conf import settings
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.enums import MembershipStatus
from accounts.models import Membership
from accounts.time_zones import association_day, association_days_span
from billing.emails import invoice_url
from billing.enums import InvoiceStatus, PaymentKind, WaiverRequestStatus
from billing.models import ZERO, Invoice, Payment, WaiverRequest
from endorsement.emails import CONTEXT_HELP, email_on_commit, register_emails
from notifications.emails import user_language
from notifications.reminders import days_now, register_reminders

PERSON_VALUES = {
    "recipient": CONTEXT_HELP["recipient"],
    "association": CONTEXT_HELP["association"],
    "contact_email": CONTEXT_HELP["contact_email"],
    "days": _("the number of days"),
}

register_emails(
    folder="billing/emails",
    emails={
        "reminder.membership_expiring": _("Reminder: the membership ends soon (to the member)"),
        "reminder.invoice_unpaid": _(
            "Reminder: an invoice is still to pay (to the person it is for)"
        ),
    },
    values={
        "reminder.membership_expiring": {
            **PERSON_VALUES,
            "end": _("the last day of the membership"),
            "url": _("the page where the member renews the membership online"),
        },
        "reminder.invoice_unpaid": {
            **PERSON_VALUES,
            "number": _("the invoice number"),
            "fee": _("what the invoice is for"),
            "issued_on": _("the day the invoice was issued"),
            "balance": _("the amount still to pay, with its currency"),
            "url": _("the invoice's page, where the person pays or asks for a waiver"),
        },
    },
)


def _send(key: str, *, person, association, concerns, language: str = "", **context) -> None:
    """The e-mail ``key`` to ``person`` (in their language), about ``concerns``, in the current
    transaction (sent once it commits); replies go to the association."""
    email_on_commit(
        association=association,
        key=key,
        to=person.email,
        language=language or user_language(person),
        reply_to=association.contact_email,
        context={
            "recipient": person.get_full_name(),
            "association": association.name,
            "contact_email": association.contact_email,
            **context,
        },
        concerns=concerns,
        recipient=person,
    )


# --- the membership ending ----------------------------------------------------------------------


def membership_expiring_find(*, association, days: int, since, today):
    """Due ``days`` before the membership's last day, unless a later membership of the same
    person is already recorded (renewed: paid or waived)."""
    delta = datetime.timedelta(days=days)
    renewed = Membership.objects.filter(
        association=OuterRef("association_id"),
        user=OuterRef("user_id"),
        status=MembershipStatus.ACTIVE,
        end__gt=OuterRef("end"),
    )
    rows = (
        Membership.objects.filter(
            association=association,
            status=MembershipStatus.ACTIVE,
            end__gte=since + delta,
            end__lte=today + delta,
            user__is_active=True,
        )
        .exclude(user__email="")
        .filter(~Exists(renewed))
        .select_related("user", "association")
    )
    for membership in rows.iterator(chunk_size=1000):
        yield membership, membership.end - delta


def membership_expiring_send(*, object, days: int, due) -> None:
    membership = object
    association = membership.association
    _send(
        "reminder.membership_expiring",
        person=membership.user,
        association=association,
        concerns=membership,
        days=str(days_now(days=days, due=due, before=True)),
        end=membership.end,
        url=settings.SITE_URL.rstrip("/")
        + reverse("billing:membership", kwargs={"slug": association.slug}),
    )


# --- the invoice still to pay -------------------------------------------------------------------


def _credited():
    """What was paid (less refunds) or waived on the invoice, in one subquery."""
    signed = Case(
        When(kind=PaymentKind.REFUND, then=-F("amount")),
        default=F("amount"),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    total = (
        Payment.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(total=Sum(signed))
        .values("total")
    )
    return Coalesce(
        Subquery(total), Value(ZERO), output_field=DecimalField(max_digits=12, decimal_places=2)
    )


def invoice_unpaid_find(*, association, days: int, since, today):
    """Due ``days`` after the invoice was issued (the day in the association's calendar) while
    it is still open, and no waiver request of it waits for an answer."""
    delta = datetime.timedelta(days=days)
    start, end = association_days_span(association, since - delta, today - delta)
    waiting = WaiverRequest.objects.filter(invoice=OuterRef("pk"), status=WaiverRequestStatus.OPEN)
    rows = (
        Invoice.objects.filter(
            association=association,
            status=InvoiceStatus.OPEN,
            issued_at__gte=start,
            issued_at__lt=end,
            person__is_active=True,
        )
        .exclude(person__email="")
        .filter(~Exists(waiting))
        .annotate(balance=F("amount") - _credited())
        .filter(balance__gt=0)
        .select_related("person", "association")
    )
    for invoice in rows.iterator(chunk_size=1000):
        yield invoice, association_day(invoice.issued_at, association) + delta


def invoice_unpaid_send(*, object, days: int, due) -> None:
    invoice = object
    balance = getattr(invoice, "balance", invoice.amount)
    language = user_language(invoice.person)
    with translation.override(language):
        fee = invoice.description  # the fee's name in the person's language
    _send(
        "reminder.invoice_unpaid",
        person=invoice.person,
        association=invoice.association,
        concerns=invoice,
        language=language,
        days=str(days_now(days=days, due=due, before=False)),
        number=invoice.display_number,
        fee=fee,
        issued_on=due - datetime.timedelta(days=days),
        balance=f"{balance} {invoice.currency}",
        url=invoice_url(invoice),
    )


register_reminders(
    {
        "membership_expiring": {
            "label": _("The membership ends soon"),
            "recipients": _("the member"),
            "model": Membership,
            "default_days": (30,),
            "days_help": _("days before the membership's last day"),
            "find": membership_expiring_find,
            "send": membership_expiring_send,
        },
        "invoice_unpaid": {
            "label": _("An invoice is still to pay"),
            "recipients": _("the person the invoice is for"),
            "model": Invoice,
            "default_days": (14,),
            "days_help": _("days after the invoice was issued"),
            "find": invoice_unpaid_find,
            "send": invoice_unpaid_send,
        },
    },
    essential=True,
)
