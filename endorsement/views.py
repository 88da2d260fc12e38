"""The coordinator's decisions on registrations: accept, or return with a reason."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from accounts.enums import Role
from endorsement.forms import ReturnRegistrationForm
from endorsement.models import Application
from endorsement.registration import registration_decide
from endorsement.services import TransitionNotAllowed


class CoordinatorApplicationMixin(LoginRequiredMixin):
    """The application named in the address; only a coordinator of its association may act."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.application = get_object_or_404(
            Application.objects.select_related("association", "applicant", "category"),
            pk=kwargs["application_id"],
        )
        if not request.user.has_perm(
            "accounts.coordinate_association", self.application.association
        ):
            raise PermissionDenied(_("Only a coordinator of this association may do this."))
        return super().dispatch(request, *args, **kwargs)

    def dashboard_url(self) -> str:
        return reverse(
            "accounts:dashboard.role",
            kwargs={"slug": self.application.association.slug, "role": Role.COORDINATOR},
        )

    def decide(self, action: str, note: str = ""):
        try:
            registration_decide(
                application=self.application, by=self.request.user, action=action, note=note
            )
        except TransitionNotAllowed as exc:
            messages.error(self.request, str(exc))
        else:
            name = self.application.applicant.get_full_name()
            code = self.application.category.code
            if action == "accept":
                text = _("Accepted the registration of %(name)s for %(code)s.")
            else:
                text = _("Returned the registration of %(name)s for %(code)s.")
            messages.success(self.request, text % {"name": name, "code": code})
        return HttpResponseRedirect(self.dashboard_url())


class AcceptRegistrationView(CoordinatorApplicationMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return self.decide("accept")


class ReturnRegistrationView(CoordinatorApplicationMixin, FormView):
    """The reason is required; without one the form is shown again on its own page."""

    form_class = ReturnRegistrationForm
    template_name = "endorsement/return_registration.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(application=self.application, dashboard_url=self.dashboard_url())
        return context

    def form_valid(self, form):
        return self.decide("return_registration", form.cleaned_data["reason"])


class ApplicationDetailView(CoordinatorApplicationMixin, TemplateView):
    """The coordinator's page of one application: its state, timeline and next steps."""

    template_name = "endorsement/application_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(application=self.application, dashboard_url=self.dashboard_url())
        return context
