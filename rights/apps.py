from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    """Data rights: the applicant's download of their data and the admin's erasure of an
    applicant. Last in the dependency order: it reads every app's rows about one person."""

    name = "rights"
    verbose_name = _("Data rights")

    def ready(self):
        from rights import dashboards, erasure  # noqa: F401 (the dashboard links, the note)
