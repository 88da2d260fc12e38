"""What every payment gateway offers the portal."""

from dataclasses import dataclass


class GatewayError(Exception):
    """The gateway could not do what was asked (no network, a refused key, a bad signature)."""


@dataclass(frozen=True)
class CheckoutStart:
    """Where to send the person to pay, and the gateway's id for this attempt."""

    session_id: str
    redirect_url: str


class Gateway:
    """A payment gateway. ``name`` is stored on each checkout and payment.

    - ``checkout_start(invoice, by, success_url, cancel_url)`` opens a session for what is
      owed on the invoice (``billing.services.checkout_open`` records it) and returns where to
      send the person.
    - ``handle_webhook(body, headers)`` verifies and applies a notification from the gateway
      (calls ``checkout_complete``/``checkout_cancel``/``refund_record``); gateways without
      webhooks (manual) refuse it.
    - ``refund(payment, amount)`` returns money through the gateway, if it can.
    """

    name = ""

    def checkout_start(self, *, invoice, by, success_url: str, cancel_url: str) -> CheckoutStart:
        raise NotImplementedError

    def handle_webhook(self, *, body: bytes, headers: dict) -> None:
        raise GatewayError(f"The {self.name} gateway takes no webhooks.")

    def refund(self, *, payment, amount) -> str:
        """Return money through the gateway; the gateway's refund id ("" when done by hand)."""
        return ""
