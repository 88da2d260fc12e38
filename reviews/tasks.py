"""Background work of the reviews app (thin: each task calls a service)."""

from celery import shared_task

from reviews.services import advising


@shared_task(name="reviews.comments_send_digests")
def comments_send_digests() -> int:
    """Each side of each portfolio gets one e-mail with the comments new to them.

    Idempotent: comments already sent are marked, so a second run sends nothing.
    """
    return advising.comments_digest_send()
