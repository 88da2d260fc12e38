"""The reports' numbers: each function reads one association's data in a fixed number of queries
and returns a ``ReportData``: the table (the truth, shown beside the chart and exported as CSV)
and the chart's series.

Times are bucketed in the association's time zone (a decision at 23:30 on 31 March in New York
belongs to the first quarter, whatever the UTC date). Counts by the workforce profile's fields
come from ``endorsement.workforce``, which suppresses groups smaller than 5.
"""

import datetime
import math
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Association
from billing.enums import FeeType, PaymentKind, PaymentMethod
from billing.models import Payment
from endorsement.enums import (
    CLOSED_STATES,
    CURRENT_ENDORSEMENT_STATUSES,
    ApplicationState,
    EndorsementStatus,
)
from endorsement.models import Application, ApplicationEvent, Endorsement
from endorsement.workforce import workforce_counts
from reports.charts import Series

S = ApplicationState
# The reviewers' decision on a portfolio: approved or declined (a deferral asks for more and
# the clock keeps running until the decision).
DECISION_STATES = [S.APPROVED, S.DENIED]
ZERO = Decimal("0.00")


@dataclass
class ReportData:
    """``columns`` head the table; each row's first cell is its header. ``labels`` and
    ``series`` are the chart's (the table's rows, or some of its columns). ``summary`` is one
    sentence above the chart; ``empty`` when there is nothing to show."""

    columns: list[str]
    rows: list[list]
    labels: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    summary: str = ""

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def labelled_rows(self) -> list[tuple]:
        """Each row as its header and (column, cell) pairs: a phone shows the column's name
        before each cell."""
        return [(row[0], list(zip(self.columns[1:], row[1:], strict=True))) for row in self.rows]


def _zone(association: Association) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(association.time_zone)


def year_bounds(association: Association, year: int) -> tuple[datetime.datetime, ...]:
    """The first moment of ``year`` and of the next, where the association is."""
    zone = _zone(association)
    return (
        datetime.datetime(year, 1, 1, tzinfo=zone),
        datetime.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def percentile(values: list[float], fraction: float) -> float | None:
    """The ``fraction`` percentile of ``values`` by linear interpolation between the closest
    ranks (the median of an even count is the mean of the middle two); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def quarter_label(year: int, quarter: int) -> str:
    return _("Q%(quarter)d %(year)d") % {"quarter": quarter, "year": year}


# 1. Applications by state and category


def applications_by_state(*, association: Association, year: int | None = None) -> ReportData:
    """Every state down the table, one column per category and the total (one query). With a
    year: the applications registered that year, in the state they are in now."""
    applications = Application.objects.filter(association=association)
    if year:
        start, end = year_bounds(association, year)
        applications = applications.filter(created__gte=start, created__lt=end)
    counts = (
        applications.values_list("state", "category__code")
        .annotate(n=Count("id"), order=Min("category__order"))
        .order_by()
    )
    by_state: dict[str, Counter] = defaultdict(Counter)
    category_order: dict[str, int] = {}
    for state, code, n, order in counts:
        by_state[state][code] += n
        category_order[code] = min(order, category_order.get(code, order))
    if not by_state:
        return ReportData(columns=[], rows=[])
    codes = sorted(category_order, key=lambda code: (category_order[code], code))
    rows, totals = [], []
    for state, label in S.choices:
        total = sum(by_state[state].values())
        rows.append([str(label), *(by_state[state][code] for code in codes), total])
        totals.append(total)
    all_applications = sum(totals)
    return ReportData(
        columns=[_("State"), *codes, _("Total")],
        rows=rows,
        labels=[row[0] for row in rows],
        series=[Series(_("Applications"), totals)],
        summary=ngettext(
            "%(count)d application in all.", "%(count)d applications in all.", all_applications
        )
        % {"count": all_applications},
    )


# 2. Time from submission to decision


def decision_times(*, association: Association, year: int | None = None) -> ReportData:
    """Per quarter of the decision (approved or declined), the days from the application's
    first submission to its first decision: how many, the median and the 90th percentile (one
    query). Applications decided without a recorded submission are left out."""
    events = (
        ApplicationEvent.objects.filter(
            application__association=association,
            to_state__in=[S.SUBMITTED, *DECISION_STATES],
        )
        .order_by("at", "pk")
        .values_list("application_id", "to_state", "at")
    )
    if year:
        # Submissions may precede the year; nothing after it counts.
        events = events.filter(at__lt=year_bounds(association, year)[1])
    submitted: dict[int, datetime.datetime] = {}
    decided: set[int] = set()
    days_by_quarter: dict[tuple[int, int], list[float]] = defaultdict(list)
    zone = _zone(association)
    for application_id, to_state, at in events:
        if to_state == S.SUBMITTED:
            submitted.setdefault(application_id, at)
            continue
        if application_id in decided or application_id not in submitted:
            continue
        decided.add(application_id)
        local = timezone.localtime(at, zone)
        if year and local.year != year:
            continue
        days = (at - submitted[application_id]).total_seconds() / 86400
        days_by_quarter[(local.year, (local.month - 1) // 3 + 1)].append(days)
    rows = []
    for (y, q), days in sorted(days_by_quarter.items()):
        median, p90 = percentile(days, 0.5), percentile(days, 0.9)
        rows.append([quarter_label(y, q), len(days), round(median, 1), round(p90, 1)])
    return ReportData(
        columns=[
            _("Quarter of the decision"),
            _("Decisions"),
            _("Median (days)"),
            _("90th percentile (days)"),
        ],
        rows=rows,
        labels=[row[0] for row in rows],
        series=[
            Series(_("Median"), [row[2] for row in rows]),
            Series(_("90th percentile"), [row[3] for row in rows]),
        ],
    )


# 3. Active endorsements by category, region, setting and language

ENDORSEMENT_DIMENSIONS = ("category", "region", "work_setting", "language")


def endorsement_dimension_label(by: str) -> str:
    return {
        "category": _("Category"),
        "region": _("Region served"),
        "work_setting": _("Work setting"),
        "language": _("Language of service"),
    }[by]


def active_endorsements(*, association: Association, by: str = "category") -> ReportData:
    """Current endorsements (active, renewal due, emeritus: what the registry lists) by
    category; or their holders by region, work setting or language, each group of fewer than
    5 people suppressed (one query)."""
    if by not in ENDORSEMENT_DIMENSIONS:
        raise ValueError(f"unknown dimension: {by!r}")
    heading = endorsement_dimension_label(by)
    if by == "category":
        counts = (
            Endorsement.objects.filter(
                association=association, status__in=CURRENT_ENDORSEMENT_STATUSES
            )
            .values_list("category__code")
            .annotate(n=Count("id"), order=Min("category__order"))
            .order_by("order", "category__code")
        )
        rows = [[code, n] for code, n, _order in counts]
        total = sum(row[1] for row in rows)
        return ReportData(
            columns=[heading, _("Current endorsements")],
            rows=rows,
            labels=[row[0] for row in rows],
            series=[Series(_("Current endorsements"), [row[1] for row in rows])],
            summary=ngettext(
                "%(count)d current endorsement.", "%(count)d current endorsements.", total
            )
            % {"count": total},
        )
    groups = workforce_counts(association=association, by=by, endorsed=True)
    rows = [[group.label, group.shown] for group in groups]
    return ReportData(
        columns=[heading, _("Holders")],
        rows=rows,
        labels=[group.label for group in groups],
        series=[Series(_("Holders"), [group.count for group in groups])],
        summary=_(
            "Holders of a current endorsement; a person serving in two languages counts in both. "
            "Groups of fewer than 5 people are not shown."
        ),
    )


# 4. The workforce's growth per year


def workforce_growth(*, association: Association) -> ReportData:
    """At the end of each year (this year: today), how many people held a current endorsement
    and how many more had an application in process, from the year of the first application
    (two queries). A standing lost (lapsed, revoked, superseded) counts from its date."""
    applications = (
        Application.objects.filter(association=association)
        .annotate(closed_at=Min("events__at", filter=Q(events__to_state__in=CLOSED_STATES)))
        .values_list("applicant_id", "created", "closed_at", "state", "state_changed")
    )
    endorsements = Endorsement.objects.filter(association=association).values_list(
        "holder_id", "awarded_on", "status", "status_since"
    )
    # A closed application without its closing step in the log closed when its state last
    # changed.
    applications = [
        (applicant, created, closed_at or (changed if state in CLOSED_STATES else None))
        for applicant, created, closed_at, state, changed in applications
    ]
    endorsements = list(endorsements)
    if not applications and not endorsements:
        return ReportData(columns=[], rows=[])
    zone = _zone(association)
    today = association.today()
    first = min(
        [timezone.localtime(created, zone).year for _p, created, _c in applications]
        + [awarded_on.year for _h, awarded_on, _s, _since in endorsements]
    )
    rows = []
    for year in range(first, today.year + 1):
        last_day = datetime.date(year, 12, 31)
        end = datetime.datetime(year + 1, 1, 1, tzinfo=zone)
        endorsed = {
            holder
            for holder, awarded_on, status, since in endorsements
            if awarded_on <= last_day and (status in CURRENT_ENDORSEMENT_STATUSES or since >= end)
        }
        in_process = {
            applicant
            for applicant, created, closed_at in applications
            if created < end and (closed_at is None or closed_at >= end)
        } - endorsed
        rows.append([str(year), len(endorsed), len(in_process)])
    latest = rows[-1]
    return ReportData(
        columns=[_("Year"), _("Endorsed"), _("In process")],
        rows=rows,
        labels=[row[0] for row in rows],
        series=[
            Series(_("Endorsed"), [r[1] for r in rows]),
            Series(_("In process"), [r[2] for r in rows]),
        ],
        summary=_("Today: %(endorsed)d endorsed, %(in_process)d in process.")
        % {"endorsed": latest[1], "in_process": latest[2]},
    )


# 5. Renewals


def renewals_due(*, association: Association) -> ReportData:
    """Per year in which endorsements come due for renewal (their "valid through" year), how
    many and their standing today (one query); this season's renewals are on the renewal desk
    (``endorsement.desk``)."""
    counts = (
        Endorsement.objects.filter(association=association)
        .values_list("valid_through__year", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_year: dict[int, Counter] = defaultdict(Counter)
    for year, status, n in counts:
        by_year[year][status] += n
    rows = []
    for year in sorted(by_year):
        counter = by_year[year]
        current = counter[EndorsementStatus.ACTIVE] + counter[EndorsementStatus.EMERITUS]
        rows.append(
            [
                str(year),
                sum(counter.values()),
                current,
                counter[EndorsementStatus.RENEWAL_DUE],
                counter[EndorsementStatus.LAPSED],
                counter[EndorsementStatus.REVOKED] + counter[EndorsementStatus.SUPERSEDED],
            ]
        )
    return ReportData(
        columns=[
            _("Valid through"),
            _("Endorsements"),
            _("Active"),
            _("Renewal due"),
            _("Lapsed"),
            _("Revoked or superseded"),
        ],
        rows=rows,
        labels=[row[0] for row in rows],
        series=[
            Series(_("Active"), [r[2] for r in rows]),
            Series(_("Renewal due"), [r[3] for r in rows]),
            Series(_("Lapsed"), [r[4] for r in rows]),
        ],
    )


# 6. Revenue by fee type and month


def _month_label(year: int, month: int) -> str:
    return date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")


def revenue(*, association: Association, year: int) -> ReportData:
    """Per month of ``year`` and currency, the money received less the money refunded, by fee
    type (one query). Waivers are not revenue (their own report)."""
    start, end = year_bounds(association, year)
    payments = Payment.objects.filter(
        invoice__association=association,
        kind__in=[PaymentKind.PAYMENT, PaymentKind.REFUND],
        recorded_at__gte=start,
        recorded_at__lt=end,
    ).values_list("recorded_at", "kind", "amount", "currency", "invoice__fee_type")
    zone = _zone(association)
    sums: dict[tuple[str, int, str], Decimal] = defaultdict(lambda: ZERO)
    fee_types, currencies = set(), set()
    for recorded_at, kind, amount, currency, fee_type in payments:
        month = timezone.localtime(recorded_at, zone).month
        sums[(currency, month, fee_type)] += -amount if kind == PaymentKind.REFUND else amount
        fee_types.add(fee_type)
        currencies.add(currency)
    if not sums:
        return ReportData(columns=[], rows=[])
    fees = [value for value in FeeType.values if value in fee_types]
    several = len(currencies) > 1
    rows, series = [], []
    for currency in sorted(currencies):
        totals = []
        for month in range(1, 13):
            amounts = [sums[(currency, month, fee)] for fee in fees]
            label = _month_label(year, month)
            rows.append([label, currency, *amounts, sum(amounts, ZERO)])
            totals.append(sum(amounts, ZERO))
        series.append(Series(currency, totals))
    grand = {
        currency: sum(s.values, ZERO)
        for currency, s in zip(sorted(currencies), series, strict=True)
    }
    return ReportData(
        columns=[_("Month"), _("Currency"), *(str(FeeType(fee).label) for fee in fees), _("Total")],
        rows=rows,
        labels=[_month_label(year, month) for month in range(1, 13)],
        series=series if several else [Series(_("Revenue"), series[0].values)],
        summary=_("Received in %(year)d, less refunds: %(amounts)s.")
        % {"year": year, "amounts": "; ".join(f"{amount} {c}" for c, amount in grand.items())},
    )


# 7. Waivers granted


def waivers_granted(*, association: Association, year: int | None = None) -> ReportData:
    """Per fee type and currency, the waivers and scholarships granted and the amount they
    cover (one query); with a year, those granted that year."""
    waivers = Payment.objects.filter(invoice__association=association, kind=PaymentKind.WAIVER)
    if year:
        start, end = year_bounds(association, year)
        waivers = waivers.filter(recorded_at__gte=start, recorded_at__lt=end)
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    amounts: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for fee_type, currency, method, amount in waivers.values_list(
        "invoice__fee_type", "currency", "method", "amount"
    ):
        counts[(fee_type, currency)][method] += 1
        amounts[(fee_type, currency)] += amount
    order = {value: index for index, value in enumerate(FeeType.values)}
    rows = []
    for fee_type, currency in sorted(counts, key=lambda key: (order.get(key[0], 99), key[1])):
        counter = counts[(fee_type, currency)]
        rows.append(
            [
                str(FeeType(fee_type).label),
                currency,
                counter[PaymentMethod.WAIVER],
                counter[PaymentMethod.SCHOLARSHIP],
                amounts[(fee_type, currency)],
            ]
        )
    granted = sum(row[2] + row[3] for row in rows)
    return ReportData(
        columns=[_("Fee"), _("Currency"), _("Waivers"), _("Scholarships"), _("Amount waived")],
        rows=rows,
        labels=[f"{row[0]} ({row[1]})" for row in rows],
        series=[
            Series(_("Waivers"), [row[2] for row in rows]),
            Series(_("Scholarships"), [row[3] for row in rows]),
        ],
        summary=ngettext(
            "%(count)d waiver or scholarship granted.",
            "%(count)d waivers and scholarships granted.",
            granted,
        )
        % {"count": granted},
    )
