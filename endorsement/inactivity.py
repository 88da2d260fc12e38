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
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from endorsement.models import BUILDING_STATES, Application
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


def applications_hold_inactive(*, now: datetime.datetime | None = None) -> int:
    """Put every inactive building application on hold; returns how many were held."""
    months = settings.INACTIVITY_HOLD_MONTHS
    cutoff = months_before(now or timezone.now(), months)
    ids = list(
        Application.objects.filter(state__in=BUILDING_STATES, last_activity__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        note = _(
            "No activity for %(months)s months: the application is on hold. Resume it from "
            "the portfolio when you are ready to go on."
        ) % {"months": months}
    held = 0
    for pk in ids:
        if application_hold_if_inactive(pk=pk, cutoff=cutoff, note=note):
            held += 1
    return held


@transaction.atomic
def application_hold_if_inactive(*, pk: int, cutoff: datetime.datetime, note: str) -> bool:
    """Hold one application if, locked, it is still inactive (the applicant may have saved
    something since it was listed). One transaction each: a failure leaves the others held."""
    still_inactive = (
        Application.objects.select_for_update()
        .filter(pk=pk, state__in=BUILDING_STATES, last_activity__lt=cutoff)
        .exists()
    )
    if not still_inactive:
        return False
    try:
        application_transition(
            application=Application(pk=pk), action="hold_inactive", by=None, note=note
        )
    except TransitionNotAllowed:
        logger.info("Application %s could not be put on hold", pk)
        return False
    return True
