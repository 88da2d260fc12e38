from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    """What the award leads to: certificates, public verification, the registry, the
    verification API (issue 10)."""

    name = "credentials"
    verbose_name = _("Credentials")

    def ready(self):
        from credentials import dashboards, rules  # noqa: F401
        from credentials.services import certificate_on_award
        from endorsement.awards import register_on_award

        register_on_award(certificate_on_award)
