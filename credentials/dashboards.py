"""What ``credentials`` adds to the dashboards of ``accounts`` (registered from
``CredentialsConfig.ready``): the holder's registry listing on the applicant's dashboard, the
registry and its CSV on the coordinator's."""

from django.urls import reverse

from accounts import dashboards, ui
from accounts.enums import Role
from credentials.registry import holder_endorsements
from endorsement.enums import EndorsementStatus


@dashboards.register_section(dashboards.APPLICANT)
def applicant_listing(request, association, context):
    """Each of the person's endorsements, listed or not, with the link to change it (1 query;
    nothing when they hold none)."""
    endorsements = holder_endorsements(user=request.user)
    if not endorsements:
        return None
    return dashboards.Section(
        template="credentials/_dashboard_listing.html", data={"endorsements": endorsements}
    )


@dashboards.register_section(Role.COORDINATOR)
def coordinator_registry(request, association, context):
    """The association's public registry and its CSV (no query)."""
    return dashboards.Section(
        template="credentials/_dashboard_registry.html",
        data={
            "registry_url": reverse("credentials:registry", kwargs={"slug": association.slug}),
            "csv_url": reverse("credentials:registry.csv", kwargs={"slug": association.slug}),
        },
    )


ui.register_status_families(
    {
        EndorsementStatus.ACTIVE: ui.SUCCESS,
        EndorsementStatus.RENEWAL_DUE: ui.ACTION,
        EndorsementStatus.EMERITUS: ui.SUCCESS,
        EndorsementStatus.LAPSED: ui.STOPPED,
        EndorsementStatus.REVOKED: ui.STOPPED,
        EndorsementStatus.SUPERSEDED: ui.CLOSED,
    },
    labels=dict(EndorsementStatus.choices),
)
