"""Fees on the workflow's steps (``endorsement.conditions``): where the association's fee
schedule says so, the coordinator accepts a registration only once its registration fee is paid
or waived, and the portfolio is submitted only once its processing fee is; a reinstatement
is approved only once its reinstatement fee is."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from billing.enums import SETTLED_STATUSES, FeeType
from billing.models import FeeSchedule, Invoice
from billing.selectors import fee_amount, fee_schedule_in_force
from endorsement import conditions
from endorsement.enums import ApplicationPurpose


def invoice_url(invoice: Invoice) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("billing:invoice", kwargs={"pk": invoice.pk})


def _requires(application, flag: str) -> bool:
    """Whether the schedule in force asks for the fee first (one query)."""
    values = (
        FeeSchedule.objects.filter(
            association_id=application.association_id,
            effective_from__lte=application.association.today(),
        )
        .order_by("-effective_from")
        .values_list(flag, flat=True)
        .first()
    )
    return bool(values)


def _unsettled(application, fee_type: str, sentence: str, missing: str) -> str:
    invoice = Invoice.objects.filter(application=application, fee_type=fee_type).first()
    if invoice is None:
        schedule = fee_schedule_in_force(association=application.association)
        amount = fee_amount(
            schedule=schedule, fee_type=fee_type, category_code=application.category.code
        )
        return missing if amount > 0 else ""
    if invoice.status in SETTLED_STATUSES:
        return ""
    return sentence % {
        "number": invoice.display_number,
        "amount": invoice.amount,
        "currency": invoice.currency,
        "url": invoice_url(invoice),
    }


@conditions.register("accept")
def registration_fee_settled(application, **facts) -> str:
    if not _requires(application, "registration_fee_before_acceptance"):
        return ""
    return _unsettled(
        application,
        FeeType.REGISTRATION,
        _(
            "The registration fee (%(amount)s %(currency)s, invoice %(number)s) must be paid or "
            "waived before the registration is accepted: %(url)s"
        ),
        _(
            "The registration fee must be paid before the registration is accepted, and its "
            "invoice is not issued yet: write to the association's office."
        ),
    )


@conditions.register("submit")
def processing_fee_settled(application, **facts) -> str:
    if application.purpose == ApplicationPurpose.REINSTATEMENT:
        return ""  # a reinstatement owes the reinstatement fee instead (below)
    if not _requires(application, "processing_fee_before_submission"):
        return ""
    return _unsettled(
        application,
        FeeType.PROCESSING,
        _(
            "The processing fee (%(amount)s %(currency)s, invoice %(number)s) must be paid or "
            "waived before the portfolio is submitted: %(url)s"
        ),
        _(
            "The processing fee must be paid before the portfolio is submitted, and its invoice "
            "is not issued yet: write to the association's office."
        ),
    )


@conditions.register("reinstate")
def reinstatement_fee_settled(application, **facts) -> str:
    """A reinstatement is approved only once its fee is paid or waived (when the schedule in
    force charges one)."""
    return _unsettled(
        application,
        FeeType.REINSTATEMENT,
        _(
            "The reinstatement fee (%(amount)s %(currency)s, invoice %(number)s) must be paid "
            "or waived before the reinstatement is approved: %(url)s"
        ),
        _(
            "The reinstatement fee must be paid before the reinstatement is approved, and its "
            "invoice is not issued yet: write to the association's office."
        ),
    )
