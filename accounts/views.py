from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView, UpdateView
from django.views.i18n import set_language as django_set_language

from accounts import dashboards
from accounts.enums import Role
from accounts.forms import ProfileForm
from accounts.permissions import AssociationRoleRequiredMixin
from accounts.selectors import (
    association_member_count,
    association_role_grants,
    listed_associations,
    user_memberships,
    user_role_grants,
)
from accounts.services import user_set_language
from accounts.ui_samples import components_samples


class DashboardView(LoginRequiredMixin, TemplateView):
    """Sends each person to their dashboard; people with several roles choose one."""

    template_name = "accounts/dashboard_choose.html"

    def get(self, request, *args, **kwargs):
        grants = list(user_role_grants(user=request.user))
        has_applications = dashboards.dashboard_has_content(
            role=dashboards.APPLICANT, user=request.user
        )
        if not grants:
            if request.user.is_superuser and not has_applications:
                return redirect("admin:index")
            return redirect("accounts:dashboard.applicant")
        if len(grants) == 1 and not has_applications:
            grant = grants[0]
            return redirect("accounts:dashboard.role", slug=grant.association.slug, role=grant.role)
        context = self.get_context_data(grants=grants, has_applications=has_applications)
        return self.render_to_response(context)


class ApplicantDashboardView(LoginRequiredMixin, TemplateView):
    """The applicant's applications (contributed by the apps that own them: where each is, what
    happens next, the latest steps), memberships and the associations to apply to."""

    template_name = "accounts/dashboard_applicant.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            dashboards.dashboard_context(role=dashboards.APPLICANT, request=self.request)
        )
        memberships = user_memberships(user=self.request.user)
        member_of = {m.association_id for m in memberships if m.is_current()}
        for application in context.setdefault("applications", []):
            application.is_member = application.association_id in member_of
        context["memberships"] = memberships
        context["associations"] = listed_associations()
        return context


class RoleDashboardView(AssociationRoleRequiredMixin, TemplateView):
    """A staff dashboard for one role in one association; refused to anyone without it."""

    permission_denied_message = _("You do not hold this role in this association.")

    @property
    def required_role(self) -> Role:
        try:
            return Role(self.kwargs["role"])
        except ValueError:
            raise Http404 from None

    def get_template_names(self):
        return [f"accounts/dashboard_{self.required_role.value}.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = self.required_role
        context["association"] = self.association
        context["role"] = role
        if role == Role.ASSOCIATION_ADMIN:
            context["grants"] = association_role_grants(association=self.association)
            context["member_count"] = association_member_count(association=self.association)
        # Counts by state, the pipeline table and the registrations waiting come from
        # endorsement.dashboards; the rest from reviews.
        context.update(
            dashboards.dashboard_context(
                role=role, request=self.request, association=self.association
            )
        )
        return context


class ProfileView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, _("Your profile is saved."))
        return super().form_valid(form)


@require_POST
def set_language(request):
    """Django's set_language, remembering the choice on the signed-in user's account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return response


class ComponentsView(LoginRequiredMixin, TemplateView):
    """Every component of the design system with sample data (docs/ui.md): for staff only
    (anyone holding a staff role, or with admin access); applicants get 403."""

    template_name = "accounts/ui.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            request.user.is_staff or user_role_grants(user=request.user).exists()
        ):
            raise PermissionDenied(_("Only staff may see the components page."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(components_samples())
        return context
