from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        # Logins (success, failure, log-out), the admin site's changes and the People page's
        # staff changes (accounts' own append-only log, below this app) from signals; the link
        # on the coordinator's and the association admin's dashboards.
        from django.contrib.admin.models import LogEntry
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import post_save

        from accounts.models import StaffChange
        from audit import dashboards, signals  # noqa: F401

        user_logged_in.connect(signals.logged_in, dispatch_uid="audit_logged_in")
        user_logged_out.connect(signals.logged_out, dispatch_uid="audit_logged_out")
        user_login_failed.connect(signals.login_failed, dispatch_uid="audit_login_failed")
        post_save.connect(signals.admin_logged, sender=LogEntry, dispatch_uid="audit_admin")
        post_save.connect(signals.staff_changed, sender=StaffChange, dispatch_uid="audit_staff")
