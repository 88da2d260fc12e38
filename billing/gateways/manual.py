"""The demo's gateway: no keys, no network. Starting a checkout sends the person to the
portal's own confirmation page (``billing:manual.checkout``), which completes or cancels the
session the way a card gateway's webhook would."""

import secrets

from django.urls import reverse

from billing.gateways.base import CheckoutStart, Gateway
from billing.services import checkout_open


class ManualGateway(Gateway):
    name = "manual"

    def checkout_start(self, *, invoice, by, success_url: str, cancel_url: str) -> CheckoutStart:
        session_id = "man_" + secrets.token_urlsafe(18)
        checkout_open(invoice=invoice, gateway=self.name, session_id=session_id, by=by)
        return CheckoutStart(
            session_id=session_id,
            redirect_url=reverse("billing:manual.checkout", kwargs={"session_id": session_id}),
        )
