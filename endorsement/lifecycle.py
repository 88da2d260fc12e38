"""The endorsement's life after the award: its one writer, its calendar and the daily scan.

``endorsement_transition`` is the only code that changes ``Endorsement.status`` (a protected
field). It locks the row, checks who acts and the conditions of the step (the transition's
source states, then the functions later apps registered in ``endorsement.conditions`` under
``"endorsement.<action>"``), applies the step with the changes it carries (e.g. the new
``valid_through`` of a renewal), logs an ``EndorsementEvent`` and, once committed, calls the
functions later apps registered with ``register_on_status_change`` (credentials reissues
certificates, billing raises fees...). The verification page, the registry, the API and the
status list read the status with every request, and their caches are emptied on save.

The calendar (``renewal_dates``): an endorsement valid through 31 December of year Y is due for
renewal from the association's opening date in Y, late from 1 January of Y+1, and lapses the
day after the association's grace date in Y+1 (``endorsement_lifecycle_scan``, daily).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import Association, User
from accounts.rules import is_coordinator_of
from audit.services import audit_record
from endorsement.conditions import CONDITIONS
from endorsement.enums import EndorsementStatus
from endorsement.models import Endorsement, EndorsementEvent, RenewalPolicy
from endorsement.notes import NOTES, note_in_site_language, note_values_json
from endorsement.services import TransitionNotAllowed

E = EndorsementStatus

# The steps and who may take them: the portal itself (``by=None``: the daily scan, an
# automatic approval, an award that supersedes) and the association's coordinators.
ACTIONS = {
    "open_renewal": {"portal": True, "coordinator": False},
    "renew": {"portal": True, "coordinator": True},
    "lapse": {"portal": True, "coordinator": False},
    "reinstate": {"portal": False, "coordinator": True},
    "revoke": {"portal": False, "coordinator": True},
    "retire": {"portal": False, "coordinator": True},
    "supersede": {"portal": True, "coordinator": True},
    # A transfer is taken by a coordinator of the receiving association (who accepts it,
    # ``endorsement.transfers``) as well as of the endorsement's own: the writer learns the
    # receiving association from ``continued_by``.
    "transfer": {"portal": False, "coordinator": True, "receiving_coordinator": True},
}
# Steps that need a reason the holder (and, for a revocation, the public) reads.
REASON_REQUIRED = {"revoke"}

# Functions ``fn(endorsement, event)`` called once a step commits, registered by later apps.
ON_STATUS_CHANGE: list[Callable] = []


class EndorsementTransitionRefused(TransitionNotAllowed):
    """The step was not taken; the message is a sentence for the person."""


def register_on_status_change(function):
    """Call ``function(endorsement, event)`` after each step, once its transaction commits."""
    if function not in ON_STATUS_CHANGE:
        ON_STATUS_CHANGE.append(function)
    return function


def register_condition(*actions: str):
    """A condition of an endorsement step: ``fn(endorsement, **facts) -> ""`` or the sentence
    that says why not (``endorsement.conditions``, under ``"endorsement.<action>"``)."""
    from endorsement import conditions

    return conditions.register(*(f"endorsement.{action}" for action in actions))


def endorsement_refusals(
    *, endorsement: Endorsement, action: str, by: User | None, facts: dict | None = None
) -> list[str]:
    """The sentences that stop ``action`` now (empty when it may go ahead)."""
    rule = ACTIONS.get(action)
    if rule is None:
        raise ValueError(f"Unknown endorsement step: {action}")
    if by is None:
        allowed = rule["portal"]
    else:
        allowed = rule["coordinator"] and is_coordinator_of(by, endorsement.association)
        receiving = (facts or {}).get("to_association")
        if not allowed and rule.get("receiving_coordinator") and receiving is not None:
            allowed = is_coordinator_of(by, receiving)
    if not allowed:
        return [_("You may not take this step on this endorsement.")]
    if not can_proceed(getattr(endorsement, action)):
        return [
            _("This endorsement is %(status)s: this step is not possible.")
            % {"status": E(endorsement.status).label.lower()}
        ]
    refusals = []
    for function in CONDITIONS.get(f"endorsement.{action}", []):
        sentence = function(endorsement, **(facts or {}))
        if sentence:
            refusals.append(str(sentence))
    return refusals


@transaction.atomic
def endorsement_transition(
    *,
    endorsement: Endorsement,
    action: str,
    by: User | None,
    note: str = "",
    note_key: str = "",
    note_values: dict | None = None,
    facts: dict | None = None,
    valid_through: datetime.date | None = None,
    continued_by: Endorsement | None = None,
) -> Endorsement:
    """Take the step ``action`` (a transition's name on ``Endorsement``) and log it.

    ``by`` is the coordinator acting, or ``None`` for the portal. ``note`` is a person's note
    (the reason of a revocation, kept as ``status_reason`` and shown publicly); a generated
    note is ``note_key`` with ``note_values`` (``endorsement.notes.NOTES``). ``valid_through``
    moves the validity (a renewal, a reinstatement); ``continued_by`` names the endorsement
    that continues this one (a transfer, a new category). Returns the endorsement as saved;
    raises ``EndorsementTransitionRefused`` and writes nothing when the step is not possible.
    """
    endorsement = (
        Endorsement.objects.select_for_update(of=("self",))
        .select_related("association", "holder", "category", "application")
        .get(pk=endorsement.pk)
    )
    if action == "transfer":
        # The endorsement that continues it names the receiving association, whose
        # coordinator may take the step: never what a caller claims in ``facts``.
        facts = {**(facts or {})}
        facts.pop("to_association", None)
        if continued_by is not None:
            facts["to_association"] = continued_by.association
    refusals = endorsement_refusals(endorsement=endorsement, action=action, by=by, facts=facts)
    if refusals:
        raise EndorsementTransitionRefused(" ".join(refusals))
    if action == "transfer" and (
        continued_by is None or continued_by.association_id == endorsement.association_id
    ):
        raise EndorsementTransitionRefused(
            _("A transfer needs the endorsement that continues it in another association.")
        )
    note = (note or "").strip()
    if action in REASON_REQUIRED and not note:
        raise EndorsementTransitionRefused(
            _("Give the reason: the holder reads it, and so does the public.")
        )
    if note_key:
        if note_key not in NOTES:
            raise ValueError(f"Unknown note: {note_key}")
        note_values = note_values_json(note_values or {})
        note = note_in_site_language(note_key, note_values)
    else:
        note_values = {}
    from_status = endorsement.status
    getattr(endorsement, action)()
    endorsement.status_since = timezone.now()
    endorsement.status_reason = note if action in REASON_REQUIRED else ""
    update_fields = ["status", "status_since", "status_reason"]
    if valid_through is not None:
        endorsement.valid_through = valid_through
        update_fields.append("valid_through")
    if continued_by is not None:
        endorsement.continued_by = continued_by
        update_fields.append("continued_by")
    endorsement.save(update_fields=update_fields)
    event = EndorsementEvent.objects.create(
        endorsement=endorsement,
        actor=by,
        action=action,
        from_status=from_status,
        to_status=endorsement.status,
        valid_through=endorsement.valid_through,
        note=note,
        note_key=note_key,
        note_values=note_values,
    )
    audit_record(
        action=f"endorsement.{action}",
        actor=by,
        target=endorsement,
        object_label=f"{endorsement.number} ({endorsement.holder.email})",
        association_id=endorsement.association_id,
        details={"from": from_status, "to": endorsement.status},
    )
    transaction.on_commit(lambda: _status_changed(endorsement, event))
    return endorsement


def _status_changed(endorsement: Endorsement, event: EndorsementEvent) -> None:
    for function in ON_STATUS_CHANGE:
        function(endorsement, event)


# --- The calendar ------------------------------------------------------------------------------


def renewal_policy(association: Association) -> RenewalPolicy:
    """The association's policy, or the defaults (unsaved) when it has none."""
    try:
        return association.renewal_policy
    except RenewalPolicy.DoesNotExist:
        return RenewalPolicy(association=association)


def _day(year: int, month: int, day: int) -> datetime.date:
    """The date, or the month's last day when it is shorter (29 February in other years)."""
    while True:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            day -= 1


@dataclass(frozen=True)
class RenewalDates:
    """The renewal calendar of an endorsement valid through ``valid_through``."""

    valid_through: datetime.date
    opens: datetime.date  # renewal due from this day
    late_from: datetime.date  # the late fee applies from this day (1 January)
    grace_until: datetime.date  # the last day it may still be renewed; it lapses the day after
    next_valid_through: datetime.date  # valid through this day once renewed

    def is_late(self, today: datetime.date) -> bool:
        return today >= self.late_from

    def is_past_grace(self, today: datetime.date) -> bool:
        return today > self.grace_until


def renewal_dates(
    *, valid_through: datetime.date, policy: RenewalPolicy | None = None
) -> RenewalDates:
    policy = policy or RenewalPolicy()
    year = valid_through.year
    return RenewalDates(
        valid_through=valid_through,
        opens=min(_day(year, policy.opens_month, policy.opens_day), valid_through),
        late_from=valid_through + datetime.timedelta(days=1),
        grace_until=_day(year + 1, policy.grace_month, policy.grace_day),
        next_valid_through=datetime.date(year + 1, 12, 31),
    )


def endorsement_renewal_dates(endorsement: Endorsement) -> RenewalDates:
    return renewal_dates(
        valid_through=endorsement.valid_through, policy=renewal_policy(endorsement.association)
    )


def endorsement_lifecycle_scan(*, today: datetime.date | None = None) -> dict[str, int]:
    """Daily: open the renewal of active endorsements whose opening date came, and lapse those
    due past their grace date, each in the association's own calendar (``Association.today``,
    or ``today`` when given, for tests and catching up). Each endorsement is its own
    transaction; running it twice changes nothing more. Returns the counts."""
    counts = {"open_renewal": 0, "lapse": 0}
    for association in Association.objects.select_related("renewal_policy"):
        day = today or association.today()
        policy = renewal_policy(association)
        candidates = Endorsement.objects.filter(
            association=association,
            status__in=[E.ACTIVE, E.RENEWAL_DUE],
            valid_through__lt=datetime.date(day.year + 1, 1, 1),
        ).values_list("pk", "status", "valid_through")
        for pk, status, valid_through in candidates.iterator():
            dates = renewal_dates(valid_through=valid_through, policy=policy)
            steps = []
            if status == E.ACTIVE and day >= dates.opens:
                steps.append("open_renewal")
            if dates.is_past_grace(day):
                steps.append("lapse")
            for action in steps:
                try:
                    endorsement_transition(
                        endorsement=Endorsement(pk=pk),
                        action=action,
                        by=None,
                        note_key=f"endorsement_{action}",
                        note_values={"date": dates.grace_until},
                    )
                except EndorsementTransitionRefused:
                    break  # changed meanwhile (renewed, revoked): nothing to do
                counts[action] += 1
    return counts
