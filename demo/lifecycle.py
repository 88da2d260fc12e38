"""The endorsement's life after the award, in the demo: Northfield's holders at every standing.

Northfield gets a renewal policy set around the day the demo is seeded (``demo_renewal_policy``)
so that, whatever that day, the demo shows each standing through the lifecycle's one writer
(``endorsement.lifecycle.endorsement_transition``), never by assigning a status:

- Farah (IFS) and Leo (IFS): valid through 31 December of this year, renewal due (Leo has
  started his renewal: a ``Renewal`` in draft for next year);
- Kim (IFS): valid through 31 December of last year, renewal due and late (past 1 January; the
  grace date is a month ahead, or 31 December);
- Jon (IFS): valid through 31 December two years ago, not renewed by the grace date: lapsed;
- Ivy (IFS): emeritus, at her request, approved by the coordinator.

Renewal opens on 1 October when the demo is seeded from 1 October on, else on 1 January (so a
holder valid through this year is due on any day); the grace date is a month after the seeding
day (at the latest 31 December, which the admin's form would refuse: it asks for a date in the
first half of the year). Each step is timed for ``demo.endorsement.back_date``.
"""

import datetime
import zoneinfo

from django.utils import timezone

from accounts.models import Association, User
from demo.endorsement import StepTimes
from endorsement.emeritus import emeritus_approve, emeritus_request
from endorsement.enums import EndorsementStatus
from endorsement.lifecycle import endorsement_renewal_dates, endorsement_transition
from endorsement.models import Endorsement, Renewal, RenewalPolicy

E = EndorsementStatus
LIFECYCLE_ASSOCIATION = "northfield"

# The holders of the renewal demo, Northfield only: (local part, name, category code, language,
# their standing as the demo's table says it).
HOLDERS = [
    ("leo", "Leo Renewing", "IFS", "en", "holder, renewal due, renewal started"),
    ("kim", "Kim Late", "IFS", "en", "holder, renewal due and late"),
    ("jon", "Jon Lapsed", "IFS", "en", "holder, lapsed"),
    ("ivy", "Ivy Emeritus", "IFS", "en", "holder, emeritus"),
]


def award_day(local: str, today: datetime.date) -> datetime.date:
    """When Northfield's holder was awarded: the validity each standing needs (an award from
    1 October is valid through 31 December of the next year)."""
    year = today.year
    return {
        "farah": datetime.date(year - 1, 10, 15),  # valid through this year
        "leo": datetime.date(year - 1, 10, 22),
        "ivy": datetime.date(year - 1, 11, 5),
        "kim": datetime.date(year - 1, 3, 15),  # valid through last year
        "jon": datetime.date(year - 2, 3, 15),  # valid through the year before
    }[local]


def demo_renewal_policy(association: Association) -> RenewalPolicy:
    today = association.today()
    opens = (10, 1) if today >= datetime.date(today.year, 10, 1) else (1, 1)
    grace = min(today + datetime.timedelta(days=30), datetime.date(today.year, 12, 31))
    policy, _created = RenewalPolicy.objects.update_or_create(
        association=association,
        defaults={
            "opens_month": opens[0],
            "opens_day": opens[1],
            "grace_month": grace.month,
            "grace_day": grace.day,
        },
    )
    association.renewal_policy = policy
    return policy


def _moment(association: Association, day: datetime.date, time: str) -> datetime.datetime:
    zone = zoneinfo.ZoneInfo(association.time_zone)
    moment = datetime.datetime.combine(day, datetime.time.fromisoformat(time), tzinfo=zone)
    return min(moment, timezone.now() - datetime.timedelta(minutes=5))


def _timed(taken: StepTimes, moment: datetime.datetime, step) -> None:
    begin = timezone.now()
    step()
    taken.append((begin, timezone.now(), moment))


def _holder_endorsement(association: Association, local: str) -> Endorsement:
    return Endorsement.objects.select_related("association").get(
        association=association, holder__email=f"{local}@{association.slug}.example.org"
    )


def _open_renewal(association, endorsement, taken, *, after: datetime.date) -> None:
    dates = endorsement_renewal_dates(endorsement)
    day = max(dates.opens, after)
    _timed(
        taken,
        _moment(association, day, "06:00"),
        lambda: endorsement_transition(
            endorsement=endorsement,
            action="open_renewal",
            by=None,
            note_key="endorsement_open_renewal",
            note_values={"date": dates.grace_until},
        ),
    )


def lifecycle_seed(association: Association, staff: dict[str, User], taken: StepTimes) -> None:
    """Northfield's holders reach their standing (once: a holder already moved is left)."""
    if association.slug != LIFECYCLE_ASSOCIATION:
        return
    demo_renewal_policy(association)
    today = association.today()
    week = datetime.timedelta(days=7)
    for local in ("farah", "leo", "kim", "jon"):
        endorsement = _holder_endorsement(association, local)
        if endorsement.status != E.ACTIVE:
            continue
        _open_renewal(association, endorsement, taken, after=endorsement.awarded_on + week)
        if local == "jon":
            dates = endorsement_renewal_dates(endorsement)
            _timed(
                taken,
                _moment(association, dates.grace_until + datetime.timedelta(days=1), "03:00"),
                lambda endorsement=endorsement, dates=dates: endorsement_transition(
                    endorsement=endorsement,
                    action="lapse",
                    by=None,
                    note_key="endorsement_lapse",
                    note_values={"date": dates.grace_until},
                ),
            )
    # Leo started his renewal three days ago. TODO (renew12): his hours, half of what is needed.
    leo = _holder_endorsement(association, "leo")
    if not Renewal.objects.filter(endorsement=leo).exists():
        year = endorsement_renewal_dates(leo).next_valid_through.year
        _timed(
            taken,
            _moment(association, today - datetime.timedelta(days=3), "21:10"),
            lambda: Renewal.objects.create(endorsement=leo, year=year),
        )
    # Ivy retired: she asked for emeritus status, the coordinator approved it.
    ivy = _holder_endorsement(association, "ivy")
    if ivy.status == E.ACTIVE:
        asked_on = today - datetime.timedelta(days=12)
        if endorsement_renewal_dates(ivy).opens < asked_on:
            _open_renewal(association, ivy, taken, after=ivy.awarded_on + week)
        request = {}
        _timed(
            taken,
            _moment(association, asked_on, "19:30"),
            lambda: request.setdefault(
                "asked",
                emeritus_request(
                    endorsement=ivy,
                    by=ivy.holder,
                    note="I retired from practice at the end of last month.",
                ),
            ),
        )
        _timed(
            taken,
            _moment(association, today - datetime.timedelta(days=9), "10:15"),
            lambda: emeritus_approve(request=request["asked"], by=staff["coordinator"]),
        )
