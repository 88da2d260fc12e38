"""Where an application's references stand: which ratings count (valid, counted, of the kind
a requirement asks for), what each requirement still waits for, and the rows of the references
page. Reads only; the invitations and ratings are written by ``portfolios.references``."""

import calendar
import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from competencies.enums import ReferenceKind, RequirementKind
from competencies.models import Requirement
from endorsement.models import Application
from portfolios.enums import ReferenceStatus
from portfolios.models import Reference

# Statuses whose link can still be used (the others have used it up or retired it).
OPEN_STATUSES = {ReferenceStatus.INVITED, ReferenceStatus.EXPIRED}
RATED_STATUSES = {ReferenceStatus.COMPLETED, ReferenceStatus.NOT_COUNTED}


# Short names of the reference kinds in the summary ("…, supervisor pending").
KIND_SHORT = {
    ReferenceKind.CURRENT_SUPERVISOR: gettext_lazy("supervisor"),
    ReferenceKind.RSC_PROVIDER: gettext_lazy("RS/C provider"),
    ReferenceKind.RSC_RECIPIENT: gettext_lazy("RS/C recipient"),
}

# Names of the reference kinds at the start of a requirement's message.
KIND_LABEL = {
    ReferenceKind.CURRENT_SUPERVISOR: gettext_lazy("Current supervisor"),
    ReferenceKind.RSC_PROVIDER: gettext_lazy("RS/C provider"),
    ReferenceKind.RSC_RECIPIENT: gettext_lazy("Someone who receives RS/C from you"),
    ReferenceKind.ANY: gettext_lazy("Anyone who knows your work"),
}

# --- validity -----------------------------------------------------------------------------------


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, _month_days(year, month)))


def _month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def rating_valid_until(*, reference: Reference, application: Application):
    if reference.completed_at is None:
        return None
    return add_months(reference.completed_at, application.framework.reference_valid_months)


def rating_is_valid(*, reference: Reference, application: Application, now=None) -> bool:
    """A completed (counted) rating, still inside its validity."""
    if reference.status != ReferenceStatus.COMPLETED or reference.deleted_at is not None:
        return False
    return (now or timezone.now()) < rating_valid_until(
        reference=reference, application=application
    )


def local_date(moment: datetime.datetime, application: Application) -> str:
    """The day of ``moment`` in the application's association, written out."""
    zone = zoneinfo.ZoneInfo(application.association.time_zone)
    return date_format(timezone.localtime(moment, zone).date(), "DATE_FORMAT")


# --- the state of the references ------------------------------------------------------------------


@dataclass
class ReferenceResult:
    """One rating needed (one REFERENCE requirement row) and what fills it."""

    kind: str
    requirement: Requirement | None
    reference: Reference | None = None  # the valid counted rating that fills it
    waiting: Reference | None = None  # otherwise: the invitation (or failed rating) for it
    messages: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.reference is not None

    @property
    def label(self) -> str:
        return str(KIND_LABEL[self.kind])


@dataclass
class ReferencesStatus:
    """Per rating needed, whether a valid counted rating fills it; iterable over the results
    (each with .requirement, .met and .messages, like the RS/C results)."""

    results: list[ReferenceResult]
    summary: str
    counted: list[Reference]

    def __iter__(self):
        return iter(self.results)

    def __len__(self):
        return len(self.results)

    @property
    def needed(self) -> int:
        return len(self.results)

    @property
    def received(self) -> int:
        return sum(1 for result in self.results if result.met)

    @property
    def met(self) -> bool:
        return all(result.met for result in self.results)

    @property
    def open(self) -> int:
        """Ratings needed that no rating fills and no invitation waits for."""
        return sum(1 for result in self.results if result.reference is None and not result.waiting)

    @property
    def pending_kinds(self) -> list[str]:
        return [result.kind for result in self.results if not result.met]


def _and_join(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def _summary(results: list[ReferenceResult]) -> str:
    received = sum(1 for r in results if r.met)
    pending = [str(KIND_SHORT[r.kind]) for r in results if not r.met and r.kind in KIND_SHORT]
    others = sum(1 for r in results if not r.met and r.kind not in KIND_SHORT)
    if others:
        pending.append(ngettext("%(n)s other", "%(n)s others", others) % {"n": others})
    values = {"received": received, "needed": len(results)}
    if not pending:
        return _("references: %(received)s of %(needed)s received") % values
    return _("references: %(received)s of %(needed)s received, %(pending)s pending") % {
        **values,
        "pending": _and_join(pending),
    }


def _result_message(result: ReferenceResult, application: Application, now) -> str:
    label = KIND_LABEL[result.kind]
    reference = result.reference
    if reference is not None:
        return _("%(kind)s: rating from %(name)s received on %(date)s, valid until %(until)s.") % {
            "kind": label,
            "name": reference.rater_name,
            "date": local_date(reference.completed_at, application),
            "until": local_date(
                rating_valid_until(reference=reference, application=application), application
            ),
        }
    waiting = result.waiting
    if waiting is None:
        return _("%(kind)s: nobody asked yet.") % {"kind": label}
    values = {"kind": label, "name": waiting.rater_name}
    if waiting.status == ReferenceStatus.NOT_COUNTED:
        return (
            _(
                "%(kind)s: the rating from %(name)s has too many “not enough information” "
                "answers and does not count. Ask someone else."
            )
            % values
        )
    if waiting.status == ReferenceStatus.COMPLETED:
        return _("%(kind)s: the rating from %(name)s is more than %(months)s months old.") % {
            **values,
            "months": application.framework.reference_valid_months,
        }
    if waiting.status == ReferenceStatus.EXPIRED or waiting.token_expires <= now:
        return _("%(kind)s: the link sent to %(name)s has expired. Send a new one.") % values
    return _("%(kind)s: waiting for %(name)s (asked on %(date)s).") % {
        **values,
        "date": local_date(waiting.sent_at or waiting.created, application),
    }


def reference_requirements(*, application: Application) -> list[Requirement]:
    """The category's REFERENCE rows (uses prefetched requirements when there are some)."""
    return [
        r for r in application.category.requirements.all() if r.kind == RequirementKind.REFERENCE
    ]


def references_status(
    *,
    application: Application,
    references: list[Reference] | None = None,
    now: datetime.datetime | None = None,
) -> ReferencesStatus:
    """Which ratings the category needs and which valid counted ratings fill them.

    ``references`` are the application's live references when the caller has them already;
    otherwise they are read (1 query, plus 1 for the requirement rows unless prefetched).
    """
    now = now or timezone.now()
    if references is None:
        references = list(Reference.objects.filter(application=application).live())
    rows = reference_requirements(application=application)
    results = [
        ReferenceResult(kind=row.reference_kind or ReferenceKind.ANY, requirement=row)
        for row in rows
    ] or [
        ReferenceResult(kind=ReferenceKind.ANY, requirement=None)
        for _n in range(application.framework.reference_count)
    ]
    active = [
        r for r in references if r.deleted_at is None and r.status != ReferenceStatus.REPLACED
    ]
    counted = sorted(
        (r for r in active if rating_is_valid(reference=r, application=application, now=now)),
        key=lambda r: r.completed_at,
        reverse=True,
    )
    others = [r for r in active if r not in counted]
    available = list(counted)

    def take(pool: list[Reference], kind: str) -> Reference | None:
        for reference in pool:
            if kind == ReferenceKind.ANY or reference.relationship == kind:
                pool.remove(reference)
                return reference
        return None

    specific = [r for r in results if r.kind != ReferenceKind.ANY]
    for result in specific + [r for r in results if r.kind == ReferenceKind.ANY]:
        result.reference = take(available, result.kind)
    for result in specific + [r for r in results if r.kind == ReferenceKind.ANY]:
        if result.reference is None:
            result.waiting = take(others, result.kind)
        result.messages = [_result_message(result, application, now)]
    return ReferencesStatus(results=results, summary=_summary(results), counted=counted)


# --- the applicant's list -----------------------------------------------------------------------


@dataclass
class ReferenceRow:
    reference: Reference
    status: str
    valid_until: datetime.datetime | None
    can_resend: bool
    can_replace: bool
    can_withdraw: bool
    can_read: bool


def reference_row(
    *, reference: Reference, application: Application, can_edit: bool, user, now=None
) -> ReferenceRow:
    """A reference as the references page lists it: the status in words and what can be done."""
    now = now or timezone.now()
    status = reference.get_status_display()
    valid_until = rating_valid_until(reference=reference, application=application)
    if reference.status == ReferenceStatus.INVITED and reference.token_expires <= now:
        status = _("Link expired: send a new one")
    elif reference.status == ReferenceStatus.COMPLETED and valid_until <= now:
        status = _("Rating more than %(months)s months old: no longer valid") % {
            "months": application.framework.reference_valid_months
        }
    is_open = reference.status in OPEN_STATUSES
    rated = reference.status in RATED_STATUSES
    hidden = reference.applicant_waived_right_to_see and user.pk == application.applicant_id
    return ReferenceRow(
        reference=reference,
        status=status,
        valid_until=valid_until if reference.status == ReferenceStatus.COMPLETED else None,
        can_resend=can_edit and is_open,
        can_replace=can_edit and reference.status != ReferenceStatus.REPLACED,
        can_withdraw=can_edit and is_open,
        can_read=rated and not hidden,
    )
