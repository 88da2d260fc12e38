"""Reminders: the right person reminded at the right time, and never twice.

Each app registers its kinds of reminder when it loads (``register_reminder``, or a table of
them with ``register_reminders``), the way it registers its e-mails: what the reminder is and
to whom (as the association's reminder page lists them), its default day counts, whether it is
essential (decisions, renewal, payments: no one can switch it off), the model it concerns, and
two functions:

- ``find(association=, days=, since=, today=)`` yields ``(object, due)`` for every object of
  the association whose reminder for ``days`` falls due on a day ``due`` between ``since``
  and ``today`` (both included): the reminder 30 days after an invitation is due on the
  invitation's day + 30. ``since`` lies ``REMINDER_CATCH_UP_DAYS`` before today, so a scan
  that did not run for a few days catches up, and a first scan does not send reminders long
  past;
- ``send(object=, days=, due=)`` writes its e-mails to the outbox through the e-mail door, in
  the current transaction.

The scan (``reminders_scan``, run by beat every hour as ``notifications.reminders_scan``) goes
through every association and kind, with the association's own day counts
(``ReminderSchedule``, else the kind's defaults) in the association's calendar. A reminder is
a ``Reminder`` row under a unique key (kind, object, due date), written in the transaction
that writes its e-mails: two scans at once, a scan run twice, or a scan killed mid-batch and
run again write each reminder once, and so each of its e-mails once. Reminders are written
in batches (``REMINDER_SCAN_BATCH`` a transaction, their e-mails handed to workers together
once it commits): 10,000 reminders take seconds, not a query and a broker round trip each
(``bench/reminders.py``). A batch that fails is written again one reminder at a time.
"""

import contextvars
import datetime
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import Association
from notifications.emails import wording_cached
from notifications.models import Reminder, ReminderSchedule
from notifications.services import messages_batched
from notifications.unsubscribe import REMINDER_PREFIX, mark_essential

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderKind:
    kind: str
    label: str  # what it is, as the association's reminder page lists it
    recipients: str  # to whom
    model: type[models.Model]
    default_days: tuple[int, ...]
    days_help: str  # what the day counts count, e.g. "days after the invitation"
    find: Callable[..., Iterable[tuple[models.Model, datetime.date]]]
    send: Callable[..., None]
    essential: bool = False
    # Kinds whose day is fixed (the late notice on 1 January): no day counts to set.
    fixed: bool = False


REMINDERS: dict[str, ReminderKind] = {}

# The day the running scan sends for (the association's today, or the one a test gives).
_scan_day: contextvars.ContextVar[datetime.date | None] = contextvars.ContextVar(
    "reminder_scan_day", default=None
)


def days_now(*, days: int, due: datetime.date, before: bool) -> int:
    """The days a reminder's e-mail should name on the day it is sent: a reminder "30 days
    before" sent two days late (the scan caught up) says 28, one "14 days after" says 16."""
    today = _scan_day.get() or due
    late = (today - due).days
    return days - late if before else days + late


def register_reminder(
    *,
    kind: str,
    label,
    recipients,
    model: type[models.Model],
    find: Callable,
    send: Callable,
    default_days: tuple[int, ...] = (0,),
    days_help="",
    essential: bool = False,
    fixed: bool = False,
) -> None:
    """Register a kind of reminder (see the module's text). Its e-mails, keyed
    ``reminder.<kind>`` (and variants such as ``reminder.<kind>.coordinator``), are
    non-essential (their recipients may unsubscribe) unless the kind is ``essential``."""
    if essential:
        mark_essential(f"{REMINDER_PREFIX}{kind}")
    REMINDERS[kind] = ReminderKind(
        kind=kind,
        label=label,
        recipients=recipients,
        model=model,
        default_days=tuple(sorted(set(default_days))),
        days_help=days_help,
        find=find,
        send=send,
        essential=essential,
        fixed=fixed,
    )


def register_reminders(kinds: dict[str, dict], **shared) -> None:
    """Register a table of kinds, ``{kind: its own arguments}``, in the table's order, with
    the arguments they share (``shared``: their model, recipients, essential, …); a kind's own
    argument wins over a shared one."""
    for kind, arguments in kinds.items():
        register_reminder(kind=kind, **{**shared, **arguments})


# --- the association's day counts ---------------------------------------------------------------


def days_parse(text: str) -> tuple[int, ...]:
    """ "30, 60,90" -> (30, 60, 90); refuses anything but whole numbers from 0 to 730."""
    values = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) > 730:
            raise ValueError(part)
        values.append(int(part))
    return tuple(sorted(set(values)))


def days_format(days: Iterable[int]) -> str:
    return ", ".join(str(day) for day in days)


@dataclass(frozen=True)
class Schedule:
    kind: ReminderKind
    days: tuple[int, ...]
    active: bool
    own: bool  # the association set it (else the defaults)


def schedules(association: Association) -> list[Schedule]:
    """Every registered kind with the association's day counts (or the defaults)."""
    rows = {row.kind: row for row in ReminderSchedule.objects.filter(association=association)}
    result = []
    for kind in REMINDERS.values():
        row = rows.get(kind.kind)
        if row is None or kind.fixed:
            # An essential kind stays on even when fixed (the late notice): no row turns it off.
            active = row is None or row.active or kind.essential
            result.append(Schedule(kind, kind.default_days, active, row is not None))
        else:
            try:
                days = days_parse(row.days)
            except ValueError:
                days = kind.default_days
            result.append(Schedule(kind, days, row.active or kind.essential, True))
    return result


# --- the scan -----------------------------------------------------------------------------------


def reminder_send(
    *,
    kind: ReminderKind,
    association: Association,
    concerns: models.Model,
    due: datetime.date,
    days: int,
) -> bool:
    """Write the reminder's key and its e-mails in one transaction; False (nothing written)
    when the reminder was already sent or is being sent by another scan."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    association=association,
                    kind=kind.kind,
                    concerns_type=ContentType.objects.get_for_model(kind.model),
                    concerns_id=concerns.pk,
                    due=due,
                    days=days,
                )
        except IntegrityError:
            return False
        kind.send(object=concerns, days=days, due=due)
    return True


def _reminders_write(
    *,
    kind: ReminderKind,
    association: Association,
    batch: list[tuple[models.Model, datetime.date, int]],
) -> set[tuple[int, datetime.date]]:
    """Insert the keys of ``batch`` in one statement, in key order (two scans at once wait for
    each other's keys in the same order, never in a deadlock); returns the keys this call
    wrote, those another scan wrote are skipped."""
    concerns_type = ContentType.objects.get_for_model(kind.model)
    now = timezone.now()
    rows = sorted({(concerns.pk, due): days for concerns, due, days in batch}.items())
    table = connection.ops.quote_name(Reminder._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params = []
    for (concerns_id, due), days in rows:
        params += [association.pk, kind.kind, concerns_type.pk, concerns_id, due, days, now]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (association_id, kind, concerns_type_id, concerns_id, due, "  # noqa: S608
            f"days, created) VALUES {values} ON CONFLICT DO NOTHING RETURNING concerns_id, due",
            params,
        )
        return {(concerns_id, due) for concerns_id, due in cursor.fetchall()}


def reminders_send(
    *,
    kind: ReminderKind,
    association: Association,
    batch: list[tuple[models.Model, datetime.date, int]],
) -> int:
    """Send the reminders ``batch`` ((object, due, days) each) in one transaction: their keys
    and e-mails are written together, and the e-mails handed to workers together once it
    commits. When anything goes wrong the batch is sent again one reminder at a time, so one
    broken reminder does not stop the others. Returns how many this call sent."""
    try:
        with transaction.atomic(), messages_batched():
            written = _reminders_write(kind=kind, association=association, batch=batch)
            for concerns, due, days in batch:
                if (concerns.pk, due) in written:
                    kind.send(object=concerns, days=days, due=due)
        return len(written)
    except Exception:
        logger.warning("Reminders %s sent one by one after an error", kind.kind, exc_info=True)
    sent = 0
    for concerns, due, days in batch:
        try:
            sent += reminder_send(
                kind=kind, association=association, concerns=concerns, due=due, days=days
            )
        except Exception:  # one broken reminder does not stop the others
            logger.exception("Reminder %s of %s %s not sent", kind.kind, kind.model, concerns.pk)
    return sent


def reminders_scan(
    *,
    today: datetime.date | None = None,
    associations: Iterable[Association] | None = None,
    kinds: Iterable[str] | None = None,
) -> dict[str, int]:
    """Send every reminder due, once; returns how many of each kind this run sent. ``today``
    (tests, catching up) replaces each association's own date. Reminders are written in
    batches of ``REMINDER_SCAN_BATCH``, one transaction each."""
    with wording_cached():
        return _scan(today=today, associations=associations, kinds=kinds)


def _scan(*, today, associations, kinds) -> dict[str, int]:
    counts: dict[str, int] = {}
    wanted = set(kinds) if kinds is not None else None
    size = max(settings.REMINDER_SCAN_BATCH, 1)
    for association in associations if associations is not None else Association.objects.all():
        day = today or association.today()
        _scan_day.set(day)
        since = day - datetime.timedelta(days=settings.REMINDER_CATCH_UP_DAYS)
        for schedule in schedules(association):
            kind = schedule.kind
            if not schedule.active or (wanted is not None and kind.kind not in wanted):
                continue
            sent = set(
                Reminder.objects.filter(
                    association=association,
                    kind=kind.kind,
                    due__gte=since,
                ).values_list("concerns_id", "due")
            )
            batch: list[tuple[models.Model, datetime.date, int]] = []

            def flush(kind=kind, association=association):
                nonlocal batch
                if batch:
                    done = reminders_send(kind=kind, association=association, batch=batch)
                    if done:
                        counts[kind.kind] = counts.get(kind.kind, 0) + done
                    batch = []
                    if settings.REMINDER_SCAN_TEST_PAUSE:  # a test's window to kill us
                        time.sleep(settings.REMINDER_SCAN_TEST_PAUSE)

            for days in schedule.days:
                for concerns, due in kind.find(
                    association=association, days=days, since=since, today=day
                ):
                    if (concerns.pk, due) in sent or not since <= due <= day:
                        continue
                    sent.add((concerns.pk, due))
                    batch.append((concerns, due, days))
                    if len(batch) >= size:
                        flush()
            flush()
    return counts


def schedules_save(*, association: Association, values: dict, by) -> int:
    """Save the association's day counts and on/off ({kind: (days or None, active)}); returns
    how many kinds changed."""
    current = {schedule.kind.kind: schedule for schedule in schedules(association)}
    changed = 0
    with transaction.atomic():
        for kind, (days, active) in values.items():
            schedule = current.get(kind)
            if schedule is None:
                continue
            days = schedule.days if days is None else tuple(days)
            active = active or schedule.kind.essential
            if days == schedule.days and active == schedule.active:
                continue
            ReminderSchedule.objects.update_or_create(
                association=association,
                kind=kind,
                defaults={"days": days_format(days), "active": active},
            )
            changed += 1
    if changed:
        logger.info("Reminder schedules of %s changed by user %s", association.slug, by.pk)
    return changed


def reminders_sent_counts(*, association: Association, days: int = 30) -> dict[str, int]:
    """{kind: reminders sent in the last ``days`` days} (one query)."""
    since = timezone.now() - datetime.timedelta(days=days)
    rows = (
        Reminder.objects.filter(association=association, created__gte=since)
        .values("kind")
        .annotate(count=Count("pk"))
    )
    return {row["kind"]: row["count"] for row in rows}
