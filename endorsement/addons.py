"""Add-on designations: the association's add-ons (``AddOn``, edited in the admin), a holder's
application for one on their endorsement, the coordinator's decision, and the add-on following
its endorsement's standing.

* ``add_on_refusals`` / ``add_on_check``: whether a holder may apply for an add-on on an
  endorsement (an active one, in a category the add-on names) and what its requirements say of
  the evidence given, as sentences with numbers ("RS/C provided: 18 of 24 hours").
* ``add_on_apply``: the holder's application (refused with sentences when a requirement is not
  met); ``add_on_decide``: a coordinator approves (valid through the endorsement's date) or
  refuses with a reason; the holder is told by e-mail either way (``add_on_approved``,
  ``add_on_refused``), with the link to the application's page.
* ``add_ons_follow`` (registered with ``endorsement.lifecycle.register_on_status_change``): when
  the endorsement is renewed or reinstated, its approved add-ons move their date with it; when
  it lapses they lapse; when it is revoked, superseded or transferred they end.

The evidence document, when the add-on asks for one, is a ``portfolios`` Document (private
storage, content checks) that the holder's page attaches in the same transaction.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, OuterRef, Prefetch, Q
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.rules import is_coordinator_of
from accounts.signed_in_pages import signed_in_pages_forget
from audit.enums import ADD_ON_APPROVE, ADD_ON_REFUSE
from audit.services import audit_record
from endorsement.emails import CONTEXT_HELP, application_email_on_commit, register_emails
from endorsement.enums import LIVE_ADD_ON_STATES, AddOnState, EndorsementStatus
from endorsement.models import AddOn, Endorsement, EndorsementAddOn
from notifications.emails import user_language

E = EndorsementStatus
# An add-on is applied for, and approved, only on an endorsement in one of these standings.
APPLY_STATUSES = [E.ACTIVE, E.RENEWAL_DUE]

ADD_ON_VALUES = {
    **CONTEXT_HELP,
    "add_on": gettext_lazy("the add-on's name, e.g. Endorsed Reflective Supervisor"),
    "number": gettext_lazy("the endorsement number"),
    "url": gettext_lazy("the page of the application for the add-on"),
}
register_emails(
    folder="endorsement/emails",
    emails={
        "add_on_approved": gettext_lazy("Add-on approved (to the holder)"),
        "add_on_refused": gettext_lazy("Add-on refused, with the reason (to the holder)"),
    },
    values={
        "add_on_approved": {
            **ADD_ON_VALUES,
            "valid_through": gettext_lazy("the date the add-on is valid through"),
        },
        "add_on_refused": {**ADD_ON_VALUES, "reason": gettext_lazy("the reason for the refusal")},
    },
)


class AddOnRefused(Exception):
    """Nothing was written; the message is one or more sentences for the person."""


def _hours(value: Decimal | None) -> str:
    value = value or Decimal(0)
    return number_format(value.normalize() if value == value.to_integral() else value)


@dataclass(frozen=True)
class CheckLine:
    """One requirement of an add-on and whether the evidence meets it."""

    key: str
    label: str
    met: bool
    detail: str = ""


def add_on_requirements(add_on: AddOn) -> list[str]:
    """The add-on's requirements in plain sentences (the checklist's lines)."""
    lines = []
    if add_on.min_rsc_provided_hours:
        lines.append(
            _("At least %(hours)s hours of reflective supervision/consultation provided.")
            % {"hours": _hours(add_on.min_rsc_provided_hours)}
        )
    if add_on.min_rsc_training_hours:
        lines.append(
            _("At least %(hours)s hours of training about providing RS/C.")
            % {"hours": _hours(add_on.min_rsc_training_hours)}
        )
    if add_on.document_required:
        lines.append(
            _("A document: %(what)s") % {"what": add_on.document_note}
            if add_on.document_note
            else _("A document that supports your application.")
        )
    if add_on.attestation:
        lines.append(_("You confirm: %(statement)s") % {"statement": add_on.attestation})
    return lines


def add_on_check(
    *,
    add_on: AddOn,
    rsc_provided_hours: Decimal | None,
    rsc_training_hours: Decimal | None,
    has_document: bool,
    attested: bool,
) -> list[CheckLine]:
    """Each requirement of ``add_on`` against the evidence, with the numbers."""
    lines = []
    if add_on.min_rsc_provided_hours:
        have = rsc_provided_hours or Decimal(0)
        lines.append(
            CheckLine(
                key="rsc_provided",
                label=_("Reflective supervision/consultation provided"),
                met=have >= add_on.min_rsc_provided_hours,
                detail=_("%(have)s of %(need)s hours")
                % {"have": _hours(have), "need": _hours(add_on.min_rsc_provided_hours)},
            )
        )
    if add_on.min_rsc_training_hours:
        have = rsc_training_hours or Decimal(0)
        lines.append(
            CheckLine(
                key="rsc_training",
                label=_("Training about providing RS/C"),
                met=have >= add_on.min_rsc_training_hours,
                detail=_("%(have)s of %(need)s hours")
                % {"have": _hours(have), "need": _hours(add_on.min_rsc_training_hours)},
            )
        )
    if add_on.document_required:
        lines.append(
            CheckLine(
                key="document",
                label=_("Document"),
                met=has_document,
                detail=add_on.document_note,
            )
        )
    if add_on.attestation:
        lines.append(
            CheckLine(
                key="attestation",
                label=_("Statement confirmed"),
                met=attested,
                detail=add_on.attestation,
            )
        )
    return lines


def _unmet_sentences(
    *, add_on: AddOn, rsc_provided_hours, rsc_training_hours, has_document: bool, attested: bool
) -> list[str]:
    sentences = []
    for line in add_on_check(
        add_on=add_on,
        rsc_provided_hours=rsc_provided_hours,
        rsc_training_hours=rsc_training_hours,
        has_document=has_document,
        attested=attested,
    ):
        if line.met:
            continue
        if line.key == "rsc_provided":
            sentences.append(
                _(
                    "You entered %(have)s hours of reflective supervision/consultation "
                    "provided; this add-on needs at least %(need)s."
                )
                % {
                    "have": _hours(rsc_provided_hours),
                    "need": _hours(add_on.min_rsc_provided_hours),
                }
            )
        elif line.key == "rsc_training":
            sentences.append(
                _(
                    "You entered %(have)s hours of training about providing RS/C; this add-on "
                    "needs at least %(need)s."
                )
                % {
                    "have": _hours(rsc_training_hours),
                    "need": _hours(add_on.min_rsc_training_hours),
                }
            )
        elif line.key == "document":
            sentences.append(_("This add-on needs a document: upload it with your application."))
        elif line.key == "attestation":
            sentences.append(_("Confirm the statement to apply for this add-on."))
    return sentences


def add_on_refusals(*, endorsement: Endorsement, add_on: AddOn) -> list[str]:
    """Why the holder may not apply for ``add_on`` on ``endorsement`` now (empty: they may).
    Reads the endorsement's category and the live holdings (one query when they are not
    prefetched)."""
    if add_on.association_id != endorsement.association_id:
        return [_("This add-on belongs to another association.")]
    refusals = []
    if not add_on.is_open:
        refusals.append(_("This add-on is not open to applications."))
    if not add_on.allows_category(endorsement.category.code):
        refusals.append(
            _("This add-on is not offered for %(category)s endorsements.")
            % {"category": endorsement.category.code}
        )
    if endorsement.status not in APPLY_STATUSES:
        refusals.append(
            _("Your endorsement is %(status)s: add-ons are applied for on an active endorsement.")
            % {"status": E(endorsement.status).label.lower()}
        )
    if any(
        holding.add_on_id == add_on.pk and holding.state in LIVE_ADD_ON_STATES
        for holding in endorsement.add_ons.all()
    ):
        refusals.append(_("You already applied for this add-on on this endorsement."))
    return refusals


@transaction.atomic
def add_on_apply(
    *,
    endorsement: Endorsement,
    add_on: AddOn,
    by: User,
    rsc_provided_hours: Decimal | None = None,
    rsc_training_hours: Decimal | None = None,
    has_document: bool = False,
    attested: bool = False,
    evidence_note: str = "",
) -> EndorsementAddOn:
    """The holder applies for ``add_on`` on their ``endorsement`` with the evidence given.

    Raises ``AddOnRefused`` (the sentences) and writes nothing when the person is not the
    holder, the endorsement or category does not qualify, they already applied, or the
    evidence does not meet a requirement. The caller attaches the document, when there is one,
    in the same transaction."""
    endorsement = (
        Endorsement.objects.select_for_update(of=("self",))
        .select_related("category", "association")
        .get(pk=endorsement.pk)
    )
    if by is None or endorsement.holder_id != by.pk:
        raise AddOnRefused(_("Only the holder of the endorsement may apply for an add-on."))
    for value in (rsc_provided_hours, rsc_training_hours):
        if value is not None and value < 0:
            raise AddOnRefused(_("Hours cannot be negative."))
    refusals = add_on_refusals(endorsement=endorsement, add_on=add_on)
    refusals += _unmet_sentences(
        add_on=add_on,
        rsc_provided_hours=rsc_provided_hours,
        rsc_training_hours=rsc_training_hours,
        has_document=has_document,
        attested=attested,
    )
    if refusals:
        raise AddOnRefused(" ".join(str(sentence) for sentence in refusals))
    now = timezone.now()
    return EndorsementAddOn.objects.create(
        endorsement=endorsement,
        add_on=add_on,
        state=AddOnState.APPLIED,
        rsc_provided_hours=rsc_provided_hours,
        rsc_training_hours=rsc_training_hours,
        attested_at=now if add_on.attestation and attested else None,
        evidence_note=(evidence_note or "").strip(),
        applied_at=now,
        applied_by=by,
        state_since=now,
    )


@transaction.atomic
def add_on_decide(
    *, holding: EndorsementAddOn, by: User, approve: bool, note: str = ""
) -> EndorsementAddOn:
    """A coordinator of the endorsement's association approves the add-on (valid through the
    endorsement's date) or refuses it with a reason the holder reads. Raises ``AddOnRefused``
    when the person may not decide, it was decided already, a refusal has no reason or the
    endorsement is no longer active."""
    holding = (
        EndorsementAddOn.objects.select_for_update(of=("self",))
        .select_related("endorsement__association", "endorsement__holder", "add_on")
        .get(pk=holding.pk)
    )
    endorsement = holding.endorsement
    if by is None or not is_coordinator_of(by, endorsement.association):
        raise AddOnRefused(_("Only a coordinator of this association may decide."))
    if holding.state != AddOnState.APPLIED:
        raise AddOnRefused(
            _("This application was already decided: %(state)s.")
            % {"state": AddOnState(holding.state).label.lower()}
        )
    note = (note or "").strip()
    if not approve and not note:
        raise AddOnRefused(_("Give the reason for refusing: the holder reads it."))
    if approve and endorsement.status not in APPLY_STATUSES:
        raise AddOnRefused(
            _("The endorsement is %(status)s: an add-on is approved only on an active one.")
            % {"status": E(endorsement.status).label.lower()}
        )
    now = timezone.now()
    holding.state = AddOnState.APPROVED if approve else AddOnState.REFUSED
    holding.decided_at = now
    holding.decided_by = by
    holding.decision_note = note
    holding.state_since = now
    holding.valid_through = endorsement.valid_through if approve else None
    holding.save()
    audit_record(
        action=ADD_ON_APPROVE if approve else ADD_ON_REFUSE,
        actor=by,
        target=holding,
        object_label=f"{endorsement.number} ({endorsement.holder.email})",
        association_id=endorsement.association_id,
    )
    holder = endorsement.holder
    with translation.override(user_language(holder)):
        add_on_name = holding.add_on.display_name
    extra = {
        "add_on": add_on_name,
        "number": endorsement.number,
        "url": settings.SITE_URL.rstrip("/")
        + reverse("portfolios:addon.detail", kwargs={"pk": holding.pk}),
    }
    if approve:
        extra["valid_through"] = holding.valid_through
    else:
        extra["reason"] = note
    application_email_on_commit(
        application=endorsement.application,
        key="add_on_approved" if approve else "add_on_refused",
        recipients=[holder],
        extra=extra,
    )
    return holding


# --- Following the endorsement -----------------------------------------------------------------


def add_ons_follow(endorsement: Endorsement, event) -> None:
    """Registered with ``register_on_status_change``: the add-ons follow the endorsement's step
    (a few UPDATE queries whatever the number of add-ons)."""
    action = event.action
    holdings = EndorsementAddOn.objects.filter(endorsement_id=endorsement.pk)
    now = timezone.now()
    signed_in_pages_forget()  # no signal for update()
    with transaction.atomic():
        if action == "renew":
            holdings.filter(state=AddOnState.APPROVED).update(
                valid_through=event.valid_through, state_since=now
            )
        elif action == "reinstate":
            holdings.filter(state__in=[AddOnState.APPROVED, AddOnState.LAPSED]).update(
                state=AddOnState.APPROVED, valid_through=event.valid_through, state_since=now
            )
        elif action == "lapse":
            holdings.filter(state=AddOnState.APPROVED).update(
                state=AddOnState.LAPSED, state_since=now
            )
        elif action in ("revoke", "supersede", "transfer"):
            holdings.filter(state__in=LIVE_ADD_ON_STATES).update(
                state=AddOnState.ENDED, state_since=now
            )


# --- Reads -------------------------------------------------------------------------------------


def association_add_ons(*, association_id: int) -> list[AddOn]:
    return list(AddOn.objects.filter(association_id=association_id, is_open=True))


def holder_add_on_rows(*, user) -> list[dict]:
    """For each of the person's endorsements that may carry add-ons (active or renewal due, or
    with add-ons already): its add-ons and those it may still apply for (three queries)."""
    endorsements = list(
        Endorsement.objects.filter(holder=user)
        .filter(Q(status__in=APPLY_STATUSES) | Q(add_ons__isnull=False))
        .distinct()
        .select_related("category", "association")
        .prefetch_related(
            Prefetch(
                "add_ons",
                queryset=EndorsementAddOn.objects.select_related("add_on").order_by(
                    "-applied_at", "-id"
                ),
            )
        )
    )
    if not endorsements:
        return []
    offered = list(
        AddOn.objects.filter(
            association_id__in={e.association_id for e in endorsements}, is_open=True
        )
    )
    rows = []
    for endorsement in endorsements:
        holdings = list(endorsement.add_ons.all())
        can_apply = [
            add_on
            for add_on in offered
            if not add_on_refusals(endorsement=endorsement, add_on=add_on)
        ]
        if holdings or can_apply:
            rows.append({"endorsement": endorsement, "holdings": holdings, "offered": can_apply})
    return rows


def add_ons_waiting(*, association) -> list[EndorsementAddOn]:
    """The association's applications for add-ons waiting for a decision, oldest first (one
    query)."""
    return list(
        EndorsementAddOn.objects.filter(
            endorsement__association=association, state=AddOnState.APPLIED
        )
        .select_related("add_on", "endorsement__holder", "endorsement__category")
        .order_by("applied_at", "id")
    )


@dataclass(frozen=True)
class PublicAddOn:
    """An approved add-on as the public reads it."""

    code: str
    name: str
    valid_through: datetime.date | None


def with_public_add_ons(queryset):
    """``queryset`` of endorsements reading each one's approved add-ons too (for
    ``public_add_ons_of``): in the same query on PostgreSQL (a JSON array subquery), with one
    more query elsewhere (the demo's SQLite)."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        return queryset.annotate(
            public_add_ons_json=ArraySubquery(
                EndorsementAddOn.objects.filter(
                    endorsement=OuterRef("pk"), state=AddOnState.APPROVED
                )
                .order_by("add_on__order", "add_on__code")
                .values(
                    json=JSONObject(
                        code=F("add_on__code"),
                        name=F("add_on__name"),
                        names=F("add_on__names"),
                        valid_through=F("valid_through"),
                    )
                )
            )
        )
    return queryset.prefetch_related(
        Prefetch(
            "add_ons",
            queryset=EndorsementAddOn.objects.filter(state=AddOnState.APPROVED)
            .select_related("add_on")
            .order_by("add_on__order", "add_on__code"),
            to_attr="public_add_ons_rows",
        )
    )


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def public_add_ons_of(endorsement: Endorsement) -> tuple[PublicAddOn, ...]:
    """The approved add-ons of an endorsement read through ``with_public_add_ons``, names in
    the active language."""
    rows = getattr(endorsement, "public_add_ons_json", None)
    if rows is None and hasattr(endorsement, "public_add_ons_rows"):
        rows = [
            {
                "code": holding.add_on.code,
                "name": holding.add_on.name,
                "names": holding.add_on.names,
                "valid_through": holding.valid_through,
            }
            for holding in endorsement.public_add_ons_rows
        ]
    language = (get_language() or "").split("-")[0]
    return tuple(
        PublicAddOn(
            code=row["code"],
            name=(row.get("names") or {}).get(language) or row["name"],
            valid_through=_date(row.get("valid_through")),
        )
        for row in rows or []
    )
