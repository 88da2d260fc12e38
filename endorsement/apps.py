from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EndorsementConfig(AppConfig):
    name = "endorsement"
    verbose_name = _("Endorsement")

    def ready(self):
        from accounts import emails as staff_emails
        from endorsement import dashboards, membership_panel  # noqa: F401
        from endorsement.emails import email_on_commit, register_emails

        # The coordinator's pipeline and the applicant's progress come with ``dashboards``
        # (accounts.dashboards); the applicant's membership on the coordinator's application
        # page with ``membership_panel`` (endorsement.panels). The staff e-mails of accounts
        # (below this app) leave through this app's e-mail door.
        register_emails(
            folder=staff_emails.FOLDER, emails=staff_emails.EMAILS, values=staff_emails.VALUES
        )
        staff_emails.door_open(email_on_commit)
        # Add-on designations follow their endorsement's standing (renewed, lapsed, ended).
        from endorsement.addons import add_ons_follow
        from endorsement.lifecycle import register_on_status_change

        register_on_status_change(add_ons_follow)
