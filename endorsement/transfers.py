"""Moving an endorsement to another association: the holder moved to another state.

The holder asks once (``endorsement_transfer_request``): the receiving association, which must
be listed and offer the same category code in the framework it has in force, and why and when.
The receiving association's coordinator accepts (``endorsement_transfer_accept``) or refuses
with a reason (``endorsement_transfer_refuse``).

On acceptance, in one transaction with the rows locked: the endorsement continues under a
number of the receiving association (``endorsement.awards.endorsement_number_next``, counted in
the year of the original award, whose date it keeps with its valid-through date and standing),
on an Application of that association marked awarded (the Endorsement needs one); the old one
becomes "transferred" through the lifecycle's writer and points to the new one
(``continued_by``), so its verification page names the new number. Once committed, what follows
an award follows (``endorsement.awards.ON_AWARD``: the certificate, the status-list entry). The
membership rule of the receiving association applies from then on.

E-mails, from the receiving association, each in its reader's language and with the link to the
request's page: the request to its coordinators (``transfer_requested.coordinator``), the
decision to the holder (``transfer_accepted`` with the new number, ``transfer_refused`` with the
reason).
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Association, User
from accounts.rules import is_coordinator_of
from competencies.models import EndorsementCategory, Framework
from endorsement.awards import _awarded, endorsement_number_next
from endorsement.emails import coordinators_of, email_on_commit, register_emails
from endorsement.enums import ApplicationState, EndorsementStatus, TransferState
from endorsement.lifecycle import endorsement_transition
from endorsement.models import Application, ApplicationEvent, Endorsement, EndorsementEvent
from endorsement.models import EndorsementTransfer as Transfer
from endorsement.notes import note_in_site_language, note_values_json
from endorsement.services import TransitionNotAllowed
from notifications.emails import user_language

E = EndorsementStatus
# Standing from which a holder may move the endorsement (the writer's ``transfer`` sources).
TRANSFERABLE = [E.ACTIVE, E.RENEWAL_DUE, E.EMERITUS]

TRANSFER_VALUES = {
    "recipient": gettext_lazy("the name of the person the e-mail goes to"),
    "holder": gettext_lazy("the holder's name"),
    "category": gettext_lazy("the endorsement category, e.g. Infant Family Specialist (IFS)"),
    "number": gettext_lazy("the endorsement's number with the association it comes from"),
    "from_association": gettext_lazy("the association the endorsement comes from"),
    "association": gettext_lazy("the receiving association's name"),
    "contact_email": gettext_lazy("the receiving association's contact e-mail"),
    "url": gettext_lazy("the request's page"),
}
register_emails(
    folder="endorsement/emails",
    emails={
        "transfer_requested.coordinator": gettext_lazy(
            "A holder asks to transfer their endorsement here (to the coordinators)"
        ),
        "transfer_accepted": gettext_lazy("Transfer accepted, with the new number (to the holder)"),
        "transfer_refused": gettext_lazy("Transfer refused, with the reason (to the holder)"),
    },
    values={
        "transfer_requested.coordinator": {
            **TRANSFER_VALUES,
            "reason": gettext_lazy("why the holder is moving"),
            "moving_on": gettext_lazy("when the holder moves, when they said"),
        },
        "transfer_accepted": {
            **TRANSFER_VALUES,
            "new_number": gettext_lazy("the endorsement's number with the receiving association"),
        },
        "transfer_refused": {**TRANSFER_VALUES, "reason": gettext_lazy("the reason given")},
    },
)


def transfer_email_on_commit(*, transfer: Transfer, key: str, recipients, extra=None) -> None:
    """Write ``key`` about ``transfer`` to each of ``recipients`` (active accounts) in their
    language, from the receiving association, into the outbox (sent once the transaction
    commits)."""
    transfer = Transfer.objects.select_related(
        "from_endorsement__holder",
        "from_endorsement__category",
        "from_association",
        "to_association",
    ).get(pk=transfer.pk)
    endorsement = transfer.from_endorsement
    receiving = transfer.to_association
    url = settings.SITE_URL.rstrip("/") + reverse(
        "endorsement:transfer.detail", kwargs={"pk": transfer.pk}
    )
    for person in recipients:
        if person is None or not person.is_active or not person.email:
            continue
        language = user_language(person)
        with translation.override(language):
            category = f"{endorsement.category.display_name} ({endorsement.category.code})"
        email_on_commit(
            association=receiving,
            key=key,
            to=person.email,
            language=language,
            reply_to=receiving.contact_email,
            recipient=person,
            concerns=transfer,
            context={
                "recipient": person.get_full_name(),
                "holder": endorsement.holder.get_full_name(),
                "category": category,
                "number": endorsement.number,
                "from_association": transfer.from_association.name,
                "association": receiving.name,
                "contact_email": receiving.contact_email,
                "url": url,
                **(extra or {}),
            },
        )


class TransferRefused(TransitionNotAllowed):
    """Nothing was written; the message is a sentence for the person."""


def receiving_category(*, association: Association, code: str) -> EndorsementCategory | None:
    """The category ``code`` of the framework ``association`` has in force, or None."""
    framework = Framework.objects.filter(association=association).in_force().first()
    if framework is None:
        return None
    return EndorsementCategory.objects.filter(framework=framework, code=code).first()


def transfer_destinations(*, endorsement: Endorsement) -> list[Association]:
    """The listed associations, other than the endorsement's, whose framework in force offers
    its category code, by name (two queries, whatever the number of associations)."""
    frameworks = (
        Framework.objects.in_force()
        .filter(association__is_active=True)
        .exclude(association_id=endorsement.association_id)
        .order_by("association_id", "-effective_from", "-id")
        .values_list("association_id", "pk")
    )
    in_force: dict[int, int] = {}
    for association_id, framework_id in frameworks:
        in_force.setdefault(association_id, framework_id)
    offering = EndorsementCategory.objects.filter(
        framework_id__in=in_force.values(), code=endorsement.category.code
    ).select_related("framework__association")
    return sorted((category.framework.association for category in offering), key=lambda a: a.name)


def endorsement_transfer_waiting(*, endorsement: Endorsement) -> Transfer | None:
    return (
        Transfer.objects.filter(from_endorsement=endorsement, state=TransferState.REQUESTED)
        .select_related("to_association")
        .first()
    )


@transaction.atomic
def endorsement_transfer_request(
    *,
    endorsement: Endorsement,
    to_association: Association,
    by: User,
    reason: str,
    moving_on=None,
) -> Transfer:
    """The holder asks to move ``endorsement`` to ``to_association``. Refused
    (``TransferRefused``, nothing written) unless ``by`` holds it, its standing allows it, the
    receiving association is another listed one offering the same category code, and no
    other request waits."""
    endorsement = (
        Endorsement.objects.select_for_update(of=("self",))
        .select_related("association", "category")
        .get(pk=endorsement.pk)
    )
    if by is None or endorsement.holder_id != by.pk:
        raise TransferRefused(_("Only the holder may ask to transfer this endorsement."))
    if endorsement.status not in TRANSFERABLE:
        raise TransferRefused(
            _("This endorsement is %(status)s: it cannot be transferred.")
            % {"status": E(endorsement.status).label.lower()}
        )
    if to_association.pk == endorsement.association_id:
        raise TransferRefused(_("Choose another association than the one you hold it from."))
    if not to_association.is_active:
        raise TransferRefused(_("This association does not take transfers."))
    if receiving_category(association=to_association, code=endorsement.category.code) is None:
        raise TransferRefused(
            _("%(association)s does not offer the %(code)s category.")
            % {"association": to_association.name, "code": endorsement.category.code}
        )
    if Transfer.objects.filter(
        from_endorsement=endorsement, state=TransferState.REQUESTED
    ).exists():
        raise TransferRefused(_("A transfer of this endorsement already waits for a decision."))
    reason = (reason or "").strip()
    if not reason:
        raise TransferRefused(_("Say why you are moving."))
    transfer = Transfer.objects.create(
        from_endorsement=endorsement,
        from_association_id=endorsement.association_id,
        to_association=to_association,
        requested_by=by,
        reason=reason,
        moving_on=moving_on,
    )
    transfer_email_on_commit(
        transfer=transfer,
        key="transfer_requested.coordinator",
        recipients=coordinators_of(to_association),
        extra={"reason": reason, "moving_on": moving_on or ""},
    )
    return transfer


def _lock_waiting(transfer: Transfer, by: User | None) -> Transfer:
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("to_association", "from_association")
        .get(pk=transfer.pk)
    )
    if by is None or not is_coordinator_of(by, transfer.to_association):
        raise TransferRefused(
            _("Only a coordinator of the receiving association may decide on this transfer.")
        )
    if transfer.state != TransferState.REQUESTED:
        raise TransferRefused(
            _("This transfer was already decided: %(state)s.")
            % {"state": TransferState(transfer.state).label.lower()}
        )
    return transfer


@transaction.atomic
def endorsement_transfer_accept(*, transfer: Transfer, by: User) -> Endorsement:
    """The receiving coordinator accepts: returns the endorsement that continues the old one.
    Refused (``TransferRefused``, nothing written) unless ``by`` coordinates the receiving
    association, the request still waits and the endorsement may still move."""
    transfer = _lock_waiting(transfer, by)
    old = (
        Endorsement.objects.select_for_update(of=("self",))
        .select_related("association", "category", "holder")
        .get(pk=transfer.from_endorsement_id)
    )
    if old.status not in TRANSFERABLE:
        raise TransferRefused(
            _("This endorsement is %(status)s now: it cannot be transferred.")
            % {"status": E(old.status).label.lower()}
        )
    receiving = Association.objects.select_for_update().get(pk=transfer.to_association_id)
    category = receiving_category(association=receiving, code=old.category.code)
    if category is None:
        raise TransferRefused(
            _("%(association)s does not offer the %(code)s category.")
            % {"association": receiving.name, "code": old.category.code}
        )
    number = endorsement_number_next(
        association=receiving, category_code=category.code, year=old.awarded_on.year
    )
    values = note_values_json({"association": old.association.name, "number": old.number})
    application = Application.objects.create(
        association=receiving,
        applicant=old.holder,
        category=category,
        state=ApplicationState.AWARDED,
    )
    ApplicationEvent.objects.create(
        application=application,
        actor=by,
        from_state="",
        to_state=ApplicationState.AWARDED,
        note=note_in_site_language("endorsement_transferred_in", values),
        note_key="endorsement_transferred_in",
        note_values=values,
    )
    new = Endorsement.objects.create(
        association=receiving,
        application=application,
        holder=old.holder,
        category=category,
        number=number,
        awarded_on=old.awarded_on,
        valid_through=old.valid_through,
        status=old.status,
        registry_listed=old.registry_listed,
        registry_place=old.registry_place,
    )
    EndorsementEvent.objects.create(
        endorsement=new,
        actor=by,
        action="transfer_in",
        from_status=old.status,
        to_status=new.status,
        valid_through=new.valid_through,
        note=note_in_site_language("endorsement_transferred_in", values),
        note_key="endorsement_transferred_in",
        note_values=values,
    )
    endorsement_transition(
        endorsement=old,
        action="transfer",
        by=by,
        note_key="endorsement_transfer",
        note_values={"association": receiving.name, "number": number},
        continued_by=new,
    )
    transfer.state = TransferState.ACCEPTED
    transfer.to_endorsement = new
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["state", "to_endorsement", "decided_by", "decided_at"])
    transaction.on_commit(lambda: _awarded(new))
    transfer_email_on_commit(
        transfer=transfer,
        key="transfer_accepted",
        recipients=[old.holder],
        extra={"new_number": new.number},
    )
    return new


@transaction.atomic
def endorsement_transfer_refuse(*, transfer: Transfer, by: User, reason: str) -> Transfer:
    """The receiving coordinator refuses, with the reason the holder reads."""
    transfer = _lock_waiting(transfer, by)
    reason = (reason or "").strip()
    if not reason:
        raise TransferRefused(_("Give the reason: the holder reads it."))
    transfer.state = TransferState.REFUSED
    transfer.decision_note = reason
    transfer.decided_by = by
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["state", "decision_note", "decided_by", "decided_at"])
    transfer_email_on_commit(
        transfer=transfer,
        key="transfer_refused",
        recipients=[transfer.from_endorsement.holder],
        extra={"reason": reason},
    )
    return transfer


def endorsement_lineage(endorsement: Endorsement) -> list[Endorsement]:
    """The endorsements this one continues, oldest first (one query per step back; a holder
    moves rarely)."""
    chain = []
    current = endorsement
    seen = {current.pk}
    while True:
        before = (
            Endorsement.objects.filter(continued_by=current).select_related("association").first()
        )
        if before is None or before.pk in seen:
            break
        chain.append(before)
        seen.add(before.pk)
        current = before
    return list(reversed(chain))
