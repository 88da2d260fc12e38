"""The holder's way to continue their endorsement, on their dashboard (``accounts.dashboards``):
reinstate it when it lapsed, add a category while it is in good standing, or open the
application that does either."""

from accounts import dashboards
from endorsement.enums import CLOSED_STATES, EndorsementStatus
from portfolios.continuations import ADDABLE_FROM

SHOWN = [EndorsementStatus.LAPSED, *ADDABLE_FROM]


@dashboards.register_section(dashboards.APPLICANT)
def holder_continuations(request, association, context):
    """No query of its own: the person's applications (``endorsement.dashboards``, read with
    their endorsements) name the endorsements that are lapsed or in good standing and the open
    applications that continue them."""
    applications = context.get("applications", [])
    continuing = {
        application.prior_endorsement_id: application.pk
        for application in applications
        if application.prior_endorsement_id and application.state not in CLOSED_STATES
    }
    rows = [
        {
            "endorsement": application.endorsement_row,
            # The endorsement's category and association are its application's.
            "category": application.category,
            "association": application.association,
            "open_application": continuing.get(application.endorsement_row.pk),
        }
        for application in applications
        if getattr(application, "endorsement_row", None) is not None
        and application.endorsement_row.status in SHOWN
    ]
    if not rows:
        return None
    return dashboards.Section(
        template="portfolios/continuations/_dashboard.html", data={"rows": rows}
    )
