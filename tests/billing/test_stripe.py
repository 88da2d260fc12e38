"""The Stripe Checkout gateway, with no network: the Checkout Session is created against a local
HTTP server that answers like Stripe's API (``stripe.api_base`` points at it, so the real client
sends the real request), and the webhook gets payloads signed in the test the way Stripe signs
them (HMAC-SHA256 of "timestamp.payload" with the endpoint's secret)."""

import hashlib
import hmac
import json
import logging
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
import stripe
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from billing.checks import billing_gateway_configured
from billing.enums import BillingAction, CheckoutStatus, InvoiceStatus, PaymentKind, PaymentMethod
from billing.gateways import GatewayError, active_gateway
from billing.gateways.stripe import from_minor_units, minor_units
from billing.models import BillingEvent, CheckoutSession, GatewayEvent, Payment
from billing.services import checkout_open, payment_record, waiver_record

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_portal"
WEBHOOK = "/billing/webhooks/stripe/"


@pytest.fixture(autouse=True)
def stripe_settings(settings):
    settings.BILLING_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_portal"
    settings.STRIPE_WEBHOOK_SECRET = SECRET


# --- A local server that answers like Stripe's API ------------------------------------------


class FakeStripe(BaseHTTPRequestHandler):
    requests: list  # (path, headers, form) of each request
    answer: tuple  # (status, body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self.requests.append((self.path, dict(self.headers), dict(parse_qsl(body))))
        status, payload = self.answer
        content = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_stripe(monkeypatch):
    handler = type("Handler", (FakeStripe,), {"requests": []})
    handler.answer = (
        200,
        {
            "id": "cs_test_a1",
            "object": "checkout.session",
            "url": "https://checkout.stripe.com/c/pay/cs_test_a1",
        },
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(stripe, "api_base", f"http://127.0.0.1:{server.server_port}")
    yield handler
    server.shutdown()
    server.server_close()


def test_paying_opens_a_checkout_session_for_what_is_owed(client, invoice, applicant, fake_stripe):
    client.force_login(applicant)
    response = client.post(reverse("billing:invoice.pay", kwargs={"pk": invoice.pk}))
    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_test_a1"
    [(path, headers, form)] = fake_stripe.requests
    assert path == "/v1/checkout/sessions"
    assert headers["Authorization"] == "Bearer sk_test_portal"
    assert headers["Idempotency-Key"] == f"portal-invoice-{invoice.pk}-checkout-1-1500USD"
    invoice_page = f"http://testserver/billing/invoices/{invoice.pk}/"
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][unit_amount]"] == "1500"
    assert form["line_items[0][price_data][currency]"] == "usd"
    assert invoice.display_number in form["line_items[0][price_data][product_data][name]"]
    assert form["metadata[invoice_id]"] == str(invoice.pk)
    assert form["metadata[invoice_number]"] == invoice.display_number
    assert form["payment_intent_data[metadata][invoice_id]"] == str(invoice.pk)
    assert form["client_reference_id"] == str(invoice.pk)
    assert form["success_url"] == invoice_page + "?checkout=done"
    assert form["cancel_url"] == invoice_page
    assert form["customer_email"] == "ana@example.org"
    checkout = CheckoutSession.objects.get()
    assert (checkout.gateway, checkout.session_id, checkout.amount, checkout.currency) == (
        "stripe",
        "cs_test_a1",
        Decimal("15.00"),
        "USD",
    )
    assert BillingEvent.objects.filter(action=BillingAction.CHECKOUT_STARTED).count() == 1


def test_back_from_stripe_the_invoice_says_the_payment_is_being_confirmed(
    client, invoice, checkout, applicant, assoc_admin
):
    page = reverse("billing:invoice", kwargs={"pk": invoice.pk}) + "?checkout=done"
    client.force_login(applicant)
    assert 'id="checkout-pending"' in client.get(page).content.decode()
    client.force_login(assoc_admin)  # only the person who pays reads it
    assert 'id="checkout-pending"' not in client.get(page).content.decode()
    client.force_login(applicant)
    post(client, event("checkout.session.completed", session(invoice), event_id="e1"))
    assert 'id="checkout-pending"' not in client.get(page).content.decode()


def test_the_same_session_returned_twice_is_recorded_once(client, invoice, applicant, fake_stripe):
    """Stripe answers a repeated idempotency key with the same session."""
    client.force_login(applicant)
    url = reverse("billing:invoice.pay", kwargs={"pk": invoice.pk})
    CheckoutSession.objects.create(
        invoice=invoice,
        gateway="stripe",
        session_id="cs_test_a1",
        amount=Decimal("15.00"),
        currency="USD",
        started_by=applicant,
    )
    response = client.post(url)
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_test_a1"
    assert CheckoutSession.objects.count() == 1


def test_a_refusal_from_stripe_is_a_sentence_not_a_500(client, invoice, applicant, fake_stripe):
    fake_stripe.answer = (
        401,
        {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}},
    )
    client.force_login(applicant)
    response = client.post(reverse("billing:invoice.pay", kwargs={"pk": invoice.pk}), follow=True)
    assert response.status_code == 200
    assert "did not answer" in response.content.decode()
    assert not CheckoutSession.objects.exists()


def test_stripe_out_of_reach_is_a_sentence_not_a_500(client, invoice, applicant, monkeypatch):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(stripe, "api_base", f"http://127.0.0.1:{port}")
    client.force_login(applicant)
    response = client.post(reverse("billing:invoice.pay", kwargs={"pk": invoice.pk}), follow=True)
    assert response.status_code == 200
    assert "did not answer" in response.content.decode()
    assert not CheckoutSession.objects.exists()


def test_nothing_owed_opens_no_session(client, invoice, applicant, fake_stripe):
    waiver_record(invoice=invoice, method=PaymentMethod.WAIVER, reason="hardship", by=None)
    client.force_login(applicant)
    response = client.post(reverse("billing:invoice.pay", kwargs={"pk": invoice.pk}), follow=True)
    assert response.redirect_chain == [(f"/billing/invoices/{invoice.pk}/", 302)]
    assert "Nothing is owed on this invoice." in response.content.decode()
    assert fake_stripe.requests == []
    assert not CheckoutSession.objects.exists()


def test_amounts_go_to_the_smallest_unit_exactly():
    assert minor_units(Decimal("15.00"), "USD") == 1500
    assert minor_units(Decimal("0.10"), "eur") == 10
    assert minor_units(Decimal("1500"), "JPY") == 1500
    assert minor_units(Decimal("1.25"), "KWD") == 1250
    with pytest.raises(GatewayError):
        minor_units(Decimal("15.50"), "JPY")
    with pytest.raises(TypeError):
        minor_units(15.0, "USD")
    assert from_minor_units(1999, "usd") == Decimal("19.99")
    assert from_minor_units(1500, "JPY") == Decimal("1500.00")
    for bad in ("1500", 15.0, None, True):
        with pytest.raises(ValueError):
            from_minor_units(bad, "USD")


# --- The webhook -----------------------------------------------------------------------------


def sign(payload: str, *, secret: str = SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.{payload}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(event_type: str, obj: dict, *, event_id: str) -> str:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "api_version": "2025-01-27",
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": obj},
        }
    )


def post(client, payload: str, signature: str | None = None):
    headers = {} if signature == "" else {"HTTP_STRIPE_SIGNATURE": signature or sign(payload)}
    return client.post(WEBHOOK, data=payload, content_type="application/json", **headers)


def session(invoice, *, session_id="cs_test_1", amount=1500, currency="usd", status="paid"):
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_total": amount,
        "currency": currency,
        "payment_status": status,
        "payment_intent": "pi_test_1",
        "metadata": {"invoice_id": str(invoice.pk), "invoice_number": invoice.display_number},
    }


def charge(*, refunded: int, currency="usd", payment_intent="pi_test_1"):
    return {
        "id": "ch_test_1",
        "object": "charge",
        "amount": 1500,
        "amount_refunded": refunded,
        "currency": currency,
        "payment_intent": payment_intent,
        "refunded": refunded == 1500,
    }


@pytest.fixture
def checkout(invoice, applicant):
    return checkout_open(invoice=invoice, gateway="stripe", session_id="cs_test_1", by=applicant)


def payments(invoice, kind=PaymentKind.PAYMENT):
    return list(Payment.objects.filter(invoice=invoice, kind=kind))


def test_a_completed_session_records_the_payment(client, invoice, checkout):
    response = post(client, event("checkout.session.completed", session(invoice), event_id="e1"))
    assert response.status_code == 200
    assert response.json() == {"received": True, "outcome": "recorded"}
    [payment] = payments(invoice)
    assert (payment.amount, payment.currency, payment.method, payment.gateway) == (
        Decimal("15.00"),
        "USD",
        PaymentMethod.ONLINE,
        "stripe",
    )
    assert payment.reference == "pi_test_1"
    assert payment.receipt_number is not None
    invoice.refresh_from_db()
    checkout.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert (checkout.status, checkout.payment) == (CheckoutStatus.COMPLETED, payment)
    assert BillingEvent.objects.filter(
        action=BillingAction.PAYMENT_RECORDED, payment=payment
    ).exists()
    stored = GatewayEvent.objects.get(event_id="e1")
    assert (stored.outcome, stored.invoice, stored.payment_intent) == (
        "recorded",
        invoice,
        "pi_test_1",
    )


def test_the_webhook_needs_stripes_signature(client, invoice, checkout):
    payload = event("checkout.session.completed", session(invoice), event_id="e1")
    wrong = sign(payload, secret="whsec_someone_else")
    tampered = sign(payload.replace("1500", "1"))
    for signature in ("", "garbage", wrong, tampered):
        assert post(client, payload, signature).status_code == 400, signature
    assert payments(invoice) == []
    assert not GatewayEvent.objects.exists()


def test_an_old_signature_is_refused(client, invoice, checkout):
    """A replayed notification: the timestamp is older than the five minutes' tolerance."""
    payload = event("checkout.session.completed", session(invoice), event_id="e1")
    old = sign(payload, timestamp=int(time.time()) - 600)
    assert post(client, payload, old).status_code == 400
    assert payments(invoice) == []


def test_a_signed_body_that_is_not_an_event_is_refused(client):
    for payload in ("not json", "[]", json.dumps({"type": "charge.refunded"})):
        assert post(client, payload).status_code == 400, payload
    assert not GatewayEvent.objects.exists()


def test_the_webhook_takes_only_post_and_is_closed_without_a_secret(client, settings):
    assert client.get(WEBHOOK).status_code == 405
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = event("charge.refunded", charge(refunded=1500), event_id="e1")
    assert post(client, payload).status_code == 404


def test_the_same_event_twice_is_recorded_once(client, invoice, checkout):
    payload = event("checkout.session.completed", session(invoice), event_id="e1")
    assert post(client, payload).json()["outcome"] == "recorded"
    assert post(client, payload).json()["outcome"] == "duplicate"
    assert len(payments(invoice)) == 1
    assert GatewayEvent.objects.count() == 1


def test_two_events_for_one_session_record_one_payment(client, invoice, checkout):
    """completed, then async_payment_succeeded for the same session (another event id)."""
    assert post(client, event("checkout.session.completed", session(invoice), event_id="e1"))
    again = event("checkout.session.async_payment_succeeded", session(invoice), event_id="e2")
    response = post(client, again)
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert len(payments(invoice)) == 1
    assert BillingEvent.objects.filter(action=BillingAction.PAYMENT_RECORDED).count() == 1


def test_a_delayed_payment_is_recorded_when_the_money_arrives(client, invoice, checkout):
    unpaid = session(invoice, status="unpaid")
    assert post(client, event("checkout.session.completed", unpaid, event_id="e1")).json() == {
        "received": True,
        "outcome": "ignored",
    }
    assert payments(invoice) == []
    paid = event("checkout.session.async_payment_succeeded", session(invoice), event_id="e2")
    assert post(client, paid).json()["outcome"] == "recorded"
    assert len(payments(invoice)) == 1


def test_a_failed_delayed_payment_closes_the_attempt(client, invoice, checkout):
    failed = session(invoice, status="unpaid")
    post(client, event("checkout.session.async_payment_failed", failed, event_id="e1"))
    checkout.refresh_from_db()
    invoice.refresh_from_db()
    assert checkout.status == CheckoutStatus.CANCELLED
    assert invoice.status == InvoiceStatus.OPEN
    assert payments(invoice) == []


def test_an_unknown_session_is_a_harmless_200_with_a_log_line(client, invoice, checkout, caplog):
    other = session(invoice, session_id="cs_test_not_ours")
    with caplog.at_level(logging.INFO, logger="billing.gateways.stripe"):
        response = post(client, event("checkout.session.completed", other, event_id="e1"))
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert "e1" in caplog.text
    assert payments(invoice) == []
    assert GatewayEvent.objects.get().note == "no checkout of the portal has this session id"


def test_an_event_the_portal_does_not_use_is_acknowledged(client):
    payload = event("customer.created", {"id": "cus_1", "object": "customer"}, event_id="e1")
    assert post(client, payload).json()["outcome"] == "ignored"


@pytest.mark.parametrize(
    "change",
    [
        {"amount": 1400},  # not the checkout's amount
        {"currency": "eur"},  # not the invoice's currency
    ],
)
def test_a_payment_that_does_not_match_is_flagged_not_recorded(
    client, invoice, checkout, change, caplog
):
    with caplog.at_level(logging.WARNING, logger="billing.gateways.stripe"):
        response = post(
            client, event("checkout.session.completed", session(invoice, **change), event_id="e1")
        )
    assert response.status_code == 200
    assert response.json()["outcome"] == "flagged"
    assert "flagged" in caplog.text
    assert payments(invoice) == []
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN
    flagged = GatewayEvent.objects.get(outcome="flagged")
    assert flagged.invoice == invoice
    assert "not recorded as paid" in flagged.note


def test_a_session_naming_another_invoice_is_flagged(client, invoice, checkout):
    wrong = session(invoice)
    wrong["metadata"]["invoice_id"] = str(invoice.pk + 1000)
    assert post(client, event("checkout.session.completed", wrong, event_id="e1")).json() == {
        "received": True,
        "outcome": "flagged",
    }
    assert payments(invoice) == []


def test_a_waived_invoice_paid_by_card_is_recorded_and_flagged_for_refund(
    client, invoice, checkout
):
    """The money was taken, so it is recorded (the receipt says so) and flagged for a refund;
    the invoice stays waived."""
    waiver_record(invoice=invoice, method=PaymentMethod.WAIVER, reason="hardship", by=None)
    response = post(client, event("checkout.session.completed", session(invoice), event_id="e1"))
    assert response.json()["outcome"] == "flagged"
    [payment] = payments(invoice)
    assert payment.amount == Decimal("15.00")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.WAIVED
    flagged = GatewayEvent.objects.get()
    assert "owed 0.00 USD (it was Waived): refund 15.00 USD in Stripe" in flagged.note
    assert (flagged.reason, flagged.details["refund"]) == ("unowed", "15.00 USD")
    # Once refunded in Stripe, the refund is recorded against that payment.
    post(client, event("charge.refunded", charge(refunded=1500), event_id="e2"))
    assert [refund.amount for refund in payments(invoice, PaymentKind.REFUND)] == [Decimal("15.00")]


def test_a_card_payment_larger_than_what_is_still_owed_is_flagged_for_the_difference(
    client, invoice, checkout
):
    """A cheque of 5.00 arrived while the person was on Stripe's page."""
    payment_record(
        invoice=invoice, amount="5", currency="USD", method=PaymentMethod.CHEQUE, by=None
    )
    response = post(client, event("checkout.session.completed", session(invoice), event_id="e1"))
    assert response.json()["outcome"] == "flagged"
    assert len(payments(invoice)) == 2
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert "refund 5.00 USD in Stripe" in GatewayEvent.objects.get().note


def test_a_refund_is_recorded_once_and_in_any_order(client, invoice, checkout):
    post(client, event("checkout.session.completed", session(invoice), event_id="e1"))
    # Two partial refunds (5.00 then 10.00 more): Stripe's events carry the refunded total;
    # the second arrives first.
    later = event("charge.refunded", charge(refunded=1500), event_id="e3")
    earlier = event("charge.refunded", charge(refunded=500), event_id="e2")
    assert post(client, later).json()["outcome"] == "recorded"
    assert post(client, earlier).json()["outcome"] == "ignored"
    assert post(client, later).json()["outcome"] == "duplicate"
    [refund] = payments(invoice, PaymentKind.REFUND)
    assert (refund.amount, refund.reference, refund.refund_of.reference) == (
        Decimal("15.00"),
        "ch_test_1",
        "pi_test_1",
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REFUNDED
    assert BillingEvent.objects.filter(action=BillingAction.REFUND_RECORDED).count() == 1


def test_partial_refunds_in_order_add_up(client, invoice, checkout):
    post(client, event("checkout.session.completed", session(invoice), event_id="e1"))
    post(client, event("charge.refunded", charge(refunded=500), event_id="e2"))
    post(client, event("charge.refunded", charge(refunded=1500), event_id="e3"))
    amounts = [refund.amount for refund in payments(invoice, PaymentKind.REFUND)]
    assert amounts == [Decimal("5.00"), Decimal("10.00")]


def test_a_refund_before_its_payment_waits_for_it(client, invoice, checkout):
    refund = event("charge.refunded", charge(refunded=500), event_id="e2")
    assert post(client, refund).json()["outcome"] == "deferred"
    assert payments(invoice) == []
    post(client, event("checkout.session.completed", session(invoice), event_id="e1"))
    [payment] = payments(invoice)
    [recorded] = payments(invoice, PaymentKind.REFUND)
    assert (recorded.amount, recorded.refund_of) == (Decimal("5.00"), payment)
    assert GatewayEvent.objects.get(event_id="e2").outcome == "recorded"
    # Delivered again, nothing more.
    assert post(client, refund).json()["outcome"] == "duplicate"
    assert len(payments(invoice, PaymentKind.REFUND)) == 1


def test_a_refund_larger_than_the_payment_is_flagged_not_recorded(client, invoice, checkout):
    post(client, event("checkout.session.completed", session(invoice), event_id="e1"))
    too_much = event("charge.refunded", charge(refunded=2000), event_id="e2")
    response = post(client, too_much)
    assert response.status_code == 200
    assert response.json()["outcome"] == "flagged"
    assert payments(invoice, PaymentKind.REFUND) == []
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    flagged = GatewayEvent.objects.get(event_id="e2")
    assert flagged.sentence == (
        "Stripe's refund of 20.00 USD could not be recorded: "
        "At most 15.00 USD of this payment can be refunded."
    )


def test_a_payment_the_services_refuse_is_flagged_with_their_sentence(
    client, invoice, checkout, monkeypatch
):
    from billing.gateways import stripe as gateway
    from billing.services import BillingRefused

    def refuse(**kwargs):
        raise BillingRefused("This payment was already recorded for another amount.")

    monkeypatch.setattr(gateway, "checkout_complete", refuse)
    response = post(client, event("checkout.session.completed", session(invoice), event_id="e1"))
    assert response.json()["outcome"] == "flagged"
    assert GatewayEvent.objects.get().sentence == (
        "A card payment of 15.00 USD could not be recorded: "
        "This payment was already recorded for another amount."
    )
    assert payments(invoice) == []


def test_a_refund_in_another_currency_is_flagged(client, invoice, checkout):
    post(client, event("checkout.session.completed", session(invoice), event_id="e1"))
    post(client, event("charge.refunded", charge(refunded=500, currency="eur"), event_id="e2"))
    assert GatewayEvent.objects.get(event_id="e2").outcome == "flagged"
    assert payments(invoice, PaymentKind.REFUND) == []


# --- Settings --------------------------------------------------------------------------------


def test_stripe_without_its_keys_refuses_to_start(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert {error.id for error in billing_gateway_configured()} == {"billing.E002", "billing.E003"}
    with pytest.raises(SystemCheckError, match="STRIPE_SECRET_KEY"):
        call_command("check")
    settings.STRIPE_SECRET_KEY = "pk_test_publishable_by_mistake"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    assert [error.id for error in billing_gateway_configured()] == ["billing.E002"]


def test_configured_gateways_pass_the_check(settings):
    assert billing_gateway_configured() == []
    settings.BILLING_GATEWAY = "manual"
    settings.BILLING_MANUAL_GATEWAY_ALLOWED = True
    settings.STRIPE_SECRET_KEY = ""
    assert billing_gateway_configured() == []
    settings.BILLING_GATEWAY = ""
    assert billing_gateway_configured() == []
    settings.BILLING_GATEWAY = "paypal"
    assert [error.id for error in billing_gateway_configured()] == ["billing.E001"]


def test_the_manual_gateway_is_refused_without_debug(settings):
    settings.BILLING_GATEWAY = "manual"
    settings.BILLING_MANUAL_GATEWAY_ALLOWED = False
    settings.DEBUG = False
    assert [error.id for error in billing_gateway_configured()] == ["billing.E004"]
    with pytest.raises(SystemCheckError, match="BILLING_GATEWAY=manual takes no money"):
        call_command("check")
    assert active_gateway() is None  # and nothing offers it meanwhile
    settings.DEBUG = True  # the demo
    assert billing_gateway_configured() == []
    assert active_gateway().name == "manual"


def test_the_association_admin_reads_what_to_check_on_the_invoice(
    client, invoice, checkout, applicant, assoc_admin, settings
):
    waiver_record(invoice=invoice, method=PaymentMethod.WAIVER, reason="hardship", by=None)
    post(client, event("checkout.session.completed", session(invoice), event_id="e1"))
    page = reverse("billing:invoice", kwargs={"pk": invoice.pk})
    client.force_login(assoc_admin)
    text = client.get(page).content.decode()
    assert "Card payments to check" in text
    assert "15.00 USD was paid by card when 0.00 USD was owed: refund 15.00 USD in Stripe." in text
    assoc_admin.preferred_language = "es"
    assoc_admin.save(update_fields=["preferred_language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    text = client.get(page, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Pagos con tarjeta por revisar" in text
    assert "Se pagaron 15.00 USD con tarjeta cuando se adeudaban 0.00 USD" in text
    client.force_login(applicant)  # the person who paid reads the invoice, not the flags
    assert 'id="gateway-flags"' not in client.get(page).content.decode()
