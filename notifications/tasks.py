"""The outbox's tasks (thin: each calls a service)."""

from celery import shared_task

from notifications.services import message_send, messages_requeue, messages_send


@shared_task(
    bind=True,
    name="notifications.send_message",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def send_message(self, message_id: int) -> str:
    """Send one outbox row; on a transient failure try again after the row's backoff. Run
    inline (the demo, the tests), a retry waits for ``notifications.messages_requeue``."""
    outcome = message_send(message_id=message_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in, max_retries=None)
    return outcome.state


@shared_task(
    bind=True,
    name="notifications.send_messages",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def send_messages(self, message_ids: list[int]) -> dict:
    """Send outbox rows queued together (a reminder scan's batch); each one that failed for
    now is tried again on its own (``send_message``) after its backoff."""
    outcomes = messages_send(message_ids=message_ids)
    if not self.request.is_eager:
        for message_id, outcome in outcomes.items():
            if outcome.retry_in is not None:
                send_message.apply_async(args=[message_id], countdown=outcome.retry_in)
    return {str(message_id): outcome.state for message_id, outcome in outcomes.items()}


@shared_task(name="notifications.messages_requeue", acks_late=True, reject_on_worker_lost=True)
def requeue_messages() -> dict:
    """Every minute (``CELERY_BEAT_SCHEDULE``): rows stuck in "sending" and queued rows whose
    task was lost go back to a worker."""
    return messages_requeue()


@shared_task(name="notifications.reminders_scan", acks_late=True, reject_on_worker_lost=True)
def reminders_scan(association_ids: list[int] | None = None) -> dict:
    """Every hour (``CELERY_BEAT_SCHEDULE``): every reminder due is sent, once
    (``notifications.reminders``). Killed midway and run again, it sends what is left."""
    from accounts.models import Association
    from notifications.reminders import reminders_scan as scan

    associations = (
        Association.objects.filter(pk__in=association_ids) if association_ids is not None else None
    )
    return scan(associations=associations)
