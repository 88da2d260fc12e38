"""Reads of the outbox: the page's search, the last days' counts, the oldest queued message."""

import datetime

from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from notifications.enums import MessageState
from notifications.models import OutboxMessage

COUNT_DAYS = 7


def outbox_messages(*, association, q: str = "", state: str = "") -> QuerySet[OutboxMessage]:
    """The association's messages, newest first, searched in the recipient, the subject and the
    e-mail's key, and filtered by state."""
    messages = OutboxMessage.objects.filter(association=association)
    if q:
        messages = messages.filter(
            Q(recipient__icontains=q) | Q(subject__icontains=q) | Q(key__icontains=q)
        )
    if state:
        messages = messages.filter(state=state)
    return messages.order_by("-created", "-pk")


def outbox_counts(*, association, days: int = COUNT_DAYS, now=None) -> dict[str, int]:
    """{state: messages created in the last ``days`` days} (one query)."""
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    counts = OutboxMessage.objects.filter(association=association, created__gte=since).aggregate(
        **{state.value: Count("pk", filter=Q(state=state)) for state in MessageState}
    )
    return {state.value: counts[state.value] for state in MessageState}


def oldest_queued_age(*, now=None) -> float | None:
    """Seconds the oldest queued message (all associations) has waited for its attempt; None
    when nothing waits. A message waiting for a retry counts from its next attempt."""
    now = now or timezone.now()
    oldest = OutboxMessage.objects.filter(state=MessageState.QUEUED, next_attempt_at__lte=now)
    oldest = oldest.aggregate(oldest=Min("next_attempt_at"))["oldest"]
    return None if oldest is None else max((now - oldest).total_seconds(), 0.0)


def outbox_daily_counts(*, association, days: int = COUNT_DAYS, now=None) -> list[dict]:
    """The messages written on each of the last ``days`` days (the current time zone's days,
    today first), by state: [{"day", "queued", "failed", "sent"}] (one query)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - datetime.timedelta(days=days - 1)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    rows = (
        OutboxMessage.objects.filter(association=association, created__gte=start)
        .annotate(day=TruncDate("created", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(**{state.value: Count("pk", filter=Q(state=state)) for state in MessageState})
    )
    by_day = {row["day"]: row for row in rows}
    result = []
    for offset in range(days):
        day = today - datetime.timedelta(days=offset)
        row = by_day.get(day, {})
        result.append(
            {
                "day": day,
                "queued": row.get(MessageState.QUEUED, 0) + row.get(MessageState.SENDING, 0),
                "failed": row.get(MessageState.FAILED, 0),
                "sent": row.get(MessageState.SENT, 0),
            }
        )
    return result
