"""A year's renewal of an endorsement: the hours, the checklist, submitting and the decision.

The ``Renewal`` row lives in ``endorsement`` (below this app); the hours the holder enters for it
are ``Training`` and ``RSCEntry`` rows of the awarded application with ``renewal`` set, entered
with the portfolio's forms, so they never count toward the portfolio (``EvidenceQuerySet.live``
leaves them out) and the portfolio's own queries need no change.

The requirements are data: the category's ``renewal_training`` and ``renewal_rsc`` rows (15
hours, at least 1 on diversity, equity and inclusion; 12 RS/C hours for IFS, IMHS and
IMHM-Clinical; 3 hours about providing RS/C where the category provides it). Beside them:
a current membership, the Code of Ethics signed again for the year and what later apps add to
the checklist (``register_renewal_check``: billing adds the renewal fee and, from 1 January,
the late fee). The hours count when dated within the renewal year: the calendar year of the
endorsement's ``valid_through``. ``Renewal.year`` is the year the renewal keeps it valid through.

Submitting needs every line met; a submitted renewal waits for a coordinator, or is approved by
the portal at once when the association approves complete renewals automatically (a random
``audit_percent`` of those is set aside for the coordinator to audit). Approval takes the
endorsement's ``renew`` step through its one writer: it is valid a year longer.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.rules import is_coordinator_of
from accounts.selectors import current_membership
from competencies.enums import RequirementKind, TrainingTopic
from competencies.selectors import requirements_of_kind
from endorsement.emails import application_email_on_commit, register_emails
from endorsement.enums import EndorsementStatus, RenewalState
from endorsement.lifecycle import (
    endorsement_renewal_dates,
    endorsement_transition,
    register_condition,
    renewal_policy,
)
from endorsement.models import Endorsement, Renewal
from portfolios.enums import AgreementKind
from portfolios.models import AgreementText, FormDraft, RSCEntry, Training
from portfolios.requirements import _of_hours, training_hours

# Hours about providing RS/C asked of a holder who says they provide RS/C, when their category
# has no such renewal row of its own (framework-facts.yaml: renewal.training_hours.
# rsc_providers_about_rsc_min). Categories that provide RS/C by definition (IFRS, IMHM-C) carry
# it as a ``renewal_training`` row with topic "rsc", which wins.
RSC_PROVIDER_ABOUT_RSC_HOURS = Decimal(3)

# States in which the holder may change the renewal.
EDITABLE_STATES = (RenewalState.DRAFT, RenewalState.RETURNED)

# Lines later apps add to the checklist: ``fn(renewal, endorsement, today) -> [RenewalItem]``.
RENEWAL_CHECKS: list[Callable] = []
# Called when a renewal is opened (first and later visits): ``fn(renewal, endorsement, today,
# by)``; billing issues the renewal fee and, from 1 January, the late fee. Must be idempotent.
ON_RENEWAL_OPEN: list[Callable] = []


def register_renewal_check(function):
    if function not in RENEWAL_CHECKS:
        RENEWAL_CHECKS.append(function)
    return function


def register_on_renewal_open(function):
    if function not in ON_RENEWAL_OPEN:
        ON_RENEWAL_OPEN.append(function)
    return function


class RenewalRefused(Exception):
    """The renewal step was not taken; the message is a sentence for the person."""


register_emails(
    folder="portfolios/emails",
    emails={
        "renewal_approved": gettext_lazy("Renewal approved (to the holder)"),
        "renewal_returned": gettext_lazy("Renewal returned for changes (to the holder)"),
    },
    values={
        key: {
            "recipient": gettext_lazy("the name of the person the e-mail goes to"),
            "association": gettext_lazy("your association's name"),
            "contact_email": gettext_lazy("your association's contact e-mail"),
            "category": gettext_lazy(
                "the endorsement category, e.g. Infant Family Specialist (IFS)"
            ),
            "number": gettext_lazy("the endorsement number"),
            "year": gettext_lazy("the year the renewal is for"),
            "date": gettext_lazy("the date the endorsement is now valid through"),
            "note": gettext_lazy("the coordinator's note"),
            "url": gettext_lazy("the link to the renewal page"),
        }
        for key in ("renewal_approved", "renewal_returned")
    },
)


# --- Reads -----------------------------------------------------------------------------------


@dataclass
class RenewalItem:
    """One line of the renewal checklist."""

    key: str
    label: str  # what is asked, short: "Training", "DEI training", "Fee"
    met: bool
    detail: str  # where the holder stands, with the numbers
    link: str = ""
    link_label: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class RenewalCheck:
    renewal: Renewal
    items: list[RenewalItem]

    @property
    def complete(self) -> bool:
        return all(item.met for item in self.items)

    @property
    def missing(self) -> list[RenewalItem]:
        return [item for item in self.items if not item.met]


def hours_year(endorsement: Endorsement) -> int:
    """The calendar year the renewal's hours must be dated in."""
    return endorsement.valid_through.year


def renewal_year(endorsement: Endorsement) -> int:
    """The year a renewal keeps the endorsement valid through (``Renewal.year``)."""
    return endorsement.valid_through.year + 1


def renewal_may_open(endorsement: Endorsement, today: datetime.date | None = None) -> bool:
    """Renewal is due, or the endorsement is active and its association's opening date came."""
    today = today or endorsement.association.today()
    if endorsement.status == EndorsementStatus.RENEWAL_DUE:
        return True
    return (
        endorsement.status == EndorsementStatus.ACTIVE
        and today >= endorsement_renewal_dates(endorsement).opens
    )


def renewal_current(endorsement: Endorsement) -> Renewal | None:
    """This year's renewal of the endorsement, if started."""
    return Renewal.objects.filter(endorsement=endorsement, year=renewal_year(endorsement)).first()


def renewal_history(*, endorsement: Endorsement) -> list[Renewal]:
    """Every year's renewal of the endorsement, latest first, with who decided."""
    return list(
        Renewal.objects.filter(endorsement=endorsement)
        .select_related("decided_by")
        .order_by("-year")
    )


def renewal_trainings(renewal: Renewal) -> list[Training]:
    return list(
        Training.objects.renewal_live(renewal)
        .select_related("certificate")
        .prefetch_related("competencies")
        .order_by("-date", "-id")
    )


def renewal_rsc_entries(renewal: Renewal) -> list[RSCEntry]:
    return list(RSCEntry.objects.renewal_live(renewal).order_by("-start", "-id"))


def renewal_by_id(pk: int) -> Renewal | None:
    return (
        Renewal.objects.select_related(
            "endorsement__association",
            "endorsement__holder",
            "endorsement__category",
            "endorsement__application",
            "decided_by",
        )
        .filter(pk=pk)
        .first()
    )


_TRAINING_LABELS = {
    TrainingTopic.ANY: gettext_lazy("Training"),
    TrainingTopic.DEI: gettext_lazy("DEI training"),
    TrainingTopic.RSC: gettext_lazy("Training about providing RS/C"),
    TrainingTopic.IMH: gettext_lazy("Infant mental health training"),
}


def renewal_check(
    *,
    renewal: Renewal,
    trainings: list[Training] | None = None,
    rsc_entries: list[RSCEntry] | None = None,
    today: datetime.date | None = None,
) -> RenewalCheck:
    """The checklist with its numbers ("Training: 9 of 15 hours")."""
    endorsement = renewal.endorsement
    category = endorsement.category
    today = today or endorsement.association.today()
    trainings = renewal_trainings(renewal) if trainings is None else trainings
    rsc_entries = renewal_rsc_entries(renewal) if rsc_entries is None else rsc_entries
    items: list[RenewalItem] = []
    rows = requirements_of_kind(category, RequirementKind.RENEWAL_TRAINING)
    topics = {row.topic for row in rows}
    wanted = [(row.topic or TrainingTopic.ANY, row.min_hours or Decimal(0)) for row in rows]
    if renewal.provides_rsc and TrainingTopic.RSC not in topics:
        wanted.append((TrainingTopic.RSC, RSC_PROVIDER_ABOUT_RSC_HOURS))
    for topic, needed in wanted:
        have = training_hours(trainings, topic)
        items.append(
            RenewalItem(
                key=f"training-{topic or 'total'}",
                label=str(_TRAINING_LABELS.get(topic, _TRAINING_LABELS[TrainingTopic.ANY])),
                met=have >= needed,
                detail=_of_hours(have, needed),
            )
        )
    for row in requirements_of_kind(category, RequirementKind.RENEWAL_RSC):
        if not row.min_hours:
            continue
        if row.topic:
            have = sum((e.hours for e in rsc_entries if e.about_rsc_provided), Decimal(0))
        else:
            have = sum((e.hours for e in rsc_entries), Decimal(0))
        items.append(
            RenewalItem(
                key=f"rsc-{row.topic or 'total'}",
                label=_("RS/C received"),
                met=have >= row.min_hours,
                detail=_of_hours(have, row.min_hours),
                notes=[row.note] if row.note else [],
            )
        )
    association = endorsement.association
    membership = current_membership(user=endorsement.holder, association=association, on=today)
    items.append(
        RenewalItem(
            key="membership",
            label=_("Membership"),
            met=membership is not None,
            detail=(
                _("Current until %(date)s.") % {"date": date_format(membership.end, "DATE_FORMAT")}
                if membership is not None
                else _("Not current: renew your membership of %(association)s.")
                % {"association": association.name}
            ),
            link=""
            if membership is not None
            else reverse("billing:membership", kwargs={"slug": association.slug}),
            link_label=_("Renew your membership"),
        )
    )
    items.append(
        RenewalItem(
            key="ethics",
            label=_("Code of Ethics"),
            met=renewal.ethics_signed_at is not None,
            detail=(
                _("Signed on %(date)s.")
                % {"date": date_format(timezone.localtime(renewal.ethics_signed_at), "DATE_FORMAT")}
                if renewal.ethics_signed_at
                else _("Not signed for this year yet.")
            ),
        )
    )
    for function in RENEWAL_CHECKS:
        items.extend(function(renewal, endorsement, today))
    return RenewalCheck(renewal=renewal, items=items)


def code_of_ethics(*, association, language: str = "") -> AgreementText | None:
    """The Code of Ethics in force today, in ``language`` when there is one."""
    texts = list(
        AgreementText.objects.filter(
            association=association,
            kind=AgreementKind.CODE_OF_ETHICS,
            effective_from__lte=association.today(),
        ).order_by("-effective_from")
    )
    if not texts:
        return None
    latest = texts[0].version
    versions = [text for text in texts if text.version == latest]
    return next((t for t in versions if t.language == language), versions[0])


def association_renewals(*, association, year: int | None = None) -> dict[str, list[Renewal]]:
    """The association's renewals sent in (1 query): waiting for approval, approved
    automatically and set aside for audit (not audited yet), and the others decided."""
    rows = list(
        Renewal.objects.filter(endorsement__association=association)
        .exclude(state=RenewalState.DRAFT)
        .select_related("endorsement__holder", "endorsement__category", "decided_by")
        .order_by("submitted_at", "id")
    )
    if year is not None:
        rows = [row for row in rows if row.year == year]
    return {
        "waiting": [row for row in rows if row.state == RenewalState.SUBMITTED],
        "audit": [
            row
            for row in rows
            if row.state == RenewalState.APPROVED and row.audit_selected and not row.audited_at
        ],
        "decided": [
            row
            for row in rows
            if row.state in (RenewalState.APPROVED, RenewalState.RETURNED)
            and not (row.audit_selected and not row.audited_at)
        ][::-1],
    }


# --- Writes ----------------------------------------------------------------------------------


def _locked(renewal: Renewal) -> Renewal:
    return (
        Renewal.objects.select_for_update(of=("self",))
        .select_related(
            "endorsement__association",
            "endorsement__holder",
            "endorsement__category",
            "endorsement__application",
        )
        .get(pk=renewal.pk)
    )


@transaction.atomic
def renewal_open(*, endorsement: Endorsement, by, today: datetime.date | None = None) -> Renewal:
    """This year's renewal of the endorsement, started now if it was not; what later apps do
    when a renewal opens (the fees falling due) runs each time, and changes nothing twice."""
    today = today or endorsement.association.today()
    renewal = renewal_current(endorsement)
    if renewal is None:
        if not renewal_may_open(endorsement, today):
            raise RenewalRefused(
                _("This endorsement cannot be renewed now (status: %(status)s).")
                % {"status": EndorsementStatus(endorsement.status).label.lower()}
            )
        renewal, _created = Renewal.objects.get_or_create(
            endorsement=endorsement, year=renewal_year(endorsement)
        )
    if renewal.state in EDITABLE_STATES or renewal.state == RenewalState.SUBMITTED:
        for function in ON_RENEWAL_OPEN:
            function(renewal, endorsement, today, by)
    return renewal


def renewal_assert_editable(renewal: Renewal) -> None:
    if renewal.state not in EDITABLE_STATES:
        raise RenewalRefused(
            _("Your renewal is %(state)s: it cannot be changed now.")
            % {"state": RenewalState(renewal.state).label.lower()}
        )


def renewal_date_refusal(endorsement: Endorsement, *dates) -> str:
    """The sentence refusing hours dated outside the renewal year, or ""."""
    year = hours_year(endorsement)
    if any(day is not None and day.year != year for day in dates):
        return _(
            "Only hours from %(year)s count toward this renewal: the date must be between "
            "1 January and 31 December %(year)s."
        ) % {"year": year}
    return ""


def _hours_dates(instance) -> tuple:
    if isinstance(instance, RSCEntry):
        return (instance.start, instance.end)
    return (instance.date,)


@transaction.atomic
def renewal_hours_save(*, renewal: Renewal, instance, by, save_m2m=None, draft_key: str = ""):
    """Create or update a training or an RS/C entry of the renewal (a holder's own, editable
    renewal; dated within the renewal year; hours above zero)."""
    renewal = _locked(renewal)
    renewal_assert_editable(renewal)
    endorsement = renewal.endorsement
    refusal = renewal_date_refusal(endorsement, *_hours_dates(instance))
    if refusal:
        raise RenewalRefused(refusal)
    if instance.hours is None or instance.hours <= 0:
        raise RenewalRefused(_("Enter the hours as a number above zero, e.g. 1.5."))
    if instance.pk is not None and instance.renewal_id != renewal.pk:
        raise RenewalRefused(_("These hours belong to another renewal."))
    instance.application_id = endorsement.application_id
    instance.renewal = renewal
    instance.save()
    if save_m2m is not None:
        save_m2m()
    if draft_key:
        renewal_draft_clear(renewal=renewal, key=draft_key)
    renewal.save(update_fields=["updated"])
    return instance


@transaction.atomic
def renewal_hours_delete(*, renewal: Renewal, instance, by) -> None:
    renewal = _locked(renewal)
    renewal_assert_editable(renewal)
    if instance.renewal_id != renewal.pk:
        raise RenewalRefused(_("These hours belong to another renewal."))
    instance.deleted_at = timezone.now()
    instance.save(update_fields=["deleted_at"])
    renewal.save(update_fields=["updated"])


@transaction.atomic
def renewal_ethics_sign(*, renewal: Renewal, typed_name: str, by) -> Renewal:
    renewal = _locked(renewal)
    renewal_assert_editable(renewal)
    typed_name = " ".join((typed_name or "").split())
    if not typed_name:
        raise RenewalRefused(_("Type your full name to sign."))
    renewal.ethics_signed_at = timezone.now()
    renewal.ethics_signed_name = typed_name
    renewal.save(update_fields=["ethics_signed_at", "ethics_signed_name", "updated"])
    return renewal


@transaction.atomic
def renewal_rsc_provider_set(*, renewal: Renewal, provides: bool, by) -> Renewal:
    renewal = _locked(renewal)
    renewal_assert_editable(renewal)
    renewal.provides_rsc = bool(provides)
    renewal.save(update_fields=["provides_rsc", "updated"])
    return renewal


def renewal_draft_key(renewal: Renewal, key: str) -> str:
    return f"renewal:{renewal.pk}:{key}"


def renewal_draft_save(*, renewal: Renewal, key: str, data: dict) -> None:
    """What the holder typed in a renewal's form, kept until it is saved (autosave)."""
    renewal_assert_editable(renewal)
    FormDraft.objects.update_or_create(
        application_id=renewal.endorsement.application_id,
        key=renewal_draft_key(renewal, key),
        defaults={"data": data},
    )


def renewal_draft_get(*, renewal: Renewal, key: str) -> dict | None:
    draft = FormDraft.objects.filter(
        application_id=renewal.endorsement.application_id, key=renewal_draft_key(renewal, key)
    ).first()
    return draft.data if draft else None


def renewal_draft_clear(*, renewal: Renewal, key: str) -> None:
    FormDraft.objects.filter(
        application_id=renewal.endorsement.application_id, key=renewal_draft_key(renewal, key)
    ).delete()


def _url(renewal: Renewal) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "portfolios:renewal", kwargs={"endorsement_id": renewal.endorsement_id}
    )


def _approve(*, renewal: Renewal, by, note: str = "") -> Renewal:
    """Renew the endorsement (its ``renew`` step, with its conditions) and mark the renewal
    approved; the renewal is locked by the caller."""
    endorsement = renewal.endorsement
    dates = endorsement_renewal_dates(endorsement)
    endorsement = endorsement_transition(
        endorsement=endorsement,
        action="renew",
        by=by,
        note_key="endorsement_renew",
        note_values={"date": dates.next_valid_through},
        valid_through=dates.next_valid_through,
    )
    renewal.state = RenewalState.APPROVED
    renewal.decided_at = timezone.now()
    renewal.decided_by = by
    renewal.decision_note = note
    renewal.save(update_fields=["state", "decided_at", "decided_by", "decision_note", "updated"])
    application_email_on_commit(
        application=endorsement.application,
        key="renewal_approved",
        recipients=[endorsement.holder],
        extra={
            "number": endorsement.number,
            "year": str(renewal.year),
            "date": dates.next_valid_through,
            "note": note,
            "url": _url(renewal),
        },
    )
    return renewal


def _audit_drawn(percent: int) -> bool:
    return random.SystemRandom().randrange(100) < percent


@transaction.atomic
def renewal_submit(*, renewal: Renewal, by, today: datetime.date | None = None) -> Renewal:
    """Send the renewal to the association: refused while a line of the checklist is not met,
    or when it was sent already. Under automatic approval the portal approves it at once and
    draws it for audit with the association's ``audit_percent``."""
    renewal = _locked(renewal)
    if renewal.state == RenewalState.SUBMITTED:
        raise RenewalRefused(
            _("This renewal was already submitted: it is waiting for the association's approval.")
        )
    if renewal.state == RenewalState.APPROVED:
        raise RenewalRefused(_("This renewal was already approved: nothing more to send."))
    endorsement = renewal.endorsement
    if endorsement.status not in (EndorsementStatus.ACTIVE, EndorsementStatus.RENEWAL_DUE):
        raise RenewalRefused(
            _("This endorsement cannot be renewed now (status: %(status)s).")
            % {"status": EndorsementStatus(endorsement.status).label.lower()}
        )
    check = renewal_check(renewal=renewal, today=today)
    if not check.complete:
        raise RenewalRefused(
            _("The renewal is not complete yet: %(missing)s.")
            % {"missing": "; ".join(f"{item.label} ({item.detail})" for item in check.missing)}
        )
    renewal.state = RenewalState.SUBMITTED
    renewal.submitted_at = timezone.now()
    renewal.decision_note = ""
    renewal.save(update_fields=["state", "submitted_at", "decision_note", "updated"])
    policy = renewal_policy(endorsement.association)
    if policy.auto_approve:
        renewal.audit_selected = _audit_drawn(policy.audit_percent)
        renewal.save(update_fields=["audit_selected"])
        _approve(renewal=renewal, by=None)
    return renewal


@transaction.atomic
def renewal_approve(*, renewal: Renewal, by, note: str = "") -> Renewal:
    """The coordinator approves a submitted renewal: the endorsement is renewed (refused with
    the step's sentences, e.g. an unpaid fee)."""
    renewal = _locked(renewal)
    if renewal.state != RenewalState.SUBMITTED:
        raise RenewalRefused(
            _("Only a submitted renewal can be approved; this one is %(state)s.")
            % {"state": RenewalState(renewal.state).label.lower()}
        )
    return _approve(renewal=renewal, by=by, note=(note or "").strip())


@transaction.atomic
def renewal_return(*, renewal: Renewal, by, note: str) -> Renewal:
    """The coordinator returns a submitted renewal to the holder with a note (required)."""
    renewal = _locked(renewal)
    if renewal.state != RenewalState.SUBMITTED:
        raise RenewalRefused(
            _("Only a submitted renewal can be returned; this one is %(state)s.")
            % {"state": RenewalState(renewal.state).label.lower()}
        )
    note = (note or "").strip()
    if not note:
        raise RenewalRefused(_("Say what the holder must change: they read your note."))
    if not is_coordinator_of(by, renewal.endorsement.association):
        raise RenewalRefused(_("You may not take this step on this endorsement."))
    renewal.state = RenewalState.RETURNED
    renewal.decided_at = timezone.now()
    renewal.decided_by = by
    renewal.decision_note = note
    renewal.save(update_fields=["state", "decided_at", "decided_by", "decision_note", "updated"])
    endorsement = renewal.endorsement
    application_email_on_commit(
        application=endorsement.application,
        key="renewal_returned",
        recipients=[endorsement.holder],
        extra={
            "number": endorsement.number,
            "year": str(renewal.year),
            "date": endorsement.valid_through,
            "note": note,
            "url": _url(renewal),
        },
    )
    return renewal


@transaction.atomic
def renewal_audit_mark(*, renewal: Renewal, by) -> Renewal:
    """The coordinator has audited a renewal approved automatically (marking twice keeps the
    first time)."""
    renewal = _locked(renewal)
    if not renewal.audit_selected:
        raise RenewalRefused(_("This renewal was not set aside for audit."))
    if renewal.audited_at is None:
        renewal.audited_at = timezone.now()
        renewal.save(update_fields=["audited_at", "updated"])
    return renewal


# --- The endorsement's steps -----------------------------------------------------------------


@register_condition("lapse")
def no_renewal_waiting(endorsement, **facts) -> str:
    """A renewal submitted before the grace date is decided before the endorsement lapses."""
    waiting = Renewal.objects.filter(endorsement=endorsement, state=RenewalState.SUBMITTED).exists()
    return _("A renewal is waiting for approval.") if waiting else ""
