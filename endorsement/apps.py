from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EndorsementConfig(AppConfig):
    name = "endorsement"
    verbose_name = _("Endorsement")

    def ready(self):
        from accounts.senders import association_source
        from endorsement import (  # noqa: F401
            continuations,
            dashboards,
            emeritus,
            membership_panel,
            reminders,
            standing,
            transfer_dashboards,
        )
        from endorsement.emails import association_wording, latest_application_association
        from notifications import emails as door

        # The coordinator's pipeline and the applicant's progress come with ``dashboards``
        # (accounts.dashboards); the applicant's membership on the coordinator's application
        # page with ``membership_panel`` (endorsement.panels). The e-mail door
        # (notifications.emails) takes each association's own wording from its EmailTemplate
        # rows; importing ``endorsement.emails`` registers the workflow's e-mails.
        door.wording_source(association_wording)
        # allauth's e-mails to an applicant come from the association of their latest
        # application (accounts.senders.user_association).
        association_source(latest_application_association)
        # Add-on designations follow their endorsement's standing (renewed, lapsed, ended).
        from endorsement.addons import add_ons_follow
        from endorsement.lifecycle import register_on_status_change

        register_on_status_change(add_ons_follow)
