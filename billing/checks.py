"""System checks of billing's settings: ``manage.py migrate`` (the release step of
docker-compose.yml, which the web and worker services wait for) and ``check`` fail when the
configured gateway is unknown, Stripe's keys are missing, or the manual gateway (which takes no
money) is named without DEBUG."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def billing_gateway_configured(app_configs=None, **kwargs):
    from billing.gateways import GATEWAYS, manual_gateway_allowed

    name = getattr(settings, "BILLING_GATEWAY", "")
    if not name:
        return []
    if name not in GATEWAYS:
        return [
            Error(
                f"BILLING_GATEWAY={name!r} is not a payment gateway.",
                hint=f"Use one of {', '.join(sorted(GATEWAYS))}, or leave it empty.",
                id="billing.E001",
            )
        ]
    errors = []
    if name == "manual" and not manual_gateway_allowed():
        errors.append(
            Error(
                "BILLING_GATEWAY=manual takes no money: it is the demo's gateway and runs only "
                "with DEBUG.",
                hint="Use BILLING_GATEWAY=stripe for card payments, or leave it empty (the "
                "office records payments).",
                id="billing.E004",
            )
        )
    if name == "stripe":
        key = getattr(settings, "STRIPE_SECRET_KEY", "")
        if not key.startswith(("sk_", "rk_")):
            errors.append(
                Error(
                    "BILLING_GATEWAY=stripe needs STRIPE_SECRET_KEY (sk_… or rk_…).",
                    hint="Copy the secret key from the Stripe dashboard (Developers › API keys).",
                    id="billing.E002",
                )
            )
        secret = getattr(settings, "STRIPE_WEBHOOK_SECRET", "")
        if not secret.startswith("whsec_"):
            errors.append(
                Error(
                    "BILLING_GATEWAY=stripe needs STRIPE_WEBHOOK_SECRET (whsec_…).",
                    hint="Add the endpoint /billing/webhooks/stripe/ in the Stripe dashboard "
                    "(Developers › Webhooks) and copy its signing secret.",
                    id="billing.E003",
                )
            )
    return errors
