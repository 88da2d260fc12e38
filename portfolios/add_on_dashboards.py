"""Add-on designations on the holder's dashboard (``accounts.dashboards``, registered from
``PortfoliosConfig.ready``): their add-ons and those they may apply for. The coordinator's
"needs you now" rows for applications waiting come with credentials' rows, in the same query
(``credentials.selectors.association_certificate_tasks``)."""

from django.urls import reverse

from accounts import dashboards
from endorsement.addons import holder_add_on_rows


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
