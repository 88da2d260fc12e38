"""Dates and times people read: stored in UTC, shown in the association's time zone, or in the
reader's own when they chose one (``User.time_zone``).

One rule, ``zone_for``, applied three ways:

- per request: ``accounts.middleware.TimeZoneMiddleware`` makes the reader's own zone (else the
  site's, UTC) the active time zone for the whole request, rendering included, and a page about
  one association says so with ``time_zone_activate(association=…)`` as soon as it knows it
  (the shared gates do: ``AssociationRoleRequiredMixin``, the portfolio pages, the reviews and
  exam pages). Django's ``|date`` and ``localtime`` then show that zone, and forms read typed
  times in it;
- in a template that shows several associations at once, the ``local`` filter
  (``{% load portal_time %}`` … ``{{ moment|local:application.association|date:"DATE_FORMAT" }}``);
- in e-mails, ``association_time(association)`` while the message is rendered: an e-mail is
  written in the association's time zone.
"""

import datetime
import zoneinfo
from contextlib import contextmanager

from asgiref.local import Local
from django.conf import settings
from django.utils import timezone

# The zone the reader of the current request chose for themselves ("" when they did not).
_reader = Local()


def zone_for(*, association=None, user=None) -> zoneinfo.ZoneInfo:
    """Where a date is read: the reader's own zone when they chose one (``user``, by default the
    signed-in reader of the current request), else the association's, else the site's (UTC)."""
    own = getattr(user, "time_zone", "") if user is not None else getattr(_reader, "zone", "")
    if own:
        return zoneinfo.ZoneInfo(own)
    if association is not None:
        return zoneinfo.ZoneInfo(association.time_zone)
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@contextmanager
def reading_as(user):
    """The request of ``user`` (perhaps anonymous): their own zone, else the site's, until a
    page names its association (``time_zone_activate``); both undone at the end."""
    previous = getattr(_reader, "zone", "")
    _reader.zone = getattr(user, "time_zone", "") or ""
    try:
        with timezone.override(zone_for()):
            yield
    finally:
        _reader.zone = previous


def time_zone_activate(*, association) -> None:
    """The page is about ``association``: its dates and times are shown, and times typed into
    its forms read, in the association's zone (the reader's own when they chose one)."""
    timezone.activate(zone_for(association=association))


@contextmanager
def association_time(association):
    """While an e-mail or other text for the association is written: its time zone."""
    with timezone.override(zoneinfo.ZoneInfo(association.time_zone)):
        yield


def association_day(moment, association):
    """The day ``moment`` falls on in the association's calendar (a reminder due "7 days
    after the invitation" counts from the day the association saw it sent)."""
    return timezone.localtime(moment, zoneinfo.ZoneInfo(association.time_zone)).date()


def association_day_start(association, day: datetime.date) -> datetime.datetime:
    """The association's midnight starting ``day``."""
    return datetime.datetime.combine(
        day, datetime.time.min, tzinfo=zoneinfo.ZoneInfo(association.time_zone)
    )


def association_days_span(association, first, last):
    """The moments (start included, end excluded) of the days ``first`` to ``last`` in the
    association's calendar: a reminder's ``find`` filters a moment on them in SQL."""
    return (
        association_day_start(association, first),
        association_day_start(association, last + datetime.timedelta(days=1)),
    )
