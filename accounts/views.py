import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView, UpdateView, View
from django.views.i18n import set_language as django_set_language

from accounts import dashboards
from accounts.csvs import CSV_CHUNK, Echo, csv_safe
from accounts.enums import MemberStanding, Role
from accounts.forms import MemberFilterForm, ProfileForm, WorkforceProfileForm
from accounts.models import WorkforceProfile
from accounts.permissions import AssociationRoleRequiredMixin
from accounts.selectors import (
    association_member_count,
    association_members,
    association_role_grants,
    confirmed_proof_ends,
    email_opted_out,
    listed_associations,
    user_membership_standings,
    user_memberships,
    user_role_grants,
)
from accounts.services import (
    WORKFORCE_FIELDS,
    email_opt_out_set,
    user_set_language,
    workforce_profile_update,
)
from accounts.signed_in_pages import SignedInPageCacheMixin
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


class ApplicantDashboardView(SignedInPageCacheMixin, LoginRequiredMixin, TemplateView):
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
        # Membership of another association, on a proof the coordinator confirmed.
        proof_ends = confirmed_proof_ends(user=self.request.user)
        for application in context.setdefault("applications", []):
            end = proof_ends.get(application.association_id)
            application.is_member = application.association_id in member_of or (
                end is not None and end >= application.association.today()
            )
        context["memberships"] = memberships
        context["membership_standings"] = user_membership_standings(
            memberships=memberships, proof_ends=proof_ends
        )
        context["workforce_profile"] = WorkforceProfile.objects.filter(
            user=self.request.user
        ).first()
        context["associations"] = listed_associations()
        return context


class RoleDashboardView(SignedInPageCacheMixin, AssociationRoleRequiredMixin, TemplateView):
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

    def get_initial(self):
        return {"optional_emails": not email_opted_out(email=self.request.user.email)}

    def form_valid(self, form):
        email_opt_out_set(
            email=self.request.user.email, opted_out=not form.cleaned_data["optional_emails"]
        )
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


MEMBERS_PER_PAGE = 50


class MemberListMixin(AssociationRoleRequiredMixin):
    """The association's members, for its coordinators and association admins only (404 to
    anyone else: the page does not reveal who is a member)."""

    required_role = None
    required_permission = "accounts.view_members"
    hide_from_others = True

    def members(self):
        self.filter_form = MemberFilterForm(self.request.GET)
        self.filters = self.filter_form.filters()
        return association_members(association=self.association, **self.filters)


class MemberListView(MemberListMixin, TemplateView):
    """Search, filter by standing, 50 a page (2 queries: the count and the page)."""

    template_name = "accounts/members.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.members(), MEMBERS_PER_PAGE).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        for person in rows:
            person.standing_label = MemberStanding(person.standing).label
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            association=self.association,
            filter_form=self.filter_form,
            filtered=any(self.filters.values()),
            page_obj=page,
            rows=rows,
            csv_url=reverse("accounts:members.csv", kwargs={"slug": self.association.slug})
            + (f"?{query.urlencode()}" if query else ""),
        )
        return context


def member_csv_header() -> list[str]:
    return [
        gettext("Name"),
        gettext("E-mail"),
        gettext("Member number"),
        gettext("Membership"),
        gettext("Member until"),
    ]


def member_csv_row(person) -> list[str]:
    cells = [
        person.get_full_name(),
        person.email,
        person.member_number or "",
        MemberStanding(person.standing).label,
        person.member_until.isoformat() if person.member_until else "",
    ]
    return [csv_safe(cell) for cell in cells]


class MemberCsvView(MemberListMixin, View):
    """The member list (with the page's filters) as CSV, every page at once."""

    http_method_names = ["get"]

    def get(self, request, slug):
        members = self.members()
        writer = csv.writer(Echo())

        def lines():
            yield "\ufeff" + writer.writerow(member_csv_header())
            for person in members.iterator(chunk_size=CSV_CHUNK):
                yield writer.writerow(member_csv_row(person))

        filename = f"members-{self.association.slug}-{self.association.today().isoformat()}.csv"
        return StreamingHttpResponse(
            lines(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


class WorkforceProfileView(LoginRequiredMixin, FormView):
    """The person's own professional profile: nobody else opens it (there is no address for
    someone else's); associations read it only as totals."""

    template_name = "accounts/workforce_profile.html"
    form_class = WorkforceProfileForm

    def get_initial(self):
        profile = WorkforceProfile.objects.filter(user=self.request.user).first()
        if profile is None:
            return {}
        return {field: getattr(profile, field) for field in WORKFORCE_FIELDS}

    def form_valid(self, form):
        workforce_profile_update(
            user=self.request.user,
            **{field: form.cleaned_data[field] for field in WORKFORCE_FIELDS},
        )
        messages.success(self.request, _("Your professional profile is saved. Thank you."))
        return HttpResponseRedirect(reverse("accounts:dashboard.applicant"))
