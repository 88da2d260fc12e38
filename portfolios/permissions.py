"""The gate of the portfolio's pages, shared by every app's views (imported from here, never
from another app's views)."""

import rules
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import RefusedHidden
from accounts.time_zones import time_zone_activate
from portfolios.requirements import SECTIONS, requirement_check
from portfolios.selectors import portfolio_applications


class PortfolioMixin(LoginRequiredMixin):
    """Loads the portfolio named in the URL and refuses anyone who may not see it (404)
    or change it (403 for its owner once it is read-only, 404 for anyone else)."""

    needs_edit = False
    section = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.application = get_object_or_404(portfolio_applications(), pk=kwargs["application_id"])
        user = request.user
        # The rules themselves (``rules.has_perm``): ``user.has_perm`` lets every superuser
        # through, and the platform admin is none of the people who may see a portfolio.
        if not rules.has_perm("portfolios.view_portfolio", user, self.application):
            raise RefusedHidden(association_id=self.application.association_id)
        time_zone_activate(association=self.application.association)
        self.can_edit = rules.has_perm("portfolios.edit_portfolio", user, self.application)
        if self.needs_edit and not self.can_edit:
            if self.application.applicant_id == user.pk:
                raise PermissionDenied(
                    _("Your portfolio is submitted: it is read-only until it is returned to you.")
                )
            raise RefusedHidden(association_id=self.application.association_id)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            application=self.application,
            can_edit=self.can_edit,
            sections=SECTIONS,
            current_section=self.section,
            # The check panel of a section's pages; the summary pages add the whole check.
            check=self.get_check() if self.section else None,
            # The advisor's "comment on this item" links (reviews.services.advising registers
            # the rule).
            comment_on_items=rules.has_perm(
                "reviews.comment_items", self.request.user, self.application
            ),
        )
        return context

    def get_check(self):
        """The requirement check of this page's section (of everything on pages without a
        section, such as the summary), computed once per request."""
        if not hasattr(self, "_check"):
            self._check = requirement_check(
                application=self.application, sections=[self.section] if self.section else None
            )
        return self._check

    def section_url(self, name: str = "list", **kwargs) -> str:
        return reverse(
            f"portfolios:{self.section}.{name}",
            kwargs={"application_id": self.application.pk, **kwargs},
        )
