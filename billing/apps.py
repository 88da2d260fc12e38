from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    """Fee schedules, invoices, payments, refunds and waivers (issue 11)."""

    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from accounts.public_pages import forget_on_changes_of
        from billing import (  # noqa: F401
            checks,
            conditions,
            dashboards,
            emails,
            membership_proof_dashboards,
            reminders,
            renewal_fees,
            rules,
        )
        from billing.models import CategoryFee, FeeSchedule
        from billing.services import fee_due_on_step
        from competencies import costs
        from endorsement.services import register_after_step

        # The fee that falls due with a step is invoiced in the step's transaction.
        register_after_step("register", "accept", "submit", "start_reinstatement")(fee_due_on_step)
        # What each category costs, on the public pages and the eligibility check.
        costs.register(dashboards.category_cost_sentences)
        # ...so a change of fees empties the cached public pages.
        forget_on_changes_of(FeeSchedule, CategoryFee)
