"""People: the association admin's pages for its staff (``accounts.people`` holds the rules).

/a/<slug>/people/                         the list (search, role filter, pages), the open
                                          invitations and the latest changes
/a/<slug>/people/invite/                  invite by e-mail with one or more roles
/a/<slug>/people/log/                     every change, newest first
/a/<slug>/people/<id>/                    one person: roles (taking one away asks first)
/a/<slug>/people/<id>/deactivate/         asks, then takes away every role here
/a/<slug>/people/<id>/reactivate/         POST: gives them back
/a/<slug>/people/invitations/<id>/resend/ POST: a new link
/a/<slug>/people/invitations/<id>/cancel/ POST: the link stops working
/people/join/<token>/                     the invitee's link: choose a password, then log in

Open to the association's admins and the platform admin; anyone else gets 403, anonymous people
are sent to log in, and a person or invitation of another association is 404.
"""

from allauth.account.internal.flows.login import record_authentication
from django.contrib import messages
from django.contrib.auth import login
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.enums import Role
from accounts.models import User
from accounts.people import (
    LINK_CANCELLED,
    LINK_DISABLED,
    LINK_EXPIRED,
    LINK_USED,
    STAFF_ROLES,
    PeopleError,
    invitation_for_token,
    invitation_link_problem,
    open_invitations,
    person_deactivation,
    person_roles,
    staff_changes,
    staff_deactivate,
    staff_invitation_accept,
    staff_invitation_cancel,
    staff_invitation_resend,
    staff_invite,
    staff_people,
    staff_person,
    staff_reactivate,
    staff_roles_set,
)
from accounts.people_forms import InviteForm, JoinForm, PeopleSearchForm, RolesForm
from accounts.permissions import AssociationRoleRequiredMixin
from accounts.rate_limits import client_address, count_hit

PEOPLE_PER_PAGE = 25
CHANGES_PER_PAGE = 50
LATEST_CHANGES = 10
JOIN_MISSES = 20
JOIN_MISSES_SECONDS = 15 * 60


class PeopleMixin(AssociationRoleRequiredMixin):
    required_role = None
    required_permission = "accounts.manage_association"
    permission_denied_message = gettext_lazy(
        "Only an admin of this association may manage its people."
    )

    def people_url(self) -> str:
        return reverse("accounts:people", kwargs={"slug": self.association.slug})

    def person_url(self, person) -> str:
        return reverse(
            "accounts:people.person", kwargs={"slug": self.association.slug, "user_id": person.pk}
        )

    def admin_dashboard_url(self) -> str:
        return reverse(
            "accounts:dashboard.role",
            kwargs={"slug": self.association.slug, "role": Role.ASSOCIATION_ADMIN},
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            association=self.association,
            people_url=self.people_url(),
            admin_dashboard_url=self.admin_dashboard_url(),
        )
        return context


def _page(request, items, per_page):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class PeopleView(PeopleMixin, TemplateView):
    template_name = "accounts/people/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        search = PeopleSearchForm(self.request.GET or None)
        q, role = search.values()
        page = _page(
            self.request,
            staff_people(association=self.association, search=q, role=role),
            PEOPLE_PER_PAGE,
        )
        for person in page:
            person.roles_here = [Role(r).label for r in person_roles(person)]
            person.deactivation = person_deactivation(person)
        context.update(
            search=search,
            page=page,
            invitations=list(open_invitations(association=self.association)),
            changes=list(staff_changes(association=self.association)[:LATEST_CHANGES]),
        )
        return context


class PeopleLogView(PeopleMixin, TemplateView):
    template_name = "accounts/people/log.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = _page(
            self.request, staff_changes(association=self.association), CHANGES_PER_PAGE
        )
        return context


class InviteView(PeopleMixin, TemplateView):
    template_name = "accounts/people/invite.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", kwargs.get("form") or InviteForm())
        return context

    def post(self, request, *args, **kwargs):
        form = InviteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation = staff_invite(
                    association=self.association,
                    email=data["email"],
                    roles=data["roles"],
                    full_name=data["full_name"],
                    language=data["language"],
                    by=request.user,
                )
            except PeopleError as exc:
                form.add_error(None, exc.message)
            else:
                if invitation is None:
                    messages.success(
                        request,
                        _(
                            "%(email)s already has an account: the roles are given and they "
                            "are told by e-mail."
                        )
                        % {"email": data["email"]},
                    )
                else:
                    messages.success(
                        request,
                        _("Invitation sent to %(email)s.") % {"email": invitation.email},
                    )
                return HttpResponseRedirect(self.people_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PersonMixin(PeopleMixin):
    """A page about one person of the association's staff; anyone else's is 404."""

    def get_person(self) -> User:
        person = staff_person(association=self.association, user_id=self.kwargs["user_id"])
        if person is None:
            raise Http404
        return person


class PersonView(PersonMixin, TemplateView):
    """One person: their roles here (taking one away asks first), deactivation, their changes."""

    template_name = "accounts/people/person.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = kwargs.get("person") or self.get_person()
        roles = person_roles(person)
        context.update(
            person=person,
            roles_here=[Role(r).label for r in roles],
            deactivation=person_deactivation(person),
            form=kwargs.get("form") or RolesForm(initial={"roles": roles}),
            changes=list(staff_changes(association=self.association, user=person)[:50]),
            is_self=person.pk == self.request.user.pk,
        )
        return context

    def post(self, request, *args, **kwargs):
        person = self.get_person()
        form = RolesForm(request.POST)
        if form.is_valid():
            wanted = form.cleaned_data["roles"]
            held = person_roles(person)
            removing = [role for role in STAFF_ROLES if role in held and role not in wanted]
            if removing and request.POST.get("confirm") != "yes":
                return render(
                    request,
                    "accounts/people/confirm_roles.html",
                    self.get_context_data(
                        person=person,
                        form=form,
                        removing=[Role(r).label for r in removing],
                        adding=[
                            Role(r).label for r in STAFF_ROLES if r in wanted and r not in held
                        ],
                        wanted=wanted,
                    ),
                )
            try:
                added, removed = staff_roles_set(
                    association=self.association, person=person, roles=wanted, by=request.user
                )
            except PeopleError as exc:
                form.add_error(None, exc.message)
            else:
                if added or removed:
                    messages.success(
                        request,
                        _("The roles of %(person)s are saved.") % {"person": person},
                    )
                else:
                    messages.info(request, _("Nothing changed."))
                return HttpResponseRedirect(self.person_url(person))
        return self.render_to_response(self.get_context_data(person=person, form=form), status=400)


class DeactivateView(PersonMixin, TemplateView):
    template_name = "accounts/people/deactivate.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = kwargs.get("person") or self.get_person()
        context.update(
            person=person,
            roles_here=[Role(r).label for r in person_roles(person)],
            deactivation=person_deactivation(person),
            error=kwargs.get("error", ""),
        )
        return context

    def post(self, request, *args, **kwargs):
        person = self.get_person()
        try:
            staff_deactivate(association=self.association, person=person, by=request.user)
        except PeopleError as exc:
            return self.render_to_response(
                self.get_context_data(person=person, error=exc.message), status=400
            )
        messages.success(
            request,
            _("%(person)s is deactivated: they no longer hold any role here.") % {"person": person},
        )
        return HttpResponseRedirect(self.person_url(person))


class ReactivateView(PersonMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        person = self.get_person()
        try:
            staff_reactivate(association=self.association, person=person, by=request.user)
        except PeopleError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(person)s is active again, with the roles they held before.")
                % {"person": person},
            )
        return HttpResponseRedirect(self.person_url(person))


class InvitationActionView(PeopleMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(
            open_invitations(association=self.association), pk=kwargs["pk"]
        )
        self.act(invitation)
        return HttpResponseRedirect(self.people_url())


class InvitationResendView(InvitationActionView):
    def act(self, invitation):
        staff_invitation_resend(invitation=invitation, by=self.request.user)
        messages.success(
            self.request,
            _("A new link was sent to %(email)s; the old one no longer works.")
            % {"email": invitation.email},
        )


class InvitationCancelView(InvitationActionView):
    def act(self, invitation):
        staff_invitation_cancel(invitation=invitation, by=self.request.user)
        messages.success(
            self.request,
            _("The invitation to %(email)s is cancelled: its link no longer works.")
            % {"email": invitation.email},
        )


def _join_misses_key(request) -> str:
    return f"staff-invitation-misses:{client_address(request)}"


class InvitationAcceptView(View):
    """The invitee's link: no login. They choose their password, are logged in and sent to their
    dashboard, where the portal first makes them set up an authenticator app."""

    def dispatch(self, request, *args, **kwargs):
        key = _join_misses_key(request)
        if (cache.get(key) or 0) >= JOIN_MISSES:
            return render(request, "accounts/people/join_too_many.html", status=429)
        invitation = invitation_for_token(token=kwargs["token"])
        if invitation is None:
            count_hit(key, JOIN_MISSES_SECONDS)
            response = render(request, "accounts/people/join_invalid.html", status=404)
        else:
            self.invitation = invitation
            problem = invitation_link_problem(invitation=invitation)
            if problem:
                response = self.unusable(request, problem)
            else:
                response = super().dispatch(request, *args, **kwargs)
        # The address holds the token: keep the page out of shared and browser caches.
        add_never_cache_headers(response)
        return response

    def unusable(self, request, reason: str):
        return render(
            request,
            "accounts/people/join_unavailable.html",
            {
                "reason": reason,
                "association": self.invitation.association,
                "LINK_USED": LINK_USED,
                "LINK_EXPIRED": LINK_EXPIRED,
                "LINK_CANCELLED": LINK_CANCELLED,
                "LINK_DISABLED": LINK_DISABLED,
            },
            status=410,
        )

    def form(self, data=None) -> JoinForm:
        invitation = self.invitation
        # The password rules compare the password with the person's name and address.
        person = User.objects.filter(email__iexact=invitation.email).first() or User(
            email=invitation.email, full_name=invitation.full_name
        )
        name = person.full_name or invitation.full_name
        return JoinForm(person, data, initial={"full_name": name})

    def render_form(self, request, form, status=200):
        invitation = self.invitation
        return render(
            request,
            "accounts/people/join.html",
            {
                "form": form,
                "invitation": invitation,
                "association": invitation.association,
                "roles": ", ".join(invitation.role_labels()),
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        return self.render_form(request, self.form())

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        try:
            user = staff_invitation_accept(
                invitation=self.invitation,
                password=form.cleaned_data["new_password1"],
                full_name=form.cleaned_data["full_name"],
            )
        except PeopleError as exc:
            return self.unusable(request, exc.message)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # They typed their password in this very request: allauth need not ask for it again
        # before the authenticator is set up (``reauthenticated`` is what its check reads; were
        # that to change, the person would merely be asked for the password once more).
        record_authentication(
            request, user, method="password", email=user.email, reauthenticated=True
        )
        messages.success(
            request,
            _("Welcome to %(association)s. Now set up your authenticator app.")
            % {"association": self.invitation.association.name},
        )
        return HttpResponseRedirect(reverse("accounts:dashboard"))
