from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("E-mail outbox")

    def ready(self):
        # The outbox's link on the coordinator's and the association admin's dashboards; the
        # staff e-mails of accounts (below this app) leave through this app's e-mail door.
        from notifications import dashboards  # noqa: F401
        from notifications.emails import door_open

        door_open()
