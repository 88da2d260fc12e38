"""The links to the data-rights pages: "Download my data" on the applicant's dashboard, "Erase
an applicant's data" on the association admin's (no query)."""

from django.urls import reverse

from accounts import dashboards
from accounts.enums import Role


@dashboards.register_section(dashboards.APPLICANT)
def export_section(request, association, context):
    return dashboards.Section(
        template="rights/_dashboard_export.html",
        data={"export_url": reverse("rights:export")},
    )


@dashboards.register_section(Role.ASSOCIATION_ADMIN)
def erasure_section(request, association, context):
    if association is None:
        return None
    return dashboards.Section(
        template="rights/_dashboard_erasure.html",
        data={"erasure_url": reverse("rights:erasure", args=[association.slug])},
    )
