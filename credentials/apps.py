from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    """What the award leads to: certificates, public verification, the registry, the
    verification API (issue 10)."""

    name = "credentials"
    verbose_name = _("Credentials")
