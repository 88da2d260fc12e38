"""Add-on designations on the dashboards (``accounts.dashboards``, registered from
``PortfoliosConfig.ready``): the holder's add-ons and those they may apply for, and the
coordinator's "needs you now" rows for applications waiting for a decision."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import dashboards
from accounts.enums import Role
from endorsement.addons import add_ons_waiting, holder_add_on_rows


@dashboards.register_section(dashboards.APPLICANT)
def holder_add_ons(request, association, context):
    """Each endorsement's add-ons (state, valid through) and the ones it may still apply for;
    no query for a person who holds no endorsement, three otherwise."""
    if not any(
        getattr(application, "endorsement_row", None) is not None
        for application in context.get("applications", [])
    ):
        return None
    rows = holder_add_on_rows(user=request.user)
    if not rows:
        return None
    for row in rows:
        row["apply"] = [
            {
                "add_on": add_on,
                "url": reverse(
                    "portfolios:addon.apply",
                    kwargs={"pk": row["endorsement"].pk, "code": add_on.code},
                ),
            }
            for add_on in row["offered"]
        ]
    return dashboards.Section(template="portfolios/addons/_dashboard.html", data={"rows": rows})


@dashboards.register_tasks(Role.COORDINATOR)
def coordinator_add_on_tasks(request, association, context) -> list[dashboards.Task]:
    """Applications for an add-on to decide, oldest first (one query)."""
    return [
        dashboards.Task(
            kind="add_on",
            label=_("Decide the %(add_on)s of %(name)s (%(code)s)")
            % {
                "add_on": holding.add_on.display_name,
                "name": holding.endorsement.holder.get_full_name(),
                "code": holding.endorsement.category.code,
            },
            url=reverse("portfolios:addon.detail", kwargs={"pk": holding.pk}),
            priority=47,
            since=holding.applied_at,
        )
        for holding in add_ons_waiting(association=association)
    ]
