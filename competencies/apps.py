from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenciesConfig(AppConfig):
    name = "competencies"
    verbose_name = _("Competency framework")

    def ready(self):
        from accounts.public_pages import forget_on_changes_of

        # The public pages show the framework: any change to it empties them.
        forget_on_changes_of(*self.get_models())
