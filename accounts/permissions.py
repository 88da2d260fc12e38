"""The permission gates views share: every app imports them from here (never another app's
views). Predicates live in each app's ``rules.py``; these turn a refused predicate into the
page's answer."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.rules import is_coordinator_of


def coordinator_required(user, association, *, hide: bool = False) -> None:
    """Refuses anyone but a coordinator of the association: 403 with the reason, or 404 when
    ``hide`` (the page must not reveal that the object exists).

    The predicate, not ``has_perm``: Django lets superusers through every ``has_perm``, and the
    platform admin works in the admin site, not on the coordinator's pages."""
    if not is_coordinator_of(user, association):
        if hide:
            raise Http404
        raise PermissionDenied(_("Only a coordinator of this association may do this."))
