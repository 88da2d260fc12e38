"""Writes of credentials: a holder's request to change their name on the certificate, and the
coordinator's decision.

Approving changes the person's name, reissues the certificate of each of their endorsements of
that association (the old one is superseded, and the verification page still recognises it as
such), writes the timeline and e-mails the holder; refusing records the reason and e-mails it.
Deciding a request that is no longer pending changes nothing and sends nothing.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.enums import NAME_CHANGE_APPROVE, NAME_CHANGE_REFUSE
from audit.services import audit_record
from credentials.models import NameChangeRequest, NameChangeState
from credentials.services import certificate_issue
from credentials.verification import verification_cache_forget
from endorsement.emails import application_email_on_commit
from endorsement.enums import EndorsementStatus
from endorsement.models import ApplicationEvent, Endorsement
from endorsement.notes import note_in_site_language, note_values_json

NAME_MAX_LENGTH = 200


class NameChangeRefused(Exception):
    """The request or decision was not made; ``field`` is the form field the message is for
    ("" for the whole form)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def name_change_pending(*, holder: User) -> NameChangeRequest | None:
    """The person's request waiting for a decision, if any (at most one)."""
    return (
        NameChangeRequest.objects.select_related("endorsement__association")
        .filter(holder=holder, state=NameChangeState.PENDING)
        .first()
    )


@transaction.atomic
def name_change_request(
    *, endorsement: Endorsement, by: User, requested_name: str, reason: str
) -> NameChangeRequest:
    """``by`` (the holder of ``endorsement``) asks for ``requested_name`` on their certificate.
    Refused when they are not the holder, the name is empty or unchanged, the reason is
    missing, the endorsement is revoked, or a request of theirs is already waiting."""
    if endorsement.holder_id != by.pk:
        raise NameChangeRefused(_("Only the holder may ask for a change of their name."))
    requested_name = " ".join((requested_name or "").split())
    reason = (reason or "").strip()
    if not requested_name:
        raise NameChangeRefused(_("Write your name as it should be printed."), "requested_name")
    if len(requested_name) > NAME_MAX_LENGTH:
        raise NameChangeRefused(
            _("A name has at most %(count)d characters.") % {"count": NAME_MAX_LENGTH},
            "requested_name",
        )
    if requested_name == by.get_full_name():
        raise NameChangeRefused(
            _("This is already your name: write the new one."), "requested_name"
        )
    if not reason:
        raise NameChangeRefused(_("Say why your name changes."), "reason")
    if endorsement.status == EndorsementStatus.REVOKED:
        raise NameChangeRefused(_("This endorsement is revoked: its certificate is not reissued."))
    # One waiting request per person: the row lock makes two quick submissions wait in turn.
    User.objects.select_for_update().filter(pk=by.pk).first()
    if NameChangeRequest.objects.filter(holder=by, state=NameChangeState.PENDING).exists():
        raise NameChangeRefused(
            _("You already asked for a change of name; wait for the office's answer.")
        )
    return NameChangeRequest.objects.create(
        endorsement=endorsement, holder=by, requested_name=requested_name, reason=reason
    )


def _locked_pending(request: NameChangeRequest) -> NameChangeRequest | None:
    locked = (
        NameChangeRequest.objects.select_for_update(of=("self",))
        .select_related("endorsement__application", "endorsement__association", "holder")
        .get(pk=request.pk)
    )
    return locked if locked.state == NameChangeState.PENDING else None


def _timeline(*, request: NameChangeRequest, by: User | None, key: str, values: dict) -> None:
    application = request.endorsement.application
    values = note_values_json(values)
    ApplicationEvent.objects.create(
        application=application,
        actor=by,
        from_state=application.state,
        to_state=application.state,
        note=note_in_site_language(key, values),
        note_key=key,
        note_values=values,
    )


def _audit(request: NameChangeRequest, by: User, action: str) -> None:
    audit_record(
        action=action,
        actor=by,
        target=request,
        object_label=f"{request.endorsement.number}: {request.requested_name}",
        association_id=request.endorsement.association_id,
        details={"holder": request.holder_id},
    )


@transaction.atomic
def name_change_approve(*, request: NameChangeRequest, by: User) -> NameChangeRequest:
    """Approve ``request``: the holder's name becomes the requested one and a new certificate
    of each of their endorsements of the association is produced with it (the earlier ones
    are superseded). Approving a decided request changes nothing. Returns the request."""
    locked = _locked_pending(request)
    if locked is None:
        return NameChangeRequest.objects.get(pk=request.pk)
    holder = locked.holder
    now = timezone.now()
    locked.previous_name = holder.get_full_name()
    locked.state = NameChangeState.APPROVED
    locked.decided_by = by
    locked.decided_at = now
    locked.save(update_fields=["previous_name", "state", "decided_by", "decided_at"])
    holder.full_name = locked.requested_name
    holder.save(update_fields=["full_name"])
    _audit(locked, by, NAME_CHANGE_APPROVE)
    endorsements = list(
        Endorsement.objects.filter(
            holder=holder, association=locked.endorsement.association
        ).exclude(status=EndorsementStatus.REVOKED)
    )
    for endorsement in endorsements:
        certificate_issue(endorsement=endorsement)
    number = locked.endorsement.number
    _timeline(request=locked, by=by, key="name_change_approved", values={"number": number})
    application_email_on_commit(
        application=locked.endorsement.application,
        key="name_change_approved",
        recipients=[holder],
        extra={"number": number, "name": locked.requested_name},
    )
    # The public pages show the new name at once (now, and again once committed).
    numbers = [endorsement.number for endorsement in endorsements]

    def forget():
        for number in numbers:
            verification_cache_forget(number)

    forget()
    transaction.on_commit(forget)
    return locked


@transaction.atomic
def name_change_refuse(*, request: NameChangeRequest, by: User, reason: str) -> NameChangeRequest:
    """Refuse ``request`` for ``reason`` (required; the holder reads it). Refusing a decided
    request changes nothing. Returns the request."""
    reason = (reason or "").strip()
    if not reason:
        raise NameChangeRefused(_("Give the reason: the holder reads it."), "reason")
    locked = _locked_pending(request)
    if locked is None:
        return NameChangeRequest.objects.get(pk=request.pk)
    locked.state = NameChangeState.REFUSED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.refusal_reason = reason
    locked.save(update_fields=["state", "decided_by", "decided_at", "refusal_reason"])
    _audit(locked, by, NAME_CHANGE_REFUSE)
    number = locked.endorsement.number
    _timeline(
        request=locked,
        by=by,
        key="name_change_refused",
        values={"number": number, "reason": reason},
    )
    application_email_on_commit(
        application=locked.endorsement.application,
        key="name_change_refused",
        recipients=[locked.holder],
        extra={"number": number, "name": locked.requested_name, "reason": reason},
    )
    return locked
