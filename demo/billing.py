"""The demo's fees: each association's fee schedule (the example schedule of
``framework-facts.yaml``: registration / processing IFA 15/25, IFS 15/100, IFRS 20/150,
IMHS 25/300, IMHM 25/400; membership 60, renewal 30, late renewal 25), in force since two years
ago so every story's registration is invoiced; then what the applicants paid.

Fees are not required before acceptance or submission in the demo (the stories take every
step without paying first); each applicant past the registration paid the registration fee by
cheque, each submitted portfolio's processing fee is paid, Gus's with a scholarship. Ana's
registration fee is still to pay: she pays it through the manual gateway. Safe to run twice.
"""

import datetime
from decimal import Decimal

from accounts.models import Association, User
from billing.enums import FeeType, InvoiceStatus, PaymentMethod
from billing.models import FeeSchedule
from billing.services import (
    fee_schedule_save,
    invoice_for_application,
    payment_record,
    waiver_record,
)
from endorsement.enums import ApplicationState as S
from endorsement.models import Application

# Registration and processing fee by category code (the early-childhood categories cost what
# their infant counterparts do; the Mentor tracks cost what IMHM does).
CATEGORY_FEES = {
    "IFA": ("15", "25"),
    "IFS": ("15", "100"),
    "IFRS": ("20", "150"),
    "IMHS": ("25", "300"),
    "IMHM": ("25", "400"),
    "ECFA": ("15", "25"),
    "ECFS": ("15", "100"),
    "ECMHS": ("25", "300"),
    "ECMHM": ("25", "400"),
}


def fees_for(code: str) -> tuple[str, str] | None:
    if code in CATEGORY_FEES:
        return CATEGORY_FEES[code]
    family = code.split("-", 1)[0]
    return CATEGORY_FEES.get(family)


def fee_schedule_seed(association: Association, category_codes) -> FeeSchedule:
    """The association's schedule, in force from two years ago; left as it is when it has one."""
    existing = FeeSchedule.objects.filter(association=association).first()
    if existing is not None:
        return existing
    rows = {code: fees for code in category_codes if (fees := fees_for(code))}
    return fee_schedule_save(
        association=association,
        by=None,
        effective_from=association.today() - datetime.timedelta(days=730),
        currency="USD",
        membership_fee=Decimal("60"),
        renewal_fee=Decimal("30"),
        late_renewal_fee=Decimal("25"),
        reinstatement_fee=Decimal("100"),
        category_fees=rows,
        allow_past=True,
    )


SUBMITTED_OR_LATER = [
    S.SUBMITTED,
    S.IN_REVIEW,
    S.DEFERRED,
    S.APPROVED,
    S.EXAM,
    S.EXAM_PASSED,
    S.EXAM_FAILED,
    S.AWARDED,
]
# Paid with a scholarship rather than by cheque.
SCHOLARSHIPS = {"gus"}


def payments_seed(association: Association, admin: User) -> None:
    """Every application's invoices, and the payments of all but Ana's registration fee."""
    applications = Application.objects.filter(association=association).select_related(
        "association", "category", "applicant"
    )
    for application in applications:
        local = application.applicant.email.split("@", 1)[0]
        registration = invoice_for_application(
            application=application, fee_type=FeeType.REGISTRATION
        )
        if registration is not None and application.state != S.REGISTERED:
            _pay(registration, admin, f"{local}-reg")
        if application.state in SUBMITTED_OR_LATER:
            processing = invoice_for_application(
                application=application, fee_type=FeeType.PROCESSING
            )
            if processing is None:
                continue
            if local in SCHOLARSHIPS:
                if processing.status == InvoiceStatus.OPEN:
                    waiver_record(
                        invoice=processing,
                        method=PaymentMethod.SCHOLARSHIP,
                        reason="Home visitor scholarship fund, 2026",
                        by=admin,
                        idempotency_key=f"demo:{association.slug}:{local}-proc",
                    )
            else:
                _pay(processing, admin, f"{local}-proc")


def _pay(invoice, admin: User, key: str) -> None:
    if invoice.status != InvoiceStatus.OPEN:
        return
    payment_record(
        invoice=invoice,
        amount=invoice.amount,
        currency=invoice.currency,
        method=PaymentMethod.CHEQUE,
        reference=f"CHQ-{invoice.number:04d}",
        by=admin,
        idempotency_key=f"demo:{invoice.association.slug}:{key}",
    )
