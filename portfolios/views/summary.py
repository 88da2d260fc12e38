"""The portfolio's summary page (checklist, coverage, counts, history) and its submission."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_fsm import can_proceed

from accounts.signed_in_pages import SignedInPageCacheMixin
from endorsement.services import (
    TransitionNotAllowed,
    application_transition,
    transition_refusal,
)
from portfolios.permissions import PortfolioMixin
from portfolios.requirements import SECTIONS
from portfolios.selectors import competency_coverage, evidence_history


class SummaryView(SignedInPageCacheMixin, PortfolioMixin, TemplateView):
    """Every requirement met or not, with the numbers and a link to the section to fix it."""

    template_name = "portfolios/summary/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        check = context["check"] = self.get_check()
        counts = check.counts
        context.update(
            section_counts=[
                (key, label, url_name, counts.get(key, 0)) for key, label, url_name in SECTIONS
            ],
            coverage=competency_coverage(
                category=self.application.category, trainings=check.trainings
            ),
            history=evidence_history(application=self.application),
            is_owner=self.application.applicant_id == self.request.user.pk,
            state_allows_submit=can_proceed(self.application.submit, check_conditions=False),
        )
        return context


# Refusals this page explains itself (the status, the checklist's missing items); others are
# told in a message on the summary.
EXPLAINED_HERE = {"state", "portfolio_meets_requirements"}


class SubmitView(PortfolioMixin, TemplateView):
    """Asks first; the workflow checks the requirements again before submitting
    (``portfolios.conditions``)."""

    needs_edit = True
    template_name = "portfolios/summary/submit_confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        check = context["check"] = self.get_check()
        context["state_allows_submit"] = can_proceed(
            self.application.submit, check_conditions=False
        )
        # What else stops the step, e.g. the advisor's sign-off the association requires (the
        # page shows the checklist's missing items itself).
        context["submit_refusal"] = transition_refusal(
            application=self.application,
            action="submit",
            by=self.request.user,
            facts={"check": check},
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            application_transition(application=self.application, action="submit", by=request.user)
        except TransitionNotAllowed as exc:
            if EXPLAINED_HERE.intersection(exc.reasons):
                context = self.get_context_data(refused=True, **kwargs)
                return self.render_to_response(context)
            messages.error(request, str(exc))
            return HttpResponseRedirect(self.summary_url())
        messages.success(
            request,
            _(
                "Your portfolio is submitted. The coordinator will let you know when the review "
                "starts."
            ),
        )
        # The dashboard shows the next step, now the coordinator's.
        return HttpResponseRedirect(reverse("accounts:dashboard.applicant"))

    def summary_url(self) -> str:
        return reverse("portfolios:summary", kwargs={"application_id": self.application.pk})
