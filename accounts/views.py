from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView, UpdateView
from django.views.i18n import set_language as django_set_language

from accounts.dashboards import dashboard_context
from accounts.enums import MembershipStatus, Role
from accounts.forms import ProfileForm
from accounts.models import Association, Membership, RoleGrant
from accounts.rules import ROLE_PREDICATES
from accounts.selectors import user_role_grants
from accounts.time_zones import time_zone_activate
from competencies.enums import RequirementKind
from competencies.models import Requirement
from endorsement.enums import ApplicationState
from endorsement.models import Application, ApplicationEvent
from endorsement.pipeline import endorsement_of, progress_steps


class DashboardView(LoginRequiredMixin, TemplateView):
    """Sends each person to their dashboard; people with several roles choose one."""

    template_name = "accounts/dashboard_choose.html"

    def get(self, request, *args, **kwargs):
        grants = list(user_role_grants(user=request.user))
        has_applications = Application.objects.filter(applicant=request.user).exists()
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
    """The applicant's applications: where each is, what happens next, the latest steps."""

    template_name = "accounts/dashboard_applicant.html"
    # The latest timeline entries shown per application.
    TIMELINE_ENTRIES = 3

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        latest_events = ApplicationEvent.objects.order_by("-at", "-id")
        applications = list(
            Application.objects.filter(applicant=user)
            .select_related("association", "category", "category__framework", "advisor")
            .select_related("endorsement")
            .annotate(
                return_reason=_public_reason(ApplicationState.RETURNED),
                deferral_reason=_public_reason(ApplicationState.DEFERRED),
                denial_reason=_public_reason(ApplicationState.DENIED),
                category_has_exam=Exists(
                    Requirement.objects.filter(
                        category=OuterRef("category"), kind=RequirementKind.EXAM
                    )
                ),
                # Threads (first comments) not yet resolved; ``comments`` is reviews.Comment.
                unresolved_comments=Count(
                    "comments",
                    filter=Q(comments__parent__isnull=True, comments__resolved_at__isnull=True),
                ),
            )
            .prefetch_related(
                Prefetch(
                    "events",
                    queryset=latest_events[: self.TIMELINE_ENTRIES],
                    to_attr="latest_events",
                )
            )
            .order_by("-created")
        )
        memberships = list(Membership.objects.filter(user=user).select_related("association"))
        member_of = {m.association_id for m in memberships if m.is_current()}
        for application in applications:
            application.is_member = application.association_id in member_of
            last_from = application.latest_events[0].from_state if application.latest_events else ""
            application.steps = progress_steps(
                application, has_exam=application.category_has_exam, last_from_state=last_from
            )
            application.endorsement_row = endorsement_of(application)
        context["applications"] = applications
        context["memberships"] = memberships
        context["associations"] = Association.objects.filter(is_active=True)
        return context


def _public_reason(state):
    """The note of the latest step into ``state``, if the coordinator made it public."""
    public_note = Case(
        When(note_is_public=True, then="note"), default=Value(""), output_field=TextField()
    )
    return Subquery(
        ApplicationEvent.objects.filter(application=OuterRef("pk"), to_state=state)
        .order_by("-at", "-id")
        .annotate(public_note=public_note)
        .values("public_note")[:1]
    )


class RoleDashboardView(LoginRequiredMixin, TemplateView):
    """A staff dashboard for one role in one association; refused to anyone without it."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.role = Role(kwargs["role"])
        except ValueError:
            raise Http404 from None
        self.association = get_object_or_404(Association, slug=kwargs["slug"])
        if not ROLE_PREDICATES[self.role](request.user, self.association):
            raise PermissionDenied(_("You do not hold this role in this association."))
        time_zone_activate(association=self.association)
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        return [f"accounts/dashboard_{self.role.value}.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["association"] = self.association
        context["role"] = self.role
        applications = Application.objects.filter(association=self.association)
        if self.role == Role.COORDINATOR:
            # Counts by state and the pipeline table come from endorsement.pipeline.
            context["waiting"] = (
                applications.filter(state=ApplicationState.REGISTERED)
                .select_related("applicant", "category")
                .annotate(is_member=_is_member(self.association))
                .order_by("created")[:20]
            )
        elif self.role == Role.ASSOCIATION_ADMIN:
            context["grants"] = (
                RoleGrant.objects.filter(association=self.association)
                .select_related("user")
                .order_by("role", "user__email")
            )
            context["member_count"] = Membership.objects.filter(
                association=self.association
            ).count()
        context.update(
            dashboard_context(role=self.role, request=self.request, association=self.association)
        )
        return context


def _is_member(association):
    """Whether the application's applicant is a member of the association today."""
    today = association.today()
    return Exists(
        Membership.objects.filter(
            user=OuterRef("applicant"),
            association=association,
            status=MembershipStatus.ACTIVE,
            start__lte=today,
            end__gte=today,
        )
    )


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
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response
