"""Online payment gateways: one interface (``base.Gateway``), a backend per provider.

The portal asks the configured gateway (``settings.BILLING_GATEWAY``, "manual" by default) to
start a checkout for an invoice and sends the person to the address it returns. The gateway
reports the outcome by calling ``billing.services.checkout_complete`` (or ``checkout_cancel``)
with its session id: the manual gateway from its own confirmation page, a card gateway such as
Stripe Checkout from its verified webhook (``Gateway.handle_webhook``). ``checkout_complete``
records one payment per session however often, or late, it is called.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from billing.gateways.base import Gateway, GatewayError

GATEWAYS = {
    "manual": "billing.gateways.manual.ManualGateway",
    "stripe": "billing.gateways.stripe.StripeGateway",
}


def gateway_named(name: str) -> Gateway:
    try:
        path = GATEWAYS[name]
    except KeyError:
        raise GatewayError(f"Unknown payment gateway: {name}") from None
    return import_string(path)()


def manual_gateway_allowed() -> bool:
    """The manual gateway takes no money: it runs only with DEBUG (the demo) or where
    ``BILLING_MANUAL_GATEWAY_ALLOWED`` says so (the test suite); ``billing.checks`` refuses to
    start a production configuration that names it."""
    return bool(settings.DEBUG or getattr(settings, "BILLING_MANUAL_GATEWAY_ALLOWED", False))


def active_gateway() -> Gateway | None:
    """The configured gateway; None when the portal takes no payment online (and for the
    manual gateway where it is not allowed)."""
    name = getattr(settings, "BILLING_GATEWAY", "")
    if not name or (name == "manual" and not manual_gateway_allowed()):
        return None
    return gateway_named(name)


__all__ = [
    "GATEWAYS",
    "Gateway",
    "GatewayError",
    "active_gateway",
    "gateway_named",
    "manual_gateway_allowed",
]
