from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("E-mail outbox")

    def ready(self):
        # The outbox's link on the coordinator's and the association admin's dashboards.
        from notifications import dashboards  # noqa: F401
