"""Emeritus status: a retiring holder asks for it, a coordinator of the endorsement's
association approves it (the endorsement is retired through ``endorsement.lifecycle``, the one
writer of its status) or refuses it with a reason. The holder is told by e-mail either way.

The shape of ``credentials.name_changes``: one waiting request per endorsement (the
endorsement's row is locked while it is checked), a request decided once (deciding it again
changes nothing and sends nothing).
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from endorsement.emails import CONTEXT_HELP, application_email_on_commit, register_emails
from endorsement.enums import EmeritusState, EndorsementStatus
from endorsement.lifecycle import endorsement_transition
from endorsement.models import EmeritusRequest, Endorsement

# Standings from which the holder may retire (``Endorsement.retire``'s sources).
RETIRABLE = (EndorsementStatus.ACTIVE, EndorsementStatus.RENEWAL_DUE)
NOTE_MAX_LENGTH = 2000

register_emails(
    folder="endorsement/emails",
    emails={
        "emeritus_approved": gettext_lazy("Emeritus status approved (to the holder)"),
        "emeritus_refused": gettext_lazy(
            "Emeritus status refused, with the reason (to the holder)"
        ),
    },
    values={
        "emeritus_approved": {**CONTEXT_HELP, "number": gettext_lazy("the endorsement number")},
        "emeritus_refused": {
            **CONTEXT_HELP,
            "number": gettext_lazy("the endorsement number"),
            "reason": gettext_lazy("the reason for the refusal"),
        },
    },
)


class EmeritusRefused(Exception):
    """The request or decision was not made; ``field`` is the form field the message is for
    ("" for the whole form)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def emeritus_pending(*, endorsement: Endorsement) -> EmeritusRequest | None:
    """The endorsement's request waiting for a decision, if any (at most one)."""
    return EmeritusRequest.objects.filter(
        endorsement=endorsement, state=EmeritusState.PENDING
    ).first()


@transaction.atomic
def emeritus_request(*, endorsement: Endorsement, by: User, note: str = "") -> EmeritusRequest:
    """``by`` (the holder) asks for emeritus status on ``endorsement``, with an optional note.
    Refused when they are not the holder, the endorsement is not active or due for renewal, or
    a request for it is already waiting."""
    if endorsement.holder_id != by.pk:
        raise EmeritusRefused(_("Only the holder may ask for emeritus status."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise EmeritusRefused(
            _("A note has at most %(count)d characters.") % {"count": NOTE_MAX_LENGTH}, "note"
        )
    # The row lock makes two quick submissions wait in turn; the status is read under it.
    locked = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    if locked.status not in RETIRABLE:
        raise EmeritusRefused(
            _("This endorsement is %(status)s: emeritus status is for active endorsements.")
            % {"status": EndorsementStatus(locked.status).label.lower()}
        )
    if EmeritusRequest.objects.filter(endorsement=locked, state=EmeritusState.PENDING).exists():
        raise EmeritusRefused(
            _("You already asked for emeritus status; wait for the coordinator's answer.")
        )
    return EmeritusRequest.objects.create(endorsement=locked, holder=by, note=note)


def _locked_pending(request: EmeritusRequest) -> EmeritusRequest | None:
    locked = (
        EmeritusRequest.objects.select_for_update(of=("self",))
        .select_related("endorsement__application", "endorsement__association", "holder")
        .get(pk=request.pk)
    )
    return locked if locked.state == EmeritusState.PENDING else None


def _dashboard_url() -> str:
    return settings.SITE_URL + reverse("accounts:dashboard.applicant")


@transaction.atomic
def emeritus_approve(*, request: EmeritusRequest, by: User) -> EmeritusRequest:
    """Approve ``request``: the endorsement becomes emeritus (``by`` must coordinate its
    association: ``EndorsementTransitionRefused`` otherwise, nothing written) and the holder is
    told. Approving a decided request changes nothing. Returns the request."""
    locked = _locked_pending(request)
    if locked is None:
        return EmeritusRequest.objects.get(pk=request.pk)
    endorsement_transition(
        endorsement=locked.endorsement, action="retire", by=by, note_key="endorsement_retire"
    )
    locked.state = EmeritusState.APPROVED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "decided_by", "decided_at"])
    application_email_on_commit(
        application=locked.endorsement.application,
        key="emeritus_approved",
        recipients=[locked.holder],
        extra={"number": locked.endorsement.number, "url": _dashboard_url()},
    )
    return locked


@transaction.atomic
def emeritus_refuse(*, request: EmeritusRequest, by: User, reason: str) -> EmeritusRequest:
    """Refuse ``request`` for ``reason`` (required; the holder reads it). Refusing a decided
    request changes nothing. Returns the request."""
    reason = (reason or "").strip()
    if not reason:
        raise EmeritusRefused(_("Give the reason: the holder reads it."), "reason")
    locked = _locked_pending(request)
    if locked is None:
        return EmeritusRequest.objects.get(pk=request.pk)
    locked.state = EmeritusState.REFUSED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.refusal_reason = reason
    locked.save(update_fields=["state", "decided_by", "decided_at", "refusal_reason"])
    application_email_on_commit(
        application=locked.endorsement.application,
        key="emeritus_refused",
        recipients=[locked.holder],
        extra={"number": locked.endorsement.number, "reason": reason, "url": _dashboard_url()},
    )
    return locked
