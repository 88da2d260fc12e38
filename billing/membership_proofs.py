"""Membership of another association for infant mental health, accepted with proof.

The person sends the proof (a document checked like every upload: size, virus scan when a
scanner is configured, type from the content; stored privately under a generated name) with the
other association's name, their member number there and the date their membership there ends.
A coordinator of the association confirms or refuses it (with a reason); the person is told by
e-mail either way (``billing.emails``). A confirmed proof
counts as a current membership until its end date wherever membership is checked
(``accounts.selectors``: the portfolio's check, the registrations list, the dashboards).
"""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import MembershipProofState
from accounts.models import Association, MembershipProof, User
from accounts.rules import is_coordinator_of
from audit.enums import MEMBERSHIP_PROOF_CONFIRM, MEMBERSHIP_PROOF_REFUSE
from audit.services import audit_record
from billing.emails import membership_proof_email_on_commit
from portfolios.documents import upload_checked


class ProofRefused(Exception):
    """Nothing was written; the message is a sentence for the person."""


def membership_proof_waiting(*, user: User, association: Association) -> MembershipProof | None:
    return MembershipProof.objects.filter(
        user=user, association=association, state=MembershipProofState.PENDING
    ).first()


def membership_proofs_of(*, user: User, association: Association) -> list[MembershipProof]:
    return list(MembershipProof.objects.filter(user=user, association=association))


def membership_proofs_waiting(*, association: Association) -> list[MembershipProof]:
    """The proofs waiting for the association's coordinators, oldest first (one query)."""
    return list(
        MembershipProof.objects.filter(association=association, state=MembershipProofState.PENDING)
        .select_related("user")
        .order_by("created", "pk")
    )


@transaction.atomic
def membership_proof_submit(
    *,
    user: User,
    association: Association,
    other_association: str,
    member_number: str,
    end,
    uploaded_file: UploadedFile,
) -> MembershipProof:
    """Store the proof, waiting for a coordinator. Refused (``ProofRefused`` or the upload's
    ``ValidationError``, nothing stored) when a proof already waits, the membership there has
    already ended or the file is not accepted."""
    other_association = (other_association or "").strip()
    if not other_association:
        raise ProofRefused(_("Name the association you are a member of."))
    if end is None or end < association.today():
        raise ProofRefused(_("This membership has already ended: send a current one."))
    # Locks the person's row: two sendings at once cannot both pass the check below.
    User.objects.select_for_update().get(pk=user.pk)
    if membership_proof_waiting(user=user, association=association) is not None:
        raise ProofRefused(_("A proof of yours already waits for the coordinator."))
    check, name = upload_checked(uploaded_file)
    proof = MembershipProof(
        association=association,
        user=user,
        other_association=other_association[:200],
        member_number=(member_number or "").strip()[:40],
        end=end,
        original_name=name,
        content_type=check.content_type,
        size=check.size,
        sha256=check.sha256,
    )
    uploaded_file.seek(0)
    proof.file.save("upload", uploaded_file, save=False)
    try:
        proof.save()
    except BaseException:
        proof.file.delete(save=False)
        raise
    return proof


def _lock_waiting(proof: MembershipProof, by: User | None) -> MembershipProof:
    proof = (
        MembershipProof.objects.select_for_update(of=("self",))
        .select_related("association", "user")
        .get(pk=proof.pk)
    )
    if by is None or not is_coordinator_of(by, proof.association):
        raise ProofRefused(_("Only a coordinator of this association may decide on this proof."))
    if proof.state != MembershipProofState.PENDING:
        raise ProofRefused(
            _("This proof was already decided: %(state)s.")
            % {"state": MembershipProofState(proof.state).label.lower()}
        )
    return proof


def _audit(proof: MembershipProof, by: User, action: str) -> None:
    audit_record(
        action=action,
        actor=by,
        target=proof,
        object_label=f"{proof.original_name} ({proof.user.email})",
        association_id=proof.association_id,
    )


@transaction.atomic
def membership_proof_confirm(*, proof: MembershipProof, by: User) -> MembershipProof:
    """The coordinator confirms: the proof counts as membership until its end date."""
    proof = _lock_waiting(proof, by)
    proof.state = MembershipProofState.CONFIRMED
    proof.decided_by = by
    proof.decided_at = timezone.now()
    proof.save(update_fields=["state", "decided_by", "decided_at"])
    _audit(proof, by, MEMBERSHIP_PROOF_CONFIRM)
    membership_proof_email_on_commit(proof=proof)
    return proof


@transaction.atomic
def membership_proof_refuse(*, proof: MembershipProof, by: User, reason: str) -> MembershipProof:
    """The coordinator refuses, with the reason the person reads."""
    proof = _lock_waiting(proof, by)
    reason = (reason or "").strip()
    if not reason:
        raise ProofRefused(_("Give the reason: the member reads it."))
    proof.state = MembershipProofState.REFUSED
    proof.decision_note = reason
    proof.decided_by = by
    proof.decided_at = timezone.now()
    proof.save(update_fields=["state", "decision_note", "decided_by", "decided_at"])
    _audit(proof, by, MEMBERSHIP_PROOF_REFUSE)
    membership_proof_email_on_commit(proof=proof)
    return proof
