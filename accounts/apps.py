from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and associations")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from accounts.signals import activate_preferred_language

        user_logged_in.connect(activate_preferred_language, dispatch_uid="preferred_language")
