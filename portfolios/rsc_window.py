"""Which reflective supervision/consultation (RS/C) hours count toward a category's requirement.

A category's RS/C requirement rows (``Requirement`` of kind ``rsc``) say how many hours are needed
(``min_hours``), within how many months they must have been received (``window_max_months``),
over how many months at least they must be spread (``window_min_months``) and, with the topic
``about_rsc_provided``, that they must be about the RS/C the applicant provides.

The rules, in plain words:

* The window is made of whole calendar months: the ``window_max_months`` months ending with the
  month of the latest entry's end date (today's month when there is no entry). With 24 months
  and a latest entry ending in February 2026, the window runs from 1 March 2024.
* An entry ending before the window does not count. An entry that started before the window
  and ended inside it counts in proportion to its days inside the window (rounded down to a
  tenth of an hour): its hours are taken as spread evenly between its dates.
* The hours are "spread over" the calendar months from the first counted entry's start (or the
  window's start) to the last counted entry's end, both months included.
* A row with a topic and no window of its own (e.g. "of those, 25 about the RS/C you provide")
  uses the window of the category's main RS/C row: "of those" hours.

:func:`rsc_status` gives one :class:`RSCResult` per requirement row, with plain messages such as
"18 of 24 hours within 24 months".
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from competencies.enums import RequirementKind, RSCTopic
from competencies.models import Requirement
from endorsement.models import Application
from portfolios.models import RSCEntry

TENTH = Decimal("0.1")


@dataclass
class CountedEntry:
    """One RS/C entry and the part of its hours that counts toward a requirement."""

    entry: RSCEntry
    hours: Decimal

    @property
    def is_partial(self) -> bool:
        return Decimal(0) < self.hours < self.entry.hours


@dataclass
class RSCResult:
    requirement: Requirement
    hours: Decimal
    needed: Decimal
    met: bool
    messages: list[str] = field(default_factory=list)
    window_start: datetime.date | None = None
    window_end: datetime.date | None = None
    span_months: int | None = None
    entries: list[CountedEntry] = field(default_factory=list)

    @property
    def is_optional(self) -> bool:
        return self.requirement.is_optional


def format_hours(value: Decimal) -> str:
    """18 rather than 18.0; 7.5 stays 7.5 (localized: 7,5 in Spanish)."""
    value = Decimal(value)
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return number_format(value)


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_spanned(first: datetime.date, last: datetime.date) -> int:
    """Calendar months from first to last, both included: January to August is 8."""
    return _month_index(last) - _month_index(first) + 1


def window_start(*, end: datetime.date, months: int) -> datetime.date:
    """First day of the window of ``months`` calendar months ending with ``end``'s month."""
    return _month_start(_month_index(end) - months + 1)


def counted_hours(entry: RSCEntry, start: datetime.date | None) -> Decimal:
    """The entry's hours received on or after ``start`` (all of them when start is None)."""
    if start is None or entry.start >= start:
        return entry.hours
    if entry.end < start:
        return Decimal(0)
    days_total = (entry.end - entry.start).days + 1
    days_inside = (entry.end - start).days + 1
    return (entry.hours * days_inside / days_total).quantize(TENTH, rounding=ROUND_DOWN)


def _main_row(requirements: list[Requirement]) -> Requirement | None:
    for requirement in requirements:
        if requirement.topic != RSCTopic.ABOUT_RSC_PROVIDED:
            return requirement
    return None


def rsc_evaluate(
    *,
    requirements: list[Requirement],
    entries: list[RSCEntry],
    today: datetime.date | None = None,
) -> list[RSCResult]:
    """Judge live RS/C entries against a category's RS/C requirement rows. No queries."""
    today = today or timezone.localdate()
    requirements = [r for r in requirements if r.kind == RequirementKind.RSC]
    main = _main_row(requirements)
    latest_end = max((entry.end for entry in entries), default=today)
    results = []
    for requirement in requirements:
        max_months = requirement.window_max_months
        if not max_months and requirement.topic and main is not None:
            max_months = main.window_max_months
        results.append(
            _evaluate_one(
                requirement=requirement,
                entries=entries,
                max_months=max_months,
                min_months=requirement.window_min_months,
                latest_end=latest_end,
            )
        )
    return results


def _evaluate_one(*, requirement, entries, max_months, min_months, latest_end) -> RSCResult:
    about_provided = requirement.topic == RSCTopic.ABOUT_RSC_PROVIDED
    if about_provided:
        entries = [entry for entry in entries if entry.about_rsc_provided]
    start = window_start(end=latest_end, months=max_months) if max_months else None
    counted = [CountedEntry(entry=entry, hours=counted_hours(entry, start)) for entry in entries]
    hours = sum((c.hours for c in counted), Decimal(0))
    excluded = sum((c.entry.hours - c.hours for c in counted), Decimal(0))
    needed = requirement.min_hours or Decimal(0)

    inside = [c for c in counted if c.hours > 0]
    span = None
    if inside:
        first = min(c.entry.start for c in inside)
        if start is not None:
            first = max(first, start)
        span = months_spanned(first, max(c.entry.end for c in inside))

    spread_ok = not min_months or (span or 0) >= min_months
    met = requirement.is_optional or (hours >= needed and spread_ok)

    messages = [_hours_message(requirement, hours, needed, max_months, about_provided)]
    if min_months and inside and not spread_ok:
        messages.append(
            _("Your hours span %(span)s; they must be spread over at least %(min)s months")
            % {
                "span": ngettext("%(n)s month", "%(n)s months", span) % {"n": span},
                "min": min_months,
            }
        )
    if excluded > 0:
        messages.append(
            _("Hours before %(month)s fall outside the %(months)s-month window and do not count")
            % {"month": date_format(start, "F Y"), "months": max_months}
        )
    return RSCResult(
        requirement=requirement,
        hours=hours,
        needed=needed,
        met=met,
        messages=messages,
        window_start=start,
        window_end=latest_end if start else None,
        span_months=span,
        entries=counted,
    )


def _hours_message(requirement, hours, needed, max_months, about_provided) -> str:
    values = {"hours": format_hours(hours), "needed": format_hours(needed), "months": max_months}
    if not needed:
        return _("%(hours)s hours received (optional)") % values
    if about_provided and max_months:
        text = _(
            "%(hours)s of %(needed)s hours about the RS/C you provide within %(months)s months"
        )
    elif about_provided:
        text = _("%(hours)s of %(needed)s hours about the RS/C you provide")
    elif max_months:
        text = _("%(hours)s of %(needed)s hours within %(months)s months")
    else:
        text = _("%(hours)s of %(needed)s hours")
    text = text % values
    if requirement.is_optional:
        text = _("Optional: %(requirement)s") % {"requirement": text}
    return text


def rsc_requirements(*, application: Application) -> list[Requirement]:
    return list(
        Requirement.objects.filter(
            category_id=application.category_id, kind=RequirementKind.RSC
        ).order_by("order", "id")
    )


def rsc_entries(*, application: Application) -> list[RSCEntry]:
    return list(RSCEntry.objects.filter(application=application).live())


def rsc_status(*, application: Application, today: datetime.date | None = None) -> list[RSCResult]:
    """Each RS/C requirement row of the application's category, judged live (2 queries).

    Each result has ``.requirement``, ``.hours`` (that count), ``.needed``, ``.met`` and
    ``.messages`` (plain sentences); also the window and the hours counted per entry.
    """
    return rsc_evaluate(
        requirements=rsc_requirements(application=application),
        entries=rsc_entries(application=application),
        today=today,
    )
