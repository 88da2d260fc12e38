"""The proofs of membership elsewhere waiting for the coordinator ("needs you now"); imported
from ``BillingConfig.ready``."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import dashboards, ui
from accounts.enums import MembershipProofState, Role
from billing.membership_proofs import membership_proofs_waiting


@dashboards.register_tasks(Role.COORDINATOR)
def coordinator_proof_tasks(request, association, context) -> list[dashboards.Task]:
    """One row per proof waiting, oldest first (one query)."""
    return [
        dashboards.Task(
            kind="membership_proof",
            label=_("Confirm or refuse the proof of membership elsewhere of %(name)s")
            % {"name": proof.user.get_full_name()},
            url=reverse("billing:membership.proof.decide", kwargs={"pk": proof.pk}),
            priority=44,
            since=proof.created,
        )
        for proof in membership_proofs_waiting(association=association)
    ]


ui.register_status_families(
    {
        f"proof_{MembershipProofState.PENDING}": ui.PROGRESS,
        f"proof_{MembershipProofState.CONFIRMED}": ui.SUCCESS,
        f"proof_{MembershipProofState.REFUSED}": ui.STOPPED,
    }
)
