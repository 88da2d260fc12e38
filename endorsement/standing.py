"""An endorsement's standing as its holder and the coordinator read it: the status, the date it
is valid through, the renewal calendar in plain words and the endorsement's own timeline
(``EndorsementEvent``), with the holder's way to ask for emeritus status.

Shown on the holder's dashboard (``endorsement.dashboards.applicant_progress`` builds the rows
from the applications it already read: two queries more, and only for holders) and on the
coordinator's page of an awarded application (``application_standing_panel``, a panel of
``endorsement.panels``: three queries).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import NoReverseMatch, reverse

from endorsement.enums import EmeritusState, EndorsementStatus
from endorsement.lifecycle import RenewalDates, endorsement_renewal_dates
from endorsement.models import EmeritusRequest, Endorsement, EndorsementEvent
from endorsement.panels import Panel, register_application_panel
from endorsement.selectors import STANDING_RELATED

E = EndorsementStatus
# Standings that are renewed each year: their calendar is shown.
RENEWABLE = (E.ACTIVE, E.RENEWAL_DUE)


@dataclass
class Standing:
    endorsement: Endorsement
    today: datetime.date
    dates: RenewalDates | None = None
    events: list = field(default_factory=list)
    emeritus_pending: EmeritusRequest | None = None
    emeritus_url: str = ""
    renew_url: str = ""

    @property
    def is_late(self) -> bool:
        """Due and past 1 January: the late fee applies."""
        return (
            self.endorsement.status == E.RENEWAL_DUE
            and self.dates is not None
            and self.dates.is_late(self.today)
        )

    @property
    def lapse_date(self) -> datetime.date | None:
        """The day after the grace date, for a lapsed endorsement."""
        if self.endorsement.status != E.LAPSED:
            return None
        dates = endorsement_renewal_dates(self.endorsement)
        return dates.grace_until + datetime.timedelta(days=1)


# The holder's renewal page (``portfolios``), when the portal has it.
RENEWAL_PAGE = "portfolios:renewal"


def renewal_page_pattern() -> str:
    """The holder's renewal page with "987654321" for the endorsement; "" without one."""
    try:
        return reverse(RENEWAL_PAGE, kwargs={"endorsement_id": 987654321})
    except NoReverseMatch:
        return ""


def events_queryset():
    return EndorsementEvent.objects.select_related("actor").order_by("at", "id")


def standing_rows(endorsements: list[Endorsement], *, holder_view: bool) -> list[Standing]:
    """The standing of each endorsement (read with ``STANDING_RELATED``): its events and the
    emeritus requests waiting, in two queries for all of them (none without endorsements)."""
    if not endorsements:
        return []
    prefetch_related_objects(endorsements, Prefetch("events", queryset=events_queryset()))
    waiting = {
        request.endorsement_id: request
        for request in EmeritusRequest.objects.filter(
            endorsement__in=endorsements, state=EmeritusState.PENDING
        )
    }
    renew = renewal_page_pattern() if holder_view else ""
    rows = []
    for endorsement in endorsements:
        row = Standing(
            endorsement=endorsement,
            today=endorsement.association.today(),
            events=list(endorsement.events.all()),
            emeritus_pending=waiting.get(endorsement.pk),
        )
        if endorsement.status in RENEWABLE:
            row.dates = endorsement_renewal_dates(endorsement)
            if renew and endorsement.status == E.RENEWAL_DUE:
                row.renew_url = renew.replace("987654321", str(endorsement.pk))
            if holder_view and row.emeritus_pending is None:
                row.emeritus_url = reverse(
                    "endorsement:emeritus.request", kwargs={"pk": endorsement.pk}
                )
        rows.append(row)
    return rows


@register_application_panel
def application_standing_panel(request, application):
    """The endorsement's standing and timeline on the coordinator's page of an awarded
    application, with the emeritus request waiting (three queries; none before the award)."""
    if application.state != "awarded":
        return None
    endorsement = (
        Endorsement.objects.select_related(*STANDING_RELATED)
        .filter(application_id=application.pk)
        .first()
    )
    if endorsement is None:
        return None
    (row,) = standing_rows([endorsement], holder_view=False)
    decide_url = ""
    if row.emeritus_pending is not None:
        decide_url = reverse("endorsement:emeritus.decide", kwargs={"pk": row.emeritus_pending.pk})
    return Panel(
        template="endorsement/_application_standing.html",
        context={"row": row, "decide_url": decide_url},
    )
