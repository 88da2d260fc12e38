"""The applicant's membership on the coordinator's application page (``endorsement.panels``),
read from the annotations ``CoordinatorApplicationMixin`` puts on the application (no query of
its own); imported from ``EndorsementConfig.ready``."""

from accounts.selectors import membership_standing
from endorsement.panels import Panel, register_application_panel


@register_application_panel
def application_membership_panel(request, application):
    if not hasattr(application, "member_until"):
        return None
    association = application.association
    standing = membership_standing(
        member_until=application.member_until,
        pending=application.membership_pending,
        today=association.today(),
    )
    return Panel(
        template="endorsement/_application_membership.html",
        context={
            "standing": standing,
            "state": f"membership_{standing.value}",
            "member_until": application.member_until,
            "members_url_slug": association.slug,
        },
    )
