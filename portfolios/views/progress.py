"""The applicant's side of the workflow: the timeline, withdrawing, resuming after a hold.

The timeline shows every step with its public notes; a note the coordinator kept private is
never sent to this page. Withdrawing and resuming are the applicant's own steps: anyone else who
may read the portfolio gets 404 here, like every outsider.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from endorsement.forms import WithdrawForm
from endorsement.services import (
    TransitionNotAllowed,
    application_transition,
    transition_allowed,
    transition_refusal,
)
from endorsement.timeline import application_timeline
from portfolios.permissions import PortfolioMixin


class TimelineView(PortfolioMixin, TemplateView):
    """Every step of the application, oldest first, with the notes meant for the applicant."""

    template_name = "portfolios/progress/timeline.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application
        is_owner = application.applicant_id == self.request.user.pk
        user = self.request.user
        context.update(
            # Marks the portfolio menu's "Timeline" entry (a page of no evidence section).
            current_section="timeline",
            events=application_timeline(application=application, private=False),
            is_owner=is_owner,
            can_withdraw=is_owner
            and transition_allowed(application=application, action="withdraw", by=user),
            can_resume=is_owner
            and transition_allowed(application=application, action="resume", by=user),
        )
        return context


class ApplicantStepMixin(PortfolioMixin):
    """Only the applicant takes these steps; a refused step changes nothing and says why."""

    action = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["current_section"] = "timeline"
        return context

    def check_owner(self):
        if self.application.applicant_id != self.request.user.pk:
            raise Http404

    def timeline_url(self) -> str:
        return reverse("portfolios:timeline", kwargs={"application_id": self.application.pk})

    def take_step(self, note: str = "", done: str = ""):
        try:
            application_transition(
                application=self.application, action=self.action, by=self.request.user, note=note
            )
        except TransitionNotAllowed as exc:
            messages.error(self.request, str(exc))
        else:
            messages.success(self.request, done)
        return HttpResponseRedirect(self.timeline_url())


class WithdrawView(ApplicantStepMixin, FormView):
    """Asks first, with an optional reason; possible in any state before the award."""

    action = "withdraw"
    form_class = WithdrawForm
    template_name = "portfolios/progress/withdraw_confirm.html"

    def get(self, request, *args, **kwargs):
        self.check_owner()
        refusal = transition_refusal(
            application=self.application, action="withdraw", by=request.user
        )
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(self.timeline_url())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_owner()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        return self.take_step(
            note=form.cleaned_data["note"],
            done=_("Your application is withdrawn. The coordinator is told."),
        )


class ResumeView(ApplicantStepMixin, View):
    """After an inactivity hold the applicant goes on where they stopped (a POST)."""

    action = "resume"

    def get(self, request, *args, **kwargs):
        self.check_owner()
        return HttpResponseRedirect(self.timeline_url())

    def post(self, request, *args, **kwargs):
        self.check_owner()
        return self.take_step(done=_("Your application goes on again. Welcome back."))
