"""The permission gates views share: every app imports them from here (never another app's
views). Predicates live in each app's ``rules.py``; these turn a refused predicate into the
page's answer."""

import rules
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import Association
from accounts.rules import ROLE_PREDICATES, is_coordinator_of
from accounts.time_zones import time_zone_activate


class RefusedHidden(Http404):
    """A refused permission check answered with 404 (the page must not reveal that its object
    exists): to the person, the same as "not there"; to the audit log, a refusal, recorded
    within ``association_id`` when the page's address does not name its association."""

    def __init__(self, *args, association_id: int | None = None):
        super().__init__(*args)
        self.association_id = association_id


def _refuse(message: str, *, hide: bool):
    if hide:
        raise RefusedHidden
    raise PermissionDenied(message)


def coordinator_required(user, association, *, hide: bool = False, message: str = "") -> None:
    """Refuses anyone but a coordinator of the association: 403 with the reason (``message``,
    or the coordinator's sentence), or 404 when ``hide`` (the page must not reveal that the
    object exists).

    The predicate, not ``has_perm``: Django lets superusers through every ``has_perm``, and the
    platform admin works in the admin site, not on the coordinator's pages."""
    if not is_coordinator_of(user, association):
        _refuse(message or _("Only a coordinator of this association may do this."), hide=hide)


def role_required(user, association, role: str, *, hide: bool = False, message: str = "") -> None:
    """Refuses anyone without ``role`` in the association (``coordinator_required`` for the
    coordinator, with its sentence)."""
    if role == Role.COORDINATOR:
        coordinator_required(user, association, hide=hide, message=message)
    elif not ROLE_PREDICATES[role](user, association):
        _refuse(message or _("You do not hold this role in this association."), hide=hide)


class AssociationRoleRequiredMixin(LoginRequiredMixin):
    """The one gate of the staff pages of every app: the page names its association
    (``get_association``, which may load the object the page is about) and only people holding
    ``required_role`` there pass; anyone else gets 403 with the reason, or 404 on pages that set
    ``hide_from_others`` (the page must not reveal that its object exists), whatever the method.
    Anonymous people are sent to log in. ``self.association`` is set before the view runs, and
    the page's dates and times are in its time zone (``accounts.time_zones``).

    Instead of a role, a page may ask for ``required_permission``: a ``rules`` permission about
    the association (tested with ``rules.has_perm``, which, unlike ``user.has_perm``, does not let
    superusers through); or for nothing (``required_role = None``) when its own lookup in
    ``get_association`` is the gate (e.g. the applicant's own application).
    ``permission_denied_message`` is the 403's sentence, when the page has its own."""

    required_role: str | None = Role.COORDINATOR
    required_permission = ""
    hide_from_others = False

    def get_association(self) -> Association:
        return get_object_or_404(Association, slug=self.kwargs["slug"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.association = self.get_association()
        message = self.get_permission_denied_message()
        if self.required_permission:
            if not rules.has_perm(self.required_permission, request.user, self.association):
                _refuse(message, hide=self.hide_from_others)
        elif self.required_role is not None:
            role_required(
                request.user,
                self.association,
                self.required_role,
                hide=self.hide_from_others,
                message=message,
            )
        time_zone_activate(association=self.association)
        return super().dispatch(request, *args, **kwargs)

    def dashboard_url(self) -> str:
        """The dashboard of the page's role in its association."""
        return reverse(
            "accounts:dashboard.role",
            kwargs={"slug": self.association.slug, "role": self.required_role},
        )
