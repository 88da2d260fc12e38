"""The references' reminders (``notifications.reminders``), none of them essential:

- ``reference_pending``: 7 and 14 days after the invitation, a rater who has not sent their
  rating is reminded, in the language chosen for the rater, with a fresh personal link (only the
  token's hash is kept, so the invitation's link cannot be repeated:
  ``portfolios.references.reference_reminder_link``);
- ``reference_expired``: on the day a rater's link expired without a rating, the applicant is
  told, with a link to their references page, so they send a new link or ask someone else.
  Raters cannot decline a request in the portal, so there is no "declined" notice.

Each ``find`` is one query, bounded in SQL to the invitations (or expiries) whose reminder falls
due between ``since`` and ``today`` in the association's calendar.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.time_zones import association_day, association_days_span
from competencies.models import Competency
from endorsement.emails import (
    CONTEXT_HELP,
    application_email_on_commit,
    email_on_commit,
    register_emails,
)
from endorsement.enums import BUILDING_STATES, OPEN_STATES
from notifications.reminders import days_now, register_reminders
from portfolios.emails import RATER_VALUES
from portfolios.enums import ReferenceStatus
from portfolios.models import Reference
from portfolios.reference_status import OPEN_STATUSES
from portfolios.references import RATER_ROLE, minutes_to_rate, reference_reminder_link

register_emails(
    folder="portfolios/emails",
    emails={
        "reminder.reference_pending": _(
            "Reminder: a reference rating is still awaited (to the rater)"
        ),
        "reminder.reference_expired": _(
            "Notice: a rater's link expired without a rating (to the applicant)"
        ),
    },
    values={
        "reminder.reference_pending": {
            **RATER_VALUES,
            "days": _("how many days ago the rater was asked"),
            "asked_on": _("the date the rater was asked"),
        },
        "reminder.reference_expired": {
            **CONTEXT_HELP,
            "rater": _("the rater's name"),
            "expired_on": _("the date the rater's link expired"),
        },
    },
    secret={"reminder.reference_pending": ["link"]},
)


def _references(association):
    return (
        Reference.objects.live()
        .filter(application__association=association)
        .select_related(
            "application__association", "application__applicant", "application__category"
        )
    )


def reference_pending_find(*, association, days: int, since, today):
    """Invited ``days`` days before a day of the window, still waiting, the link still valid."""
    start, end = association_days_span(
        association, since - datetime.timedelta(days=days), today - datetime.timedelta(days=days)
    )
    rows = _references(association).filter(
        application__state__in=OPEN_STATES,
        status=ReferenceStatus.INVITED,
        completed_at__isnull=True,
        sent_at__gte=start,
        sent_at__lt=end,
        token_expires__gt=timezone.now(),
    )
    for reference in rows.iterator(chunk_size=1000):
        yield (
            reference,
            association_day(reference.sent_at, association) + datetime.timedelta(days=days),
        )


def reference_pending_send(*, object, days: int, due) -> None:
    reference = object
    link = reference_reminder_link(reference=reference)
    if not link:  # rated, replaced or withdrawn since the scan read it: nothing to remind
        return
    application = reference.application
    association = application.association
    items = Competency.objects.filter(categories=application.category).count()
    email_on_commit(
        association=association,
        key="reminder.reference_pending",
        to=reference.rater_email,
        language=reference.rater_language,
        context={
            "rater": reference.rater_name,
            "applicant": application.applicant.get_full_name(),
            "association": association.name,
            "category": application.category.display_name,
            "role": RATER_ROLE[reference.relationship],
            "items": items,
            "minutes": minutes_to_rate(items),
            "days": days_now(days=days, due=due, before=False),
            "asked_on": association_day(reference.sent_at, association),
            "deadline": association_day(reference.token_expires, association),
            "link": link,
            "waived": reference.applicant_waived_right_to_see,
        },
        reply_to=association.contact_email,
        concerns=application,
    )


def reference_expired_find(*, association, days: int, since, today):
    """Links that expired ``days`` days before a day of the window (and have expired by now)
    without a rating, while the applicant can still send a new link or ask someone else."""
    start, end = association_days_span(
        association, since - datetime.timedelta(days=days), today - datetime.timedelta(days=days)
    )
    rows = _references(association).filter(
        application__state__in=BUILDING_STATES,
        status__in=OPEN_STATUSES,
        completed_at__isnull=True,
        token_expires__gte=start,
        token_expires__lt=min(end, timezone.now()),
    )
    for reference in rows.iterator(chunk_size=1000):
        yield (
            reference,
            association_day(reference.token_expires, association) + datetime.timedelta(days=days),
        )


def reference_expired_send(*, object, days: int, due) -> None:
    reference = object
    application = reference.application
    application_email_on_commit(
        application=application,
        key="reminder.reference_expired",
        recipients=[application.applicant],
        extra={
            "rater": reference.rater_name,
            "expired_on": association_day(reference.token_expires, application.association),
            "url": settings.SITE_URL
            + reverse("portfolios:references.list", kwargs={"application_id": application.pk}),
        },
    )


register_reminders(
    {
        "reference_pending": {
            "label": _("A reference rating is still awaited"),
            "recipients": _("the rater"),
            "default_days": (7, 14),
            "days_help": _("days after the rater was asked"),
            "find": reference_pending_find,
            "send": reference_pending_send,
        },
        "reference_expired": {
            "label": _("A rater's link expired without a rating"),
            "recipients": _("the applicant"),
            "default_days": (0,),
            "days_help": _("days after the rater's link expired"),
            "find": reference_expired_find,
            "send": reference_expired_send,
        },
    },
    model=Reference,
)
