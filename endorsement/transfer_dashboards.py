"""What moving an endorsement adds to the dashboards (imported from ``EndorsementConfig.ready``):
the transfers waiting for the receiving coordinator ("needs you now") and, for a holder, the
way to ask for one (or the request they made)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import dashboards, ui
from accounts.enums import Role
from endorsement.enums import TransferState
from endorsement.models import EndorsementTransfer
from endorsement.transfers import TRANSFERABLE


@dashboards.register_tasks(Role.COORDINATOR)
def coordinator_transfer_tasks(request, association, context) -> list[dashboards.Task]:
    """Transfers into the association waiting for a decision, oldest first (one query)."""
    waiting = (
        EndorsementTransfer.objects.filter(
            to_association=association, state=TransferState.REQUESTED
        )
        .select_related(
            "from_endorsement__holder", "from_endorsement__category", "from_association"
        )
        .order_by("created", "pk")
    )
    return [
        dashboards.Task(
            kind="transfer",
            label=_("Accept or refuse the transfer of %(name)s (%(code)s) from %(association)s")
            % {
                "name": transfer.from_endorsement.holder.get_full_name(),
                "code": transfer.from_endorsement.category.code,
                "association": transfer.from_association.name,
            },
            url=reverse("endorsement:transfer.detail", kwargs={"pk": transfer.pk}),
            priority=42,
            since=transfer.created,
        )
        for transfer in waiting
    ]


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
)
