"""What the member list adds to the dashboards (``accounts.dashboards``) and to the status
badge's families (``accounts.ui``); imported from ``AccountsConfig.ready``."""

from django.urls import reverse

from accounts import dashboards, ui
from accounts.enums import MemberStanding, Role

ui.register_status_families(
    {
        f"membership_{MemberStanding.CURRENT}": ui.SUCCESS,
        f"membership_{MemberStanding.EXPIRING}": ui.ACTION,
        f"membership_{MemberStanding.EXPIRED}": ui.STOPPED,
        f"membership_{MemberStanding.PENDING}": ui.PROGRESS,
        f"membership_{MemberStanding.NONE}": ui.CLOSED,
    },
    labels={f"membership_{s.value}": s.label for s in MemberStanding},
)


@dashboards.register_section(Role.COORDINATOR)
def coordinator_members(request, association, context):
    """The link to the association's member list (no query)."""
    return dashboards.Section(
        template="accounts/_dashboard_members.html",
        data={"members_url": reverse("accounts:members", kwargs={"slug": association.slug})},
    )
