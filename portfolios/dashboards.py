"""The holder's way to continue their endorsement, on their dashboard (``accounts.dashboards``):
reinstate it when it lapsed, add a category while it is in good standing, or open the
application that does either."""

from django.db.models import OuterRef, Subquery

from accounts import dashboards
from endorsement.enums import CLOSED_STATES, EndorsementStatus
from endorsement.models import Application, Endorsement
from portfolios.continuations import ADDABLE_FROM


@dashboards.register_section(dashboards.APPLICANT)
def holder_continuations(request, association, context):
    """One query: the person's lapsed or current endorsements, each with its open application
    that continues it (a reinstatement, another category), if any."""
    open_application = (
        Application.objects.filter(prior_endorsement=OuterRef("pk"))
        .exclude(state__in=CLOSED_STATES)
        .values("pk")[:1]
    )
    endorsements = (
        Endorsement.objects.filter(
            holder=request.user, status__in=[EndorsementStatus.LAPSED, *ADDABLE_FROM]
        )
        .select_related("category", "association")
        .annotate(open_application=Subquery(open_application))
        .order_by("-awarded_on", "-pk")
    )
    rows = [
        {"endorsement": endorsement, "open_application": endorsement.open_application}
        for endorsement in endorsements
    ]
    if not rows:
        return None
    return dashboards.Section(
        template="portfolios/continuations/_dashboard.html", data={"rows": rows}
    )
