"""How the states of a proof of membership elsewhere are shown (imported from
``BillingConfig.ready``). The proofs waiting for the coordinator are among the "needs you now"
rows that ``credentials.dashboards`` reads in its one query."""

from accounts import ui
from accounts.enums import MembershipProofState

ui.register_status_families(
    {
        f"proof_{MembershipProofState.PENDING}": ui.PROGRESS,
        f"proof_{MembershipProofState.CONFIRMED}": ui.SUCCESS,
        f"proof_{MembershipProofState.REFUSED}": ui.STOPPED,
    },
    labels={f"proof_{state}": state.label for state in MembershipProofState},
)
