from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from portfolios.selectors import PORTFOLIO_ANNOTATIONS

        # What this app adds to the registries of the apps below it: permissions, e-mails,
        # conditions on the workflow's steps, dashboards (the applicant's rows too), the
        # timeline's notes, the reminders (notifications.reminders).
        from reviews import conditions, dashboards, emails, notes, reminders, rules  # noqa: F401
        from reviews.selectors import advising

        # Read with the application on every portfolio page: the comments panel skips its query
        # when there is no comment, the summary shows whether the sign-off still counts.
        PORTFOLIO_ANNOTATIONS["has_comments"] = advising.has_comments_expression
        PORTFOLIO_ANNOTATIONS["last_deferral"] = advising.last_deferral_subquery
