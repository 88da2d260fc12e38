"""What moving an endorsement adds to the holder's dashboard (imported from
``EndorsementConfig.ready``): the way to ask for a transfer, or the request they made. The
transfers waiting for the receiving coordinator are among the "needs you now" rows that
``credentials.dashboards`` reads in its one query."""

from accounts import dashboards, ui
from endorsement.enums import TransferState
from endorsement.models import EndorsementTransfer
from endorsement.transfers import TRANSFERABLE


@dashboards.register_section(dashboards.APPLICANT)
def holder_transfers(request, association, context):
    """The person's endorsements that may move, each with its latest request (one query;
    nothing when they hold none)."""
    held = [
        (application.endorsement_row, application.category)
        for application in context.get("applications", [])
        if getattr(application, "endorsement_row", None) is not None
    ]
    endorsements = [endorsement for endorsement, _category in held]
    if not endorsements:
        return None
    latest = {}
    for transfer in (
        EndorsementTransfer.objects.filter(from_endorsement__in=endorsements)
        .select_related("to_association")
        .order_by("created", "pk")
    ):
        latest[transfer.from_endorsement_id] = transfer
    rows = []
    for endorsement, category in held:
        transfer = latest.get(endorsement.pk)
        if transfer is None and endorsement.status not in TRANSFERABLE:
            continue
        rows.append({"endorsement": endorsement, "category": category, "transfer": transfer})
    if not rows:
        return None
    return dashboards.Section(template="endorsement/_dashboard_transfers.html", data={"rows": rows})


ui.register_status_families(
    {
        f"transfer_{TransferState.REQUESTED}": ui.PROGRESS,
        f"transfer_{TransferState.ACCEPTED}": ui.SUCCESS,
        f"transfer_{TransferState.REFUSED}": ui.STOPPED,
    },
    labels={f"transfer_{state}": state.label for state in TransferState},
)
