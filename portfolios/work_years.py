"""Qualifying years of work: how much of a portfolio's work experience a requirement counts.

Used by the work page and by the requirement check, for a category's work requirements and for
the work alternative of an education requirement (IFA: "or 2 years of related work").

The rules (also shown on the work page, see ``RULES``):

1. **Which work counts.** An entry counts when its kind of work is the kind the requirement asks
   for. A requirement for "work related to infants, young children and families" accepts every
   kind of work (each kind is such work). A requirement for *paid* work (``paid_*`` kinds) only
   counts entries marked as paid; a requirement for *dyadic* work (``postgrad_dyadic*`` kinds)
   only counts entries marked as dyadic. Work starting after today does not count.
2. **Length.** From the first to the last day, both included; ongoing work (no end date) counts
   up to today. Years are days ÷ 365.25 (so leap years weigh the same as others), rounded to
   two decimals: 1 Jan 2022 – 30 Jun 2024 is 912 days = 2.50 years.
3. **Part time.** A week of ``FULL_TIME_HOURS`` (35) hours or more is full time; fewer hours
   count in proportion: 2.50 years × 30/35 = 2.14 years. Each entry's result is rounded to two
   decimals and shown as one line of arithmetic.
4. **Overlaps.** Time is never counted twice. On days covered by more than one entry, their
   hours a week are added up to full time (35): two 20-hour jobs at once count as one full-time
   job, two full-time jobs at once as one. What the lines counted beyond that is taken off in
   one more line ("worked in more than one job at once: − 0.50 years"), so the lines always
   add up to the total.
5. **Met** when the total is at least the years the requirement gives.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from competencies.enums import RequirementKind, WorkKind
from competencies.models import Requirement
from endorsement.models import Application
from portfolios.models import WorkExperience

# Hours a week from which a week counts as full time.
FULL_TIME_HOURS = Decimal(35)
DAYS_PER_YEAR = Decimal("365.25")
_CENT = Decimal("0.01")

PAID_KINDS = {WorkKind.PAID_INFANT_FAMILY, WorkKind.PAID_EARLY_CHILDHOOD}
DYADIC_KINDS = {WorkKind.POSTGRAD_DYADIC, WorkKind.POSTGRAD_DYADIC_EARLY_CHILDHOOD}

# The rules in plain words, for the work page.
RULES = [
    gettext_lazy(
        "Only work of the kind the requirement asks for counts. Paid work must be marked as "
        "paid; dyadic work as dyadic. Any kind of work counts as related work."
    ),
    gettext_lazy(
        "Each period counts from its first to its last day; work you still do counts up to "
        "today. A year is 365.25 days."
    ),
    gettext_lazy(
        "A week of 35 hours or more is full time; fewer hours count in proportion, e.g. 30 "
        "hours a week for 2 years counts as 2 × 30/35 = 1.71 years."
    ),
    gettext_lazy(
        "Time is never counted twice: when jobs overlap, their hours a week are added up to "
        "full time for the days they overlap."
    ),
]


@dataclass
class WorkYears:
    """The result for one requirement. ``lines`` is the arithmetic, one string per line."""

    requirement: Requirement
    years: Decimal
    needed: Decimal
    met: bool
    lines: list[str] = field(default_factory=list)
    not_counted: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """E.g. "Qualifying years: 2.14 of 2 needed — met"."""
        values = {"years": _number(self.years, 2), "needed": _number(self.needed)}
        if self.met:
            return _("Qualifying years: %(years)s of %(needed)s needed — met") % values
        return _("Qualifying years: %(years)s of %(needed)s needed — not met yet") % values


def _round(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _number(value: Decimal, places: int | None = None) -> str:
    """Years with ``places=2`` (2.50); otherwise as short as exact (30 hours, 2 years, 22.5)."""
    if places is None:
        value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return number_format(value, places)


def _day(value: datetime.date) -> str:
    return date_format(value, "j M Y")


def _label(entry: WorkExperience) -> str:
    return f"{entry.employer}, {entry.role}"


def counts_for(entry: WorkExperience, work_kind: str) -> tuple[bool, str]:
    """Whether the entry's kind of work counts for a requirement of ``work_kind``, and if not,
    why (a sentence for the applicant)."""
    if work_kind and work_kind != WorkKind.RELATED and entry.work_kind != work_kind:
        return False, _("it is %(kind)s; this requirement asks for %(wanted)s") % {
            "kind": entry.get_work_kind_display(),
            "wanted": WorkKind(work_kind).label,
        }
    if work_kind in PAID_KINDS and not entry.is_paid:
        return False, _("it is not marked as paid work")
    if work_kind in DYADIC_KINDS and not entry.is_dyadic:
        return False, _("it is not marked as dyadic work")
    return True, ""


def _full_time_fraction(hours: Decimal) -> Decimal:
    return min(hours, FULL_TIME_HOURS) / FULL_TIME_HOURS


def qualifying_work(
    *,
    application: Application,
    requirement: Requirement,
    entries: list[WorkExperience] | None = None,
    today: datetime.date | None = None,
) -> WorkYears:
    """The qualifying full-time-equivalent years for ``requirement`` (a WORK requirement, or an
    EDUCATION requirement with a work alternative: its ``min_years`` and ``work_kind``).

    ``entries``: the portfolio's live work entries when the caller already has them (no query
    then); otherwise they are read (1 query). ``today`` defaults to the association's today.
    """
    if entries is None:
        entries = list(WorkExperience.objects.filter(application=application).live())
    if today is None:
        today = application.association.today()
    needed = requirement.min_years or Decimal(0)

    lines: list[str] = []
    not_counted: list[str] = []
    counted: list[tuple[datetime.date, datetime.date, Decimal]] = []
    total = Decimal(0)
    for entry in sorted(entries, key=lambda e: (e.start, e.end or today, e.pk or 0)):
        ok, reason = counts_for(entry, requirement.work_kind)
        if ok and entry.start > today:
            ok, reason = False, _("it starts after today")
        if not ok:
            not_counted.append(
                _("%(entry)s: not counted: %(reason)s.")
                % {"entry": _label(entry), "reason": reason}
            )
            continue
        end = min(entry.end, today) if entry.end else today
        days = (end - entry.start).days + 1
        years = _round(days / DAYS_PER_YEAR)
        hours = entry.hours_per_week
        fte = _round(years * _full_time_fraction(hours))
        total += fte
        counted.append((entry.start, end, hours))
        period = {
            "entry": _label(entry),
            "start": _day(entry.start),
            "end": _day(end)
            if entry.end and entry.end <= today
            else _("today (%(date)s)") % {"date": _day(today)},
            "years": _number(years, 2),
            "hours": _number(hours),
            "full": _number(FULL_TIME_HOURS),
            "fte": _number(fte, 2),
        }
        if hours >= FULL_TIME_HOURS:
            lines.append(
                _(
                    "%(entry)s: %(start)s – %(end)s = %(years)s years, full time (%(hours)s "
                    "hours a week; full time is %(full)s) = %(fte)s years"
                )
                % period
            )
        else:
            lines.append(
                _(
                    "%(entry)s: %(start)s – %(end)s = %(years)s years × %(hours)s/%(full)s hours "
                    "a week (full time is %(full)s) = %(fte)s years"
                )
                % period
            )

    excess = _round(_overlap_excess_days(counted) / DAYS_PER_YEAR)
    if excess:
        total -= excess
        lines.append(
            _(
                "Worked in more than one job at once: hours a week count together only up to "
                "full time, so − %(years)s years"
            )
            % {"years": _number(excess, 2)}
        )
    total = max(total, Decimal(0)).quantize(_CENT)
    if len(lines) > 1:
        lines.append(_("Total: %(years)s years") % {"years": _number(total, 2)})
    return WorkYears(
        requirement=requirement,
        years=total,
        needed=needed,
        met=total >= needed,
        lines=lines,
        not_counted=not_counted,
    )


def _overlap_excess_days(periods: list[tuple[datetime.date, datetime.date, Decimal]]) -> Decimal:
    """Full-time days the entries counted beyond full time on days they overlap.

    Sweeps the periods' boundaries: between two boundaries the same entries are active; what
    they count separately (each capped at full time) beyond what they count together (their
    hours added, capped at full time) is the excess.
    """
    if len(periods) < 2:
        return Decimal(0)
    events: dict[datetime.date, list[tuple[int, Decimal]]] = {}
    for start, end, hours in periods:
        events.setdefault(start, []).append((1, hours))
        events.setdefault(end + datetime.timedelta(days=1), []).append((-1, hours))
    boundaries = sorted(events)
    active: list[Decimal] = []  # hours a week of the entries active between two boundaries
    excess = Decimal(0)
    for here, following in zip(boundaries, boundaries[1:], strict=False):
        for sign, hours in events[here]:
            if sign > 0:
                active.append(hours)
            else:
                active.remove(hours)
        if len(active) > 1:
            separately = sum(_full_time_fraction(h) for h in active)
            together = _full_time_fraction(sum(active))
            excess += (separately - together) * (following - here).days
    return excess


def work_requirements(requirements) -> list[Requirement]:
    """The requirements qualifying work is computed for: WORK rows, and EDUCATION rows with a
    work alternative (years given)."""
    return [
        r
        for r in requirements
        if r.kind == RequirementKind.WORK or (r.kind == RequirementKind.EDUCATION and r.min_years)
    ]
