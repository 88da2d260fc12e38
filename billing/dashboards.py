"""What billing adds to lower apps' pages (imported from ``BillingConfig.ready``): the person's
open invoices on the applicant dashboard, the fee schedule and invoices on the association
admin's (``accounts.dashboards``), and each category's fees on the public pages
(``competencies.costs``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import dashboards
from accounts.enums import Role
from billing.enums import InvoiceStatus
from billing.models import Invoice
from billing.selectors import category_costs, invoices_of
from endorsement.panels import Panel, register_application_panel


def money_text(amount, currency: str) -> str:
    return f"{amount} {currency}"


def category_cost_sentences(association) -> dict[str, str]:
    sentences = {}
    for code, (registration, processing, currency) in category_costs(
        association=association
    ).items():
        if not registration and not processing:
            sentences[code] = _("No fee.")
            continue
        sentences[code] = _(
            "Fees: %(registration)s when you register, %(processing)s when you submit the "
            "portfolio."
        ) % {
            "registration": money_text(registration, currency),
            "processing": money_text(processing, currency),
        }
    return sentences


@dashboards.register_section(dashboards.APPLICANT)
def applicant_invoices(request, association, context):
    """The person's invoices still to pay, with the link to all of them; nothing when they
    have none (one query)."""
    invoices = invoices_of(user=request.user)
    if not invoices:
        return None
    return dashboards.Section(
        template="billing/_dashboard_invoices.html",
        data={
            "invoices": [invoice for invoice in invoices if invoice.status == InvoiceStatus.OPEN],
            "all_url": reverse("billing:invoices"),
        },
    )


@dashboards.register_section(Role.ASSOCIATION_ADMIN)
def admin_billing(request, association, context):
    """Where the association admin edits the fees and records payments (no query)."""
    return dashboards.Section(
        template="billing/_dashboard_admin.html",
        data={
            "fees_url": reverse("billing:fees", kwargs={"slug": association.slug}),
            "invoices_url": reverse("billing:admin.invoices", kwargs={"slug": association.slug}),
        },
    )


dashboards.register_admin_page(label=gettext_lazy("The fee schedule"), url_name="billing:fees")


@register_application_panel
def application_fees_panel(request, application):
    """The application's invoices on the coordinator's application page (one query)."""
    invoices = list(
        Invoice.objects.filter(application=application)
        .select_related("association")
        .order_by("issued_at", "pk")
    )
    if not invoices:
        return None
    return Panel(template="billing/_application_fees.html", context={"invoices": invoices})
