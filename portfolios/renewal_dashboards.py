"""The renewal on the dashboards (``accounts.dashboards``): the holder's "Renew" step and
section, the coordinator's link to the renewals to approve or audit. Imported from
``PortfoliosConfig.ready``."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import dashboards
from accounts.enums import Role
from endorsement.enums import EndorsementStatus, RenewalState
from endorsement.lifecycle import renewal_dates, renewal_policy
from endorsement.models import Endorsement, Renewal

E = EndorsementStatus


@dashboards.register(dashboards.APPLICANT)
def holder_renewals(request, association) -> dict:
    """The holder's endorsements whose renewal is open, each with this year's renewal (2
    queries)."""
    endorsements = list(
        Endorsement.objects.filter(holder=request.user, status__in=[E.ACTIVE, E.RENEWAL_DUE])
        .select_related("association__renewal_policy", "category")
        .order_by("valid_through", "pk")
    )
    rows = []
    for endorsement in endorsements:
        dates = renewal_dates(
            valid_through=endorsement.valid_through,
            policy=renewal_policy(endorsement.association),
        )
        today = endorsement.association.today()
        if endorsement.status == E.RENEWAL_DUE or today >= dates.opens:
            rows.append({"endorsement": endorsement, "dates": dates, "late": dates.is_late(today)})
    if not rows:
        return {}
    renewals = {
        (renewal.endorsement_id, renewal.year): renewal
        for renewal in Renewal.objects.filter(endorsement__in=[row["endorsement"] for row in rows])
    }
    for row in rows:
        endorsement = row["endorsement"]
        row["renewal"] = renewals.get((endorsement.pk, endorsement.valid_through.year + 1))
        row["url"] = reverse("portfolios:renewal", kwargs={"endorsement_id": endorsement.pk})
    return {"renewal_rows": rows}


@dashboards.register_next_step(dashboards.APPLICANT)
def holder_renewal_next_step(request, association, context):
    """ "Renew your endorsement" while a renewal is open and not sent (no query)."""
    for row in context.get("renewal_rows") or []:
        renewal = row["renewal"]
        if renewal is not None and renewal.state in (RenewalState.SUBMITTED, RenewalState.APPROVED):
            continue
        endorsement = row["endorsement"]
        return dashboards.NextStep(
            heading=_("Renew your endorsement %(number)s") % {"number": endorsement.number},
            text=_(
                "It is valid through %(date)s. Enter this year's training hours, sign the Code "
                "of Ethics, pay the renewal fee and submit by %(grace)s."
            )
            % {
                "date": date_format(endorsement.valid_through, "DATE_FORMAT"),
                "grace": date_format(row["dates"].grace_until, "DATE_FORMAT"),
            },
            action_label=_("Renew"),
            action_url=row["url"],
            kind="renewal",
            urgency=10 if renewal is not None and renewal.state == RenewalState.RETURNED else 20,
        )
    return None


@dashboards.register_section(dashboards.APPLICANT)
def holder_renewal_section(request, association, context):
    rows = context.get("renewal_rows")
    if not rows:
        return None
    return dashboards.Section(template="portfolios/renewal/_dashboard.html", data={"rows": rows})


@dashboards.register_section(Role.COORDINATOR)
def coordinator_renewals_link(request, association, context):
    """The link to the association's renewals (no query: the dashboard keeps within its 15
    queries; the renewal desk counts them)."""
    return dashboards.Section(
        template="portfolios/renewal/_dashboard_coordinator.html",
        data={"url": reverse("portfolios:renewals", kwargs={"slug": association.slug})},
    )
