"""Writes of credentials: revoking an endorsement."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from credentials.links import verification_url
from credentials.verification import verification_cache_forget
from endorsement.emails import application_email_on_commit
from endorsement.enums import EndorsementStatus
from endorsement.lifecycle import EndorsementTransitionRefused, endorsement_transition
from endorsement.models import ApplicationEvent, Endorsement
from endorsement.notes import note_in_site_language, note_values_json


class RevocationRefused(Exception):
    """The revocation was not made (e.g. no reason given); the message is for the person."""


@transaction.atomic
def endorsement_revoke(*, endorsement: Endorsement, by: User | None, reason: str) -> Endorsement:
    """Revoke ``endorsement`` for ``reason``: its status is "revoked" from now (the
    verification page, the registry and the API read it at once), the application's timeline
    (the audit log) records it, and the holder is e-mailed once the transaction commits.

    Revoking a revoked endorsement changes nothing and sends nothing. The application stays
    "awarded": the timeline's row goes from "awarded" to "awarded", with the reason as its note.
    Returns the endorsement as saved.
    """
    reason = (reason or "").strip()
    if not reason:
        raise RevocationRefused(_("Give the reason: the holder reads it, and so does the public."))
    current = Endorsement.objects.select_for_update(of=("self",)).get(pk=endorsement.pk)
    if current.status == EndorsementStatus.REVOKED:
        return current
    try:
        endorsement = endorsement_transition(
            endorsement=current, action="revoke", by=by, note=reason
        )
    except EndorsementTransitionRefused as refused:
        raise RevocationRefused(str(refused)) from refused
    application = endorsement.application
    values = note_values_json({"number": endorsement.number, "reason": reason})
    ApplicationEvent.objects.create(
        application=application,
        actor=by,
        from_state=application.state,
        to_state=application.state,
        note=note_in_site_language("endorsement_revoked", values),
        note_key="endorsement_revoked",
        note_values=values,
    )
    application_email_on_commit(
        application=application,
        key="endorsement_revoked",
        recipients=[endorsement.holder],
        extra={
            "number": endorsement.number,
            "reason": reason,
            "verify_url": verification_url(endorsement.number),
        },
    )
    # Now, and again once committed: a page read in between may have cached the old facts.
    verification_cache_forget(endorsement.number)
    transaction.on_commit(lambda: verification_cache_forget(endorsement.number))
    return endorsement
