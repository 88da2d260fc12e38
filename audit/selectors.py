"""Reads of the audit log (one query for a page of entries, one for their count)."""

import datetime

from django.db.models import Q, QuerySet

from accounts.models import Membership, RoleGrant, User
from audit.enums import GROUP_PREFIXES, LOGIN_FAILED
from audit.models import AuditEntry


def association_entries(
    *,
    association,
    person: str = "",
    group: str = "",
    target: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """The entries an association's coordinators and admins may read, newest first: those
    recorded within the association, and those recorded outside any association (log-ins,
    refusals elsewhere) by its people (staff and members), failed log-ins to their addresses
    included. ``person`` matches the actor's
    e-mail, ``group`` an ``ActionGroup``, ``target`` the object's label or id; ``since`` and
    ``until`` are days in the active time zone (the association's on its pages)."""
    staff = RoleGrant.objects.filter(association=association).values("user_id")
    members = Membership.objects.filter(association=association).values("user_id")
    people = Q(actor_id__in=staff) | Q(actor_id__in=members)
    # A failed log-in names no user, only the address tried: theirs when it is one of them.
    addresses = User.objects.filter(Q(pk__in=staff) | Q(pk__in=members)).values("email")
    people |= Q(actor__isnull=True, action=LOGIN_FAILED, actor_label__in=addresses)
    entries = AuditEntry.objects.filter(
        Q(association_id=association.pk) | (Q(association__isnull=True) & people)
    )
    if person:
        entries = entries.filter(actor_label__icontains=person)
    if group in GROUP_PREFIXES:
        matches = Q()
        for key in GROUP_PREFIXES[group]:
            matches |= Q(action__startswith=key) if key.endswith(".") else Q(action=key)
        entries = entries.filter(matches)
    if target:
        entries = entries.filter(Q(object_label__icontains=target) | Q(object_id=target))
    if since is not None:
        entries = entries.filter(at__date__gte=since)
    if until is not None:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-at", "-id")
