"""Applications left untouched while the portfolio is built go on hold (run daily by beat).

"Untouched" is ``Application.last_activity`` (evidence saved, a comment, any step) older than
``settings.INACTIVITY_HOLD_MONTHS`` months, in one of ``BUILDING_STATES``. The applicant resumes
from the portfolio's timeline page. Running it twice holds nobody twice: a held application is
no longer in a building state.
"""

import calendar
import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from endorsement.enums import BUILDING_STATES
from endorsement.models import Application
from endorsement.services import TransitionNotAllowed, application_transition

logger = logging.getLogger(__name__)


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time ``months`` calendar months earlier (31 March - 1 month = 28/29
    February)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def months_after(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time ``months`` calendar months later (31 January + 1 month = 28/29
    February): when an application last active at ``moment`` goes on hold."""
    return months_before(moment, -months)


def applications_hold_inactive(*, now: datetime.datetime | None = None) -> int:
    """Put every inactive building application on hold; returns how many were held."""
    months = settings.INACTIVITY_HOLD_MONTHS
    cutoff = months_before(now or timezone.now(), months)
    ids = list(
        Application.objects.filter(state__in=BUILDING_STATES, last_activity__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    held = 0
    for pk in ids:
        if application_hold_if_inactive(pk=pk, cutoff=cutoff, months=months):
            held += 1
    return held


@transaction.atomic
def application_hold_if_inactive(*, pk: int, cutoff: datetime.datetime, months: int) -> bool:
    """Hold one application if, locked, it is still inactive (the applicant may have saved
    something since it was listed). One transaction each: a failure leaves the others held.
    The note (``hold_inactive``, naming the ``months``) reads in each reader's language."""
    still_inactive = (
        Application.objects.select_for_update()
        .filter(pk=pk, state__in=BUILDING_STATES, last_activity__lt=cutoff)
        .exists()
    )
    if not still_inactive:
        return False
    try:
        application_transition(
            application=Application(pk=pk),
            action="hold_inactive",
            by=None,
            note_key="hold_inactive",
            note_values={"months": months},
        )
    except TransitionNotAllowed:
        logger.info("Application %s could not be put on hold", pk)
        return False
    return True
