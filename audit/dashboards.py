"""The audit log's link on the coordinator's and the association admin's dashboards (no
query)."""

from django.urls import reverse

from accounts import dashboards
from accounts.enums import Role


def audit_section(request, association, context):
    if association is None:
        return None
    return dashboards.Section(
        template="audit/_dashboard_audit.html",
        data={"audit_url": reverse("audit:log", kwargs={"slug": association.slug})},
    )


dashboards.register_section(Role.COORDINATOR)(audit_section)
dashboards.register_section(Role.ASSOCIATION_ADMIN)(audit_section)
