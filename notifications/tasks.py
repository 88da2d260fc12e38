"""The outbox's tasks (thin: each calls a service)."""

from celery import shared_task

from notifications.services import message_send, messages_requeue


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
