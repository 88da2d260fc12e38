"""The endorsement's reminders (``notifications.reminders``): renewal due 60, 30 and 7 days
before the endorsement's end (31 December), the late notice the day after, and the notice that
it lapsed, each to the holder and essential: no one can switch it off. And the applications'
reminders: a registration waiting for the coordinators' decision, a portfolio left untouched
(to the applicant, copied to the advisor), and the notice, before the inactivity hold, that the
application goes on hold unless something is saved (essential: it announces a decision)."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from accounts.models import RoleGrant
from accounts.time_zones import association_day, association_day_start, association_days_span
from endorsement.emails import (
    CONTEXT_HELP,
    application_email_on_commit,
    application_email_write,
    coordinators_of,
    register_emails,
)
from endorsement.enums import BUILDING_STATES, RenewalState
from endorsement.enums import ApplicationState as S
from endorsement.enums import EndorsementStatus as E
from endorsement.inactivity import months_after, months_before
from endorsement.lifecycle import renewal_dates, renewal_policy
from endorsement.models import Application, Endorsement, Renewal
from notifications.emails import known
from notifications.reminders import days_now, register_reminders

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


def _send(key: str, endorsement: Endorsement, url: str = "", **extra) -> None:
    """The e-mail ``key`` to the holder, with the endorsement's dates and a link (by default,
    to its renewal page)."""
    dates = renewal_dates(valid_through=endorsement.valid_through, policy=_policy(endorsement))
    _holder_email(
        endorsement=endorsement,
        key=key,
        extra={
            "number": endorsement.number,
            "valid_through": endorsement.valid_through,
            "grace_until": dates.grace_until,
            "url": url
            or settings.SITE_URL
            + reverse("portfolios:renewal", kwargs={"endorsement_id": endorsement.pk}),
            **extra,
        },
    )


def renewal_due_send(*, object, days: int, due) -> None:
    _send("reminder.renewal_due", object, days=str(days_now(days=days, due=due, before=True)))


def renewal_late_send(*, object, days: int, due) -> None:
    _send("reminder.renewal_late", object)


def endorsement_lapsed_send(*, object, days: int, due) -> None:
    _send(
        "reminder.endorsement_lapsed", object, url=settings.SITE_URL + reverse("accounts:dashboard")
    )


register_reminders(
    {
        "renewal_due": {
            "label": _("Renewal due"),
            "default_days": (60, 30, 7),
            "days_help": _("days before the endorsement's end of validity (31 December)"),
            "find": renewal_due_find,
            "send": renewal_due_send,
        },
        "renewal_late": {
            "label": _("Renewal late: the late fee applies"),
            "days_help": _("on 1 January, when not renewed"),
            "find": renewal_late_find,
            "send": renewal_late_send,
            "fixed": True,
        },
        "endorsement_lapsed": {
            "label": _("The endorsement lapsed"),
            "days_help": _("on the day it lapses, after the grace date"),
            "find": endorsement_lapsed_find,
            "send": endorsement_lapsed_send,
            "fixed": True,
        },
    },
    recipients=_("the holder"),
    model=Endorsement,
    essential=True,
)


# --- Applications: the registration waiting, the portfolio left untouched, the hold's notice ----
#
# Due dates count from a moment (the registration, the last activity) in the association's own
# calendar. ``find`` turns the window [since, today] of due dates into a window of moments, so
# the database filters them; a new moment (the registration sent again, something saved) gives
# new due dates, and the reminders due from the old one never fall due.

APPLICATION_VALUES = {**CONTEXT_HELP, "days": _("the number of days")}

register_emails(
    folder="endorsement/emails",
    emails={
        "reminder.registration_waiting": _(
            "Reminder: a registration waits for your decision (to the coordinators)"
        ),
        "reminder.portfolio_inactive": _(
            "Reminder: no activity on the portfolio for a while (to the applicant)"
        ),
        "reminder.portfolio_inactive.advisor": _(
            "Reminder: no activity on your advisee's portfolio for a while (to the advisor)"
        ),
        "reminder.hold_notice": _(
            "Notice: the application goes on hold unless something is saved (to the applicant)"
        ),
    },
    values={
        "reminder.registration_waiting": {
            **APPLICATION_VALUES,
            "registered_on": _("the day the registration was sent"),
        },
        "reminder.portfolio_inactive": {
            **APPLICATION_VALUES,
            "last_activity": _("the day of the last activity"),
        },
        "reminder.portfolio_inactive.advisor": {
            **APPLICATION_VALUES,
            "last_activity": _("the day of the last activity"),
        },
        "reminder.hold_notice": {
            **CONTEXT_HELP,
            "hold_on": _("the day the application goes on hold"),
            "last_activity": _("the day of the last activity"),
        },
    },
)


def _applications(association):
    return Application.objects.filter(association=association).select_related(
        "applicant", "category", "association", "advisor"
    )


def applicant_page_url(application: Application) -> str:
    """Where the applicant carries on: the form of a returned registration, else the
    portfolio (built from the registration on)."""
    if application.state == S.RETURNED:
        name = "portfolios:registration.edit"
    else:
        name = "portfolios:summary"
    return settings.SITE_URL + reverse(name, kwargs={"application_id": application.pk})


def registration_waiting_find(*, association, days: int, since, today):
    """Due ``days`` after the registration reached the coordinators (sent, or sent again after
    being returned), while it still waits for their decision. Nothing is due without a
    coordinator to remind; the coordinators are read once for the association."""
    coordinators = coordinators_of(association)
    if not coordinators:
        return
    delta = datetime.timedelta(days=days)
    start, end = association_days_span(association, since - delta, today - delta)
    rows = _applications(association).filter(
        state=S.REGISTERED, state_changed__gte=start, state_changed__lt=end
    )
    for application in rows.iterator(chunk_size=1000):
        application.reminder_recipients = coordinators
        yield application, association_day(application.state_changed, association) + delta


def registration_waiting_send(*, object, days: int, due) -> None:
    application = object
    recipients = getattr(application, "reminder_recipients", None)
    if recipients is None:
        recipients = coordinators_of(application.association)
    # The link is the coordinator's page of the application (``application_url``).
    application_email_on_commit(
        application=application,
        key="reminder.registration_waiting",
        recipients=recipients,
        extra={
            "days": str(days_now(days=days, due=due, before=False)),
            "registered_on": association_day(application.state_changed, application.association),
        },
    )


def portfolio_inactive_find(*, association, days: int, since, today):
    """Due ``days`` after the last activity (evidence saved, a comment, a step) while the
    portfolio is being built. Whether the advisor still holds the advisor role is read in the
    same query (a former advisor is not copied)."""
    delta = datetime.timedelta(days=days)
    start, end = association_days_span(association, since - delta, today - delta)
    advising = RoleGrant.objects.filter(
        user=OuterRef("advisor_id"), association=OuterRef("association_id"), role=Role.ADVISOR
    )
    rows = (
        _applications(association)
        .filter(
            state__in=BUILDING_STATES,
            last_activity__gte=start,
            last_activity__lt=end,
        )
        .annotate(advisor_current=Exists(advising))
    )
    for application in rows.iterator(chunk_size=1000):
        yield application, association_day(application.last_activity, association) + delta


def portfolio_inactive_send(*, object, days: int, due) -> None:
    """To the applicant; a copy of its own, in their language, to the advisor."""
    application = object
    extra = {
        "days": str(days_now(days=days, due=due, before=False)),
        "last_activity": association_day(application.last_activity, application.association),
    }
    application_email_on_commit(
        application=application,
        key="reminder.portfolio_inactive",
        recipients=[application.applicant],
        extra={**extra, "url": applicant_page_url(application)},
    )
    if application.advisor is not None and getattr(application, "advisor_current", True):
        application_email_on_commit(
            application=application,
            key="reminder.portfolio_inactive.advisor",
            recipients=[application.advisor],
            extra={
                **extra,
                "url": settings.SITE_URL
                + reverse("portfolios:summary", kwargs={"application_id": application.pk}),
            },
        )


def hold_on(application: Application) -> datetime.date:
    """The first day the daily inactivity task (``endorsement.inactivity``) may put the
    application on hold, in the association's calendar."""
    moment = months_after(application.last_activity, settings.INACTIVITY_HOLD_MONTHS)
    return association_day(moment, application.association)


def hold_notice_find(*, association, days: int, since, today):
    """Due ``days`` before the day the application goes on hold for inactivity
    (``settings.INACTIVITY_HOLD_MONTHS`` months after the last activity). The database narrows
    the last activities by the calendar months, with a few days' margin for the ends of
    months; the exact day is taken here."""
    months = settings.INACTIVITY_HOLD_MONTHS
    delta = datetime.timedelta(days=days)
    margin = datetime.timedelta(days=4)
    rows = _applications(association).filter(
        state__in=BUILDING_STATES,
        last_activity__gte=months_before(
            association_day_start(association, since + delta - margin), months
        ),
        last_activity__lt=months_before(
            association_day_start(association, today + delta + margin), months
        ),
    )
    for application in rows.iterator(chunk_size=1000):
        due = hold_on(application) - delta
        if since <= due <= today:
            yield application, due


def hold_notice_send(*, object, days: int, due) -> None:
    application = object
    application_email_on_commit(
        application=application,
        key="reminder.hold_notice",
        recipients=[application.applicant],
        extra={
            "hold_on": due + datetime.timedelta(days=days),
            "last_activity": association_day(application.last_activity, application.association),
            "url": applicant_page_url(application),
        },
    )


register_reminders(
    {
        "registration_waiting": {
            "label": _("A registration waits for the coordinator's decision"),
            "recipients": _("the coordinators"),
            "default_days": (5,),
            "days_help": _("days after the registration was sent"),
            "find": registration_waiting_find,
            "send": registration_waiting_send,
        },
        "portfolio_inactive": {
            "label": _("No activity on the portfolio"),
            "recipients": _("the applicant, with a copy to the advisor"),
            "default_days": (30, 60, 90),
            "days_help": _("days after the last activity on the portfolio"),
            "find": portfolio_inactive_find,
            "send": portfolio_inactive_send,
        },
        "hold_notice": {
            "label": _("Notice: the application goes on hold for inactivity"),
            "recipients": _("the applicant"),
            "default_days": (30,),
            "days_help": _("days before the application goes on hold for inactivity"),
            "find": hold_notice_find,
            "send": hold_notice_send,
            "essential": True,
        },
    },
    model=Application,
)
