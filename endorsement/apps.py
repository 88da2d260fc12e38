from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EndorsementConfig(AppConfig):
    name = "endorsement"
    verbose_name = _("Endorsement")

    def ready(self):
        # The coordinator's pipeline and the applicant's progress (accounts.dashboards); the
        # applicant's membership on the coordinator's application page (endorsement.panels).
        from endorsement import dashboards, membership_panel  # noqa: F401
