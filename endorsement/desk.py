"""The coordinator's renewal desk (reads and the two bulk actions).

**The renewal season.** A season renews the endorsements valid through 31 December of one
year Y (renewed, they are valid through 31 December of Y+1; their ``Renewal.year`` is Y+1). It
starts on the association's opening date in Y and is the current season until the opening date
of Y+1: from 1 January of Y+1 its unrenewed holders are late, after the grace date they lapse.
So on 6 December 2026 the season is 2026 (due now, late from 1 January 2027), and it stays
2026 until the renewal of 2027 opens.

Counts are of the association's endorsements by standing today, with three counts of the
season's renewals; each costs one query, whatever the number of holders. The list is paginated
(its ids picked on the endorsement table, then only the page joined to its holder and
category), filtered by group, category and a search, and comes as CSV too.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Association, User
from endorsement.emails import CONTEXT_HELP, application_email_on_commit, register_emails
from endorsement.enums import EndorsementStatus, RenewalState
from endorsement.lifecycle import RenewalDates, renewal_dates, renewal_policy
from endorsement.models import Endorsement, Renewal

E = EndorsementStatus
PAGE_SIZE = 50

register_emails(
    folder="endorsement/emails",
    emails={"renewal_reminder": _("Renewal reminder from the renewal desk (to the holder)")},
    values={
        "renewal_reminder": {
            **CONTEXT_HELP,
            "number": _("the endorsement number"),
            "valid_through": _("the date the endorsement is valid through"),
            "grace_until": _("the last day it may be renewed before it lapses"),
        }
    },
)


@dataclass(frozen=True)
class Season:
    """The renewal season on ``today``: the endorsements valid through ``dates.valid_through``
    renew for ``renewal_year``."""

    year: int
    dates: RenewalDates
    today: datetime.date

    @property
    def renewal_year(self) -> int:
        return self.year + 1

    @property
    def is_late(self) -> bool:
        return self.dates.is_late(self.today)


def renewal_season(association: Association, today: datetime.date | None = None) -> Season:
    """The season that is current on ``today`` (the association's today by default)."""
    today = today or association.today()
    policy = renewal_policy(association)
    this_year = renewal_dates(valid_through=datetime.date(today.year, 12, 31), policy=policy)
    if today >= this_year.opens:
        return Season(year=today.year, dates=this_year, today=today)
    last_year = renewal_dates(valid_through=datetime.date(today.year - 1, 12, 31), policy=policy)
    return Season(year=today.year - 1, dates=last_year, today=today)


# The groups of the counts and of the list's filter: (key, label).
GROUPS = [
    ("active", _("Active, not yet due")),
    ("due", _("Renewal due")),
    ("late", _("Late (due, past 1 January)")),
    ("lapsed", _("Lapsed")),
    ("emeritus", _("Emeritus")),
    ("renewed", _("Renewed this season")),
    ("waiting", _("Renewals waiting for approval")),
    ("audit", _("Audits pending")),
]
# Standings the desk lists (revoked, superseded and transferred endorsements are not renewed).
LISTED = [E.ACTIVE, E.RENEWAL_DUE, E.LAPSED, E.EMERITUS]


def _renewed(season: Season) -> Exists:
    return Exists(
        Renewal.objects.filter(
            endorsement=OuterRef("pk"),
            year=season.renewal_year,
            state=RenewalState.APPROVED,
        )
    )


def _waiting() -> Exists:
    return Exists(Renewal.objects.filter(endorsement=OuterRef("pk"), state=RenewalState.SUBMITTED))


def _audit_pending() -> Exists:
    return Exists(
        Renewal.objects.filter(
            endorsement=OuterRef("pk"), audit_selected=True, audited_at__isnull=True
        )
    )


def group_q(group: str, season: Season) -> Q:
    """The condition of ``group`` on the association's endorsements."""
    if group == "active":
        return Q(status=E.ACTIVE) & ~Q(_renewed(season))
    if group == "due":
        return Q(status=E.RENEWAL_DUE, valid_through__gte=season.today)
    if group == "late":
        return Q(status=E.RENEWAL_DUE, valid_through__lt=season.today)
    if group in ("lapsed", "emeritus"):
        return Q(status=group)
    if group == "renewed":
        return Q(_renewed(season))
    if group == "waiting":
        return Q(_waiting())
    if group == "audit":
        return Q(_audit_pending())
    raise ValueError(group)


def desk_endorsements(association: Association) -> QuerySet[Endorsement]:
    return Endorsement.objects.filter(association=association, status__in=LISTED)


def desk_counts(association: Association, season: Season) -> list[dict]:
    """Every group with its count (one query)."""
    counts = desk_endorsements(association).aggregate(
        **{key: Count("pk", filter=group_q(key, season)) for key, _label in GROUPS}
    )
    return [{"group": key, "label": label, "count": counts[key]} for key, label in GROUPS]


def desk_filter(association: Association, season: Season, filters: dict) -> QuerySet:
    """The association's renewable endorsements matching ``filters`` (group, category, q),
    longest in their standing first."""
    rows = desk_endorsements(association)
    if group := filters.get("group"):
        rows = rows.filter(group_q(group, season))
    if code := filters.get("category"):
        rows = rows.filter(category__code=code)
    if search := (filters.get("q") or "").strip():
        rows = rows.filter(
            Q(holder__full_name__icontains=search)
            | Q(holder__email__icontains=search)
            | Q(number__icontains=search)
        )
    return rows.order_by("status_since", "pk")


def with_row_data(rows: QuerySet, season: Season) -> QuerySet:
    """What a row shows: holder, category, and its latest renewal (year, state, audit)."""
    latest = Renewal.objects.filter(endorsement=OuterRef("pk")).order_by("-year", "-id")
    return rows.select_related("holder", "category").annotate(
        renewed_now=_renewed(season),
        renewal_pk=Subquery(latest.values("pk")[:1]),
        renewal_year=Subquery(latest.values("year")[:1]),
        renewal_state=Subquery(latest.values("state")[:1]),
        audit_waiting=_audit_pending(),
    )


def desk_page(*, association: Association, season: Season, filters: dict, number) -> tuple:
    """(page, rows): the page of the filtered list (two queries), its rows with their data
    (one query)."""
    ids = desk_filter(association, season, filters).values_list("pk", flat=True)
    page = Paginator(ids, PAGE_SIZE).get_page(number)
    rows = with_row_data(
        Endorsement.objects.filter(pk__in=list(page.object_list)), season
    ).order_by("status_since", "pk")
    return page, annotate_desk_rows(rows, season)


def annotate_desk_rows(rows, season: Season, now: datetime.datetime | None = None) -> list:
    now = now or timezone.now()
    rows = list(rows)
    for row in rows:
        row.days_in_status = max((now - row.status_since).days, 0)
        row.is_late = row.status == E.RENEWAL_DUE and row.valid_through < season.today
        row.renewal_state_label = RenewalState(row.renewal_state).label if row.renewal_state else ""
    return rows


# --- The bulk actions -------------------------------------------------------------------------

BULK_ACTIONS = {
    "remind": _("Send a renewal reminder now"),
    "audited": _("Mark the audit done"),
}


def bulk_eligible(*, association: Association, action: str, ids: list[int]) -> list[Endorsement]:
    """The selected endorsements of the association the action applies to: due or late holders
    for a reminder, renewals waiting for their audit for "audited" (one query)."""
    rows = Endorsement.objects.filter(association=association, pk__in=ids).select_related(
        "holder", "category", "application"
    )
    if action == "remind":
        rows = rows.filter(status=E.RENEWAL_DUE)
    elif action == "audited":
        rows = rows.filter(_audit_pending())
    else:
        raise ValueError(action)
    return list(rows.order_by("holder__full_name", "pk"))


@transaction.atomic
def renewal_reminders_send(
    *, association: Association, endorsements: list[Endorsement], by: User
) -> int:
    """E-mail each holder whose endorsement (of ``association``) is due for renewal a reminder
    with its dates, once committed. Others are skipped. Returns how many were sent."""
    policy = renewal_policy(association)
    sent = 0
    for endorsement in endorsements:
        if endorsement.association_id != association.pk or endorsement.status != E.RENEWAL_DUE:
            continue
        dates = renewal_dates(valid_through=endorsement.valid_through, policy=policy)
        application_email_on_commit(
            application=endorsement.application,
            key="renewal_reminder",
            recipients=[endorsement.holder],
            extra={
                "number": endorsement.number,
                "valid_through": endorsement.valid_through,
                "grace_until": dates.grace_until,
                "late": "yes" if dates.is_late(association.today()) else "",
            },
        )
        sent += 1
    return sent


@transaction.atomic
def renewal_audits_mark(*, association: Association, endorsements: list[Endorsement]) -> int:
    """Mark done the pending audits of the renewals of ``endorsements`` (of ``association``).
    Returns how many renewals were marked."""
    return Renewal.objects.filter(
        endorsement__association=association,
        endorsement__in=endorsements,
        audit_selected=True,
        audited_at__isnull=True,
    ).update(audited_at=timezone.now())
