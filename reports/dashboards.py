"""The link to the reports on the coordinator's and the association admin's dashboards (no
query)."""

from django.urls import reverse

from accounts import dashboards
from accounts.enums import Role


def reports_section(request, association, context):
    return dashboards.Section(
        template="reports/_dashboard_reports.html",
        data={"reports_url": reverse("reports:index", args=[association.slug])},
    )


dashboards.register_section(Role.COORDINATOR)(reports_section)
dashboards.register_section(Role.ASSOCIATION_ADMIN)(reports_section)
