from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and associations")

    def ready(self):
        from allauth.account.signals import password_reset
        from allauth.mfa.signals import authenticator_removed
        from django.contrib.auth.signals import user_logged_in

        from accounts import checks, login_limits, member_sections  # noqa: F401
        from accounts.models import Association
        from accounts.public_pages import forget_on_changes_of
        from accounts.signals import activate_preferred_language, forget_totp_mark, remember_totp
        from accounts.signed_in_pages import forget_on_every_change

        user_logged_in.connect(activate_preferred_language, dispatch_uid="preferred_language")
        user_logged_in.connect(remember_totp, dispatch_uid="remember_totp")
        authenticator_removed.connect(forget_totp_mark, dispatch_uid="forget_totp_mark")
        # The public pages list the associations, with their names and brand.
        forget_on_changes_of(Association)
        # The signed-in pages' cache is emptied by a change of anything they may show.
        forget_on_every_change()
        password_reset.connect(
            login_limits.forget_after_password_reset, dispatch_uid="login_limits_reset"
        )
