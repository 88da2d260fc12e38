from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from reviews import applicant_dashboard, rules  # noqa: F401

        # Each module registers what its role's dashboard shows (accounts.dashboards).
        from reviews.views import advisor, exam, review  # noqa: F401
