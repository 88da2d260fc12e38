"""What ``credentials`` adds to the dashboards of ``accounts`` (registered from
``CredentialsConfig.ready``): the holder's registry listing on the applicant's dashboard, the
registry and its CSV on the coordinator's."""

from django.urls import reverse

from accounts import dashboards
from accounts.enums import Role


@dashboards.register_section(dashboards.APPLICANT)
def applicant_listing(request, association, context):
    """Each of the person's endorsements, listed or not, with the link to change it; read from
    the applications the dashboard already loaded (no query; nothing when they hold none)."""
    rows = [
        {
            "endorsement": application.endorsement_row,
            "association": application.association,
            "category": application.category,
        }
        for application in context.get("applications", [])
        if getattr(application, "endorsement_row", None) is not None
    ]
    if not rows:
        return None
    return dashboards.Section(template="credentials/_dashboard_listing.html", data={"rows": rows})


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
