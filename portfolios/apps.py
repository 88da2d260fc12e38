from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfoliosConfig(AppConfig):
    name = "portfolios"
    verbose_name = _("Portfolios")

    def ready(self):
        # The portfolio's condition on submitting (endorsement.conditions), its e-mails.
        # Add-on designations on the holder's and the coordinator's dashboards. The references'
        # reminders (notifications.reminders). The check that a virus scanner is configured.
        from portfolios import (  # noqa: F401
            add_on_dashboards,
            checks,
            conditions,
            dashboards,
            emails,
            reminders,
            renewal_dashboards,
            renewals,
        )
