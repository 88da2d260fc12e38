"""Billing pages.

The person's own invoices (``billing:invoices``), an invoice (its person, and its association's
admins and coordinators; everyone else 404), its PDF and the receipts' PDFs, paying it online
through the configured gateway, the manual gateway's confirmation page, Stripe's webhook (no
login; a valid signature or 400). The association admin's
fee schedule and invoice list, and the forms that record payments, waivers and refunds (only
the invoice's association admins; anyone else 404). Anonymous people are sent to log in.
"""

import logging

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from accounts.enums import Role
from accounts.permissions import AssociationRoleRequiredMixin
from accounts.selectors import listed_associations
from accounts.time_zones import time_zone_activate
from billing import selectors
from billing.enums import InvoiceStatus, PaymentKind, WaiverRequestStatus
from billing.forms import FeeScheduleForm, PaymentForm, RefundForm, WaiverForm, WaiverRequestForm
from billing.gateways import GatewayError, active_gateway
from billing.models import CheckoutSession, GatewayEventOutcome, WaiverRequest
from billing.services import (
    BillingRefused,
    checkout_cancel,
    checkout_complete,
    fee_schedule_save,
    membership_invoice_open,
    payment_record,
    refund_record,
    waiver_record,
    waiver_request,
    waiver_request_decide,
)
from competencies.selectors import framework_categories, framework_in_force

logger = logging.getLogger(__name__)

# How many past schedules the fee page lists.
SCHEDULE_HISTORY = 20


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class InvoiceMixin(LoginRequiredMixin):
    """The invoice named in the address, if ``permission`` allows the person; else 404."""

    permission = "billing.view_invoice"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        invoice = selectors.invoice_by_id(kwargs["pk"])
        if invoice is None or not rules.has_perm(self.permission, request.user, invoice):
            raise Http404
        self.invoice = invoice
        time_zone_activate(association=invoice.association)
        return super().dispatch(request, *args, **kwargs)

    def invoice_url(self) -> str:
        return reverse("billing:invoice", kwargs={"pk": self.invoice.pk})


class MyInvoicesView(LoginRequiredMixin, TemplateView):
    template_name = "billing/my_invoices.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invoices = selectors.person_invoices(user=self.request.user)
        context["rows"] = [(invoice, selectors.invoice_totals(invoice)) for invoice in invoices]
        return context


class InvoiceView(InvoiceMixin, TemplateView):
    template_name = "billing/invoice.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        invoice = self.invoice
        can_record = rules.has_perm("billing.record_payment", user, invoice)
        payments = list(invoice.payments.all())
        context.update(
            invoice=invoice,
            totals=selectors.invoice_totals(invoice),
            payments=payments,
            is_person=invoice.person_id == user.pk,
            can_pay=invoice.person_id == user.pk and invoice.status == InvoiceStatus.OPEN,
            pays_online=active_gateway() is not None,
            can_record=can_record,
            # Back from a card gateway's page before its webhook recorded the payment.
            checkout_pending=self.request.GET.get("checkout") == "done"
            and invoice.person_id == user.pk
            and invoice.status == InvoiceStatus.OPEN,
            waiver_requests=selectors.invoice_waiver_requests(invoice),
        )
        if context["can_pay"]:
            context["waiver_request_form"] = kwargs.get("waiver_request_form") or (
                WaiverRequestForm()
            )
        if can_record:
            refundable = [payment for payment in payments if payment.kind == PaymentKind.PAYMENT]
            context.update(
                payment_form=kwargs.get("payment_form")
                or PaymentForm(initial={"currency": invoice.currency}),
                waiver_form=kwargs.get("waiver_form") or WaiverForm(),
                refund_forms=[
                    (payment, kwargs.get("refund_forms", {}).get(payment.pk) or RefundForm())
                    for payment in refundable
                ],
                # What a card gateway reported that a person must check (to refund...).
                gateway_flags=list(
                    invoice.gateway_events.filter(outcome=GatewayEventOutcome.FLAGGED).order_by(
                        "received_at", "pk"
                    )
                ),
            )
        return context


class InvoicePdfView(InvoiceMixin, View):
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        from billing.documents import invoice_pdf

        content = invoice_pdf(invoice=self.invoice, language=request.LANGUAGE_CODE)
        return _pdf_response(content, f"{self.invoice.display_number}.pdf")


class ReceiptPdfView(LoginRequiredMixin, View):
    """A payment's receipt: for whoever may see its invoice."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        from billing.documents import receipt_pdf

        payment = selectors.payment_by_id(kwargs["pk"])
        if (
            payment is None
            or payment.kind != PaymentKind.PAYMENT
            or not rules.has_perm("billing.view_invoice", request.user, payment.invoice)
        ):
            raise Http404
        time_zone_activate(association=payment.invoice.association)
        content = receipt_pdf(payment=payment, language=request.LANGUAGE_CODE)
        return _pdf_response(content, f"{payment.display_receipt_number}.pdf")


class PayView(InvoiceMixin, View):
    """The person pays what is owed online: the gateway's page takes over."""

    permission = "billing.pay_invoice"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        gateway = active_gateway()
        if gateway is None:
            raise Http404
        url = request.build_absolute_uri(self.invoice_url())
        try:
            start = gateway.checkout_start(
                invoice=self.invoice, by=request.user, success_url=url, cancel_url=url
            )
        except (BillingRefused, GatewayError) as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(self.invoice_url())
        return HttpResponseRedirect(start.redirect_url)


class ManualCheckoutView(LoginRequiredMixin, TemplateView):
    """The manual gateway's page: the person confirms (or cancels) the payment, the way a card
    gateway's page would; only the person who started it reaches it."""

    template_name = "billing/manual_checkout.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        gateway = active_gateway()
        if gateway is None or gateway.name != "manual":
            raise Http404
        checkout = (
            CheckoutSession.objects.filter(
                gateway="manual", session_id=kwargs["session_id"], started_by=request.user
            )
            .select_related("invoice__association")
            .first()
        )
        if checkout is None:
            raise Http404
        self.checkout = checkout
        time_zone_activate(association=checkout.invoice.association)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(checkout=self.checkout, invoice=self.checkout.invoice)
        return context

    def post(self, request, *args, **kwargs):
        checkout = self.checkout
        invoice_url = reverse("billing:invoice", kwargs={"pk": checkout.invoice_id})
        if request.POST.get("action") == "cancel":
            checkout_cancel(gateway="manual", session_id=checkout.session_id, by=request.user)
            messages.info(request, _("The payment was cancelled: the invoice is still to pay."))
            return HttpResponseRedirect(invoice_url)
        try:
            checkout_complete(
                gateway="manual",
                session_id=checkout.session_id,
                amount=checkout.amount,
                currency=checkout.currency,
                by=request.user,
            )
        except BillingRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Thank you: your payment is recorded."))
        return HttpResponseRedirect(invoice_url)


class RecordMixin(InvoiceMixin, View):
    """The association admin's forms on the invoice page: valid input goes to the service, a
    refusal or an invalid form shows the page again with the errors (400)."""

    permission = "billing.record_payment"
    http_method_names = ["post"]
    form_class = None
    success_message = ""

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.record(form.cleaned_data)
            except BillingRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, self.success_message)
                return HttpResponseRedirect(self.invoice_url())
        page = InvoiceView()
        page.setup(request, *args, **kwargs)
        page.invoice = selectors.invoice_by_id(self.invoice.pk)
        context = page.get_context_data(**self.form_context(form))
        context["record_errors"] = [str(error) for error in form.non_field_errors()]
        response = page.render_to_response(context)
        response.status_code = 400
        return response

    def form_context(self, form) -> dict:
        return {}


class PaymentRecordView(RecordMixin):
    form_class = PaymentForm

    @property
    def success_message(self):
        return _("The payment is recorded.")

    def record(self, data):
        payment_record(
            invoice=self.invoice,
            amount=data["amount"],
            currency=data["currency"],
            method=data["method"],
            reference=data["reference"],
            by=self.request.user,
            idempotency_key=f"form:{data['token']}",
        )

    def form_context(self, form):
        return {"payment_form": form}


class WaiverRecordView(RecordMixin):
    form_class = WaiverForm

    @property
    def success_message(self):
        return _("The fee is waived.")

    def record(self, data):
        waiver_record(
            invoice=self.invoice,
            method=data["method"],
            reason=data["reason"],
            by=self.request.user,
            idempotency_key=f"form:{data['token']}",
        )

    def form_context(self, form):
        return {"waiver_form": form}


class RefundRecordView(RecordMixin):
    form_class = RefundForm

    @property
    def success_message(self):
        return _("The refund is recorded.")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        payment = selectors.payment_by_id(kwargs["payment_pk"])
        if payment is None or payment.invoice_id != kwargs["pk"]:
            raise Http404
        self.payment = payment
        return super().dispatch(request, *args, **kwargs)

    def record(self, data):
        refund_record(
            payment=self.payment,
            amount=data["amount"],
            reason=data["reason"],
            by=self.request.user,
            idempotency_key=f"form:{data['token']}",
        )

    def form_context(self, form):
        return {"refund_forms": {self.payment.pk: form}}


class FeesView(AssociationRoleRequiredMixin, TemplateView):
    """The association admin's fee schedule: what is in force, what comes, what was; a new
    schedule from a date (today or later), filled in with the current one."""

    required_role = Role.ASSOCIATION_ADMIN
    template_name = "billing/fees.html"
    http_method_names = ["get", "post"]

    def categories(self):
        framework = framework_in_force(association=self.association)
        return list(framework_categories(framework=framework)) if framework else []

    def initial(self, current) -> dict:
        initial = {"effective_from": self.association.today(), "currency": "USD"}
        if current is None:
            return initial
        initial.update(
            currency=current.currency,
            membership_fee=current.membership_fee,
            renewal_fee=current.renewal_fee,
            late_renewal_fee=current.late_renewal_fee,
            reinstatement_fee=current.reinstatement_fee,
            registration_fee_before_acceptance=current.registration_fee_before_acceptance,
            processing_fee_before_submission=current.processing_fee_before_submission,
        )
        for row in current.category_fees.all():
            initial[f"registration_{row.category_code}"] = row.registration_fee
            initial[f"processing_{row.category_code}"] = row.processing_fee
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = selectors.fee_schedule_in_force(association=self.association)
        form = kwargs.get("form") or FeeScheduleForm(
            initial=self.initial(current), categories=self.categories()
        )
        context.update(
            association=self.association,
            current=current,
            schedules=selectors.fee_schedules(association=self.association)[:SCHEDULE_HISTORY],
            form=form,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = FeeScheduleForm(request.POST, categories=self.categories())
        if form.is_valid():
            try:
                fee_schedule_save(
                    association=self.association, by=request.user, **form.service_kwargs()
                )
            except BillingRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The fee schedule is saved."))
                return HttpResponseRedirect(
                    reverse("billing:fees", kwargs={"slug": self.association.slug})
                )
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response


class AdminInvoicesView(AssociationRoleRequiredMixin, TemplateView):
    """The association's invoices, by status, and its waivers and scholarships apart."""

    required_role = Role.ASSOCIATION_ADMIN
    template_name = "billing/admin_invoices.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        if status not in InvoiceStatus.values:
            status = ""
        invoices = selectors.association_invoices(association=self.association, status=status)
        context.update(
            association=self.association,
            status=status,
            statuses=InvoiceStatus.choices,
            rows=[(invoice, selectors.invoice_totals(invoice)) for invoice in invoices],
            waivers=selectors.association_waivers(association=self.association),
            waiver_requests=selectors.association_open_waiver_requests(
                association=self.association
            ),
        )
        return context


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookView(View):
    """Stripe's notifications (``billing.gateways.stripe``): no login, but nothing happens
    without a valid signature (400); 404 while ``STRIPE_WEBHOOK_SECRET`` is not set. Answers
    200 for every verified event, applied or not (Stripe retries other answers)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not settings.STRIPE_WEBHOOK_SECRET:
            raise Http404
        from billing.gateways.stripe import StripeGateway, WebhookRefused

        try:
            outcome = StripeGateway().handle_webhook(body=request.body, headers=request.headers)
        except WebhookRefused as exc:
            logger.warning("Stripe webhook refused: %s", exc)
            return JsonResponse({"error": "invalid signature or payload"}, status=400)
        return JsonResponse({"received": True, "outcome": outcome})


class MembershipView(LoginRequiredMixin, TemplateView):
    """Join or renew the association's membership online: the fee in force, the period it
    covers by the calendar-year rule, and a button that issues the membership invoice (the open
    one if there is one) and leads to it, to pay it or ask for a waiver."""

    template_name = "billing/membership.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.association = get_object_or_404(listed_associations(), slug=kwargs["slug"])
        time_zone_activate(association=self.association)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            association=self.association,
            offer=selectors.membership_offer(user=self.request.user, association=self.association),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            invoice = membership_invoice_open(association=self.association, user=request.user)
        except BillingRefused as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(reverse("billing:invoice", kwargs={"pk": invoice.pk}))


class WaiverRequestView(InvoiceMixin, View):
    """The invoice's person asks for a waiver, with a reason."""

    permission = "billing.pay_invoice"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = WaiverRequestForm(request.POST)
        if form.is_valid():
            try:
                waiver_request(
                    invoice=self.invoice, by=request.user, reason=form.cleaned_data["reason"]
                )
            except BillingRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Your request is sent: the association will answer it here.")
                )
                return HttpResponseRedirect(self.invoice_url())
        page = InvoiceView()
        page.setup(request, *args, **kwargs)
        page.invoice = self.invoice
        response = page.render_to_response(page.get_context_data(waiver_request_form=form))
        response.status_code = 400
        return response


class WaiverRequestDecideView(InvoiceMixin, View):
    """The association admin grants (a waiver with the request's reason) or refuses a
    request."""

    permission = "billing.record_payment"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        waiver = get_object_or_404(
            WaiverRequest, pk=kwargs["request_pk"], invoice_id=self.invoice.pk
        )
        decision = request.POST.get("decision")
        if decision not in ("grant", "refuse"):
            return HttpResponse(_("Choose to grant or to refuse the request."), status=400)
        if waiver.status != WaiverRequestStatus.OPEN:
            messages.info(request, _("This request is already answered."))
            return HttpResponseRedirect(self.invoice_url())
        try:
            waiver_request_decide(request=waiver, grant=decision == "grant", by=request.user)
        except BillingRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The fee is waived.") if decision == "grant" else _("The request is refused."),
            )
        return HttpResponseRedirect(self.invoice_url())
