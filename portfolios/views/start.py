"""The start: choose an association, check which categories fit, register for one.

Also the correction of a registration the coordinator returned.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from accounts.selectors import current_membership, listed_associations
from competencies.selectors import framework_category, framework_in_force
from endorsement.enums import ApplicationState
from endorsement.registration import registration_resubmit
from endorsement.selectors import latest_public_event
from endorsement.services import (
    TransitionNotAllowed,
    application_open_in,
    application_register,
)
from portfolios.eligibility import EligibilityAnswers, eligibility_check
from portfolios.forms.start import EligibilityForm, RegistrationForm
from portfolios.permissions import PortfolioMixin
from portfolios.views.base import ApplicationFormMixin


class StartView(LoginRequiredMixin, TemplateView):
    """Step 1: the associations one can apply to."""

    template_name = "portfolios/start/associations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["associations"] = list(listed_associations())
        return context


class AssociationStartMixin(LoginRequiredMixin):
    """The listed association named in the address, the person's membership of it and their
    application there that is not finished (they may have one at a time)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.association = get_object_or_404(listed_associations(), slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            association=self.association,
            membership=current_membership(user=self.request.user, association=self.association),
            open_application=application_open_in(
                applicant=self.request.user, association=self.association
            ),
        )
        return context


class EligibilityView(AssociationStartMixin, TemplateView):
    """Step 2: a few plain questions; the categories that fit, almost fit and do not fit yet."""

    template_name = "portfolios/start/check.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = "education" in self.request.GET
        form = EligibilityForm(self.request.GET if bound else None)
        result = None
        if bound and form.is_valid():
            data = form.cleaned_data
            result = eligibility_check(
                association=self.association,
                answers=EligibilityAnswers(
                    education=data["education"],
                    work_years=data["work_years"],
                    dyadic=data["dyadic"],
                    training_hours=data["training_hours"],
                    rsc_hours=data["rsc_hours"],
                ),
            )
            # The register links carry the answers the registration form asks again.
            context["register_query"] = urlencode(
                {
                    "education": data["education"],
                    "work_years": data["work_years"],
                    "rsc_hours": data["rsc_hours"],
                }
            )
        context.update(form=form, result=result)
        return context


class RegisterView(AssociationStartMixin, FormView):
    """Step 3: the brief details, then the registration waits for the coordinator."""

    template_name = "portfolios/start/register.html"
    form_class = RegistrationForm

    def get_category(self):
        if not hasattr(self, "category"):
            framework = framework_in_force(association=self.association)
            category = (
                framework_category(framework=framework, code=self.kwargs["code"])
                if framework
                else None
            )
            if category is None or not category.is_open:
                raise Http404
            self.category = category
        return self.category

    def get(self, request, *args, **kwargs):
        self.get_category()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_category()
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        # Answers carried over from the eligibility check, if any.
        keys = ("education", "work_years", "rsc_hours")
        return {key: self.request.GET[key] for key in keys if self.request.GET.get(key)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["category"] = self.category
        return context

    def form_valid(self, form):
        try:
            application_register(
                applicant=self.request.user, category=self.category, **form.service_kwargs()
            )
        except TransitionNotAllowed as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "You are registered for %(category)s. The coordinator will look at your "
                "registration; we will e-mail you when it is accepted."
            )
            % {"category": self.category.display_name},
        )
        return HttpResponseRedirect(reverse("accounts:dashboard.applicant"))


class RegistrationEditView(ApplicationFormMixin, PortfolioMixin, FormView):
    """A returned registration: read the coordinator's reason, correct it, send it again."""

    needs_edit = True
    template_name = "portfolios/start/registration_edit.html"
    form_class = RegistrationForm

    def get(self, request, *args, **kwargs):
        if self.application.state != ApplicationState.RETURNED:
            return self._not_returned()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.application.state != ApplicationState.RETURNED:
            return self._not_returned()
        return super().post(request, *args, **kwargs)

    def _not_returned(self):
        messages.info(self.request, _("Your registration is not waiting for changes."))
        return HttpResponseRedirect(reverse("accounts:dashboard.applicant"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reason"] = latest_public_event(
            application=self.application, to_state=ApplicationState.RETURNED
        )
        return context

    def form_valid(self, form):
        try:
            registration_resubmit(
                application=self.application, by=self.request.user, **form.service_kwargs()
            )
        except TransitionNotAllowed as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request, _("Your registration is sent again. The coordinator will look at it.")
        )
        return HttpResponseRedirect(reverse("accounts:dashboard.applicant"))
