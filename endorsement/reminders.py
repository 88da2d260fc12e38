"""The endorsement's reminders (``notifications.reminders``): renewal due 60, 30 and 7 days
before the endorsement's end (31 December), the late notice the day after, and the notice that
it lapsed. Each goes to the holder and is essential: no one can switch it off."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from endorsement.emails import (
    CONTEXT_HELP,
    application_email_on_commit,
    application_email_write,
    register_emails,
)
from endorsement.enums import EndorsementStatus as E
from endorsement.enums import RenewalState
from endorsement.lifecycle import renewal_dates, renewal_policy
from endorsement.models import Endorsement, Renewal
from notifications.emails import known
from notifications.reminders import register_reminder

ENDORSEMENT_VALUES = {
    **CONTEXT_HELP,
    "number": _("the endorsement number"),
    "valid_through": _("the date the endorsement is valid through"),
    "grace_until": _("the last day it may be renewed before it lapses"),
}

register_emails(
    folder="endorsement/emails",
    emails={
        "reminder.renewal_due": _("Reminder: renewal due (to the holder)"),
        "reminder.renewal_late": _("Notice: renewal late, the late fee applies (to the holder)"),
        "reminder.endorsement_lapsed": _("Notice: the endorsement lapsed (to the holder)"),
    },
    values={
        "reminder.renewal_due": {**ENDORSEMENT_VALUES, "days": _("the days left")},
        "reminder.renewal_late": ENDORSEMENT_VALUES,
        "reminder.endorsement_lapsed": ENDORSEMENT_VALUES,
    },
)


def _holders(association):
    return Endorsement.objects.filter(association=association).select_related(
        "holder", "category", "application", "association"
    )


def _rows(queryset, association):
    """The endorsements of ``queryset``, sharing the association and its renewal policy (read
    once per scan, not once per reminder)."""
    policy = renewal_policy(association)
    for endorsement in queryset.iterator(chunk_size=1000):
        endorsement.association = association
        endorsement.scan_policy = policy
        application = endorsement.application
        # The application's people and category are the endorsement's, already read.
        if application.applicant_id == endorsement.holder_id:
            application.applicant = endorsement.holder
        if application.category_id == endorsement.category_id:
            application.category = endorsement.category
        if application.association_id == association.pk:
            application.association = association
        yield endorsement


def _policy(endorsement):
    return getattr(endorsement, "scan_policy", None) or renewal_policy(endorsement.association)


def _not_renewed(queryset):
    """Without a renewal submitted or approved for the coming year."""
    done = Renewal.objects.filter(
        endorsement=OuterRef("pk"),
        state__in=[RenewalState.SUBMITTED, RenewalState.APPROVED],
        year=OuterRef("valid_through__year") + 1,
    )
    return queryset.filter(~Exists(done))


def renewal_due_find(*, association, days: int, since, today):
    """Due ``days`` before the end of validity: valid through a day ``days`` after the window."""
    rows = _not_renewed(
        _holders(association).filter(
            status__in=[E.ACTIVE, E.RENEWAL_DUE],
            valid_through__gte=since + datetime.timedelta(days=days),
            valid_through__lte=today + datetime.timedelta(days=days),
        )
    )
    for endorsement in _rows(rows, association):
        yield endorsement, endorsement.valid_through - datetime.timedelta(days=days)


def renewal_late_find(*, association, days: int, since, today):
    """The day after the end of validity (1 January), while still not renewed."""
    rows = _not_renewed(
        _holders(association).filter(
            status=E.RENEWAL_DUE,
            valid_through__gte=since - datetime.timedelta(days=1),
            valid_through__lte=today - datetime.timedelta(days=1),
        )
    )
    for endorsement in _rows(rows, association):
        yield endorsement, endorsement.valid_through + datetime.timedelta(days=1)


def endorsement_lapsed_find(*, association, days: int, since, today):
    """The day it lapsed."""
    rows = _holders(association).filter(
        status=E.LAPSED, status_since__date__gte=since, status_since__date__lte=today
    )
    for endorsement in _rows(rows, association):
        yield endorsement, endorsement.status_since.date()


def _holder_email(*, endorsement: Endorsement, key: str, extra: dict) -> None:
    """The e-mail ``key`` to the holder, in the current transaction (sent once it commits):
    from a scan's rows (``_rows``) without reading the application and holder again."""
    if getattr(endorsement, "scan_policy", None) is None:
        application_email_on_commit(
            application=endorsement.application,
            key=key,
            recipients=[endorsement.holder],
            extra=extra,
        )
        return
    known(key)
    application_email_write(
        application=endorsement.application,
        key=key,
        recipients=[endorsement.holder] if endorsement.holder.is_active else [],
        extra=extra,
    )


def _send(key: str, endorsement: Endorsement, **extra) -> None:
    dates = renewal_dates(valid_through=endorsement.valid_through, policy=_policy(endorsement))
    _holder_email(
        endorsement=endorsement,
        key=key,
        extra={
            "number": endorsement.number,
            "valid_through": endorsement.valid_through,
            "grace_until": dates.grace_until,
            "url": settings.SITE_URL
            + reverse("portfolios:renewal", kwargs={"endorsement_id": endorsement.pk}),
            **extra,
        },
    )


def renewal_due_send(*, object, days: int, due) -> None:
    _send("reminder.renewal_due", object, days=str(days))


def renewal_late_send(*, object, days: int, due) -> None:
    _send("reminder.renewal_late", object)


def endorsement_lapsed_send(*, object, days: int, due) -> None:
    endorsement = object
    _holder_email(
        endorsement=endorsement,
        key="reminder.endorsement_lapsed",
        extra={
            "number": endorsement.number,
            "valid_through": endorsement.valid_through,
            "grace_until": renewal_dates(
                valid_through=endorsement.valid_through,
                policy=_policy(endorsement),
            ).grace_until,
            "url": settings.SITE_URL + reverse("accounts:dashboard"),
        },
    )


register_reminder(
    kind="renewal_due",
    label=_("Renewal due"),
    recipients=_("the holder"),
    model=Endorsement,
    default_days=(60, 30, 7),
    days_help=_("days before the endorsement's end of validity (31 December)"),
    find=renewal_due_find,
    send=renewal_due_send,
    essential=True,
)
register_reminder(
    kind="renewal_late",
    label=_("Renewal late: the late fee applies"),
    recipients=_("the holder"),
    model=Endorsement,
    days_help=_("on 1 January, when not renewed"),
    find=renewal_late_find,
    send=renewal_late_send,
    essential=True,
    fixed=True,
)
register_reminder(
    kind="endorsement_lapsed",
    label=_("The endorsement lapsed"),
    recipients=_("the holder"),
    model=Endorsement,
    days_help=_("on the day it lapses, after the grace date"),
    find=endorsement_lapsed_find,
    send=endorsement_lapsed_send,
    essential=True,
    fixed=True,
)
