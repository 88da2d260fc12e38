"""Scheduled work of the endorsement app (thin: each task calls a service)."""

from celery import shared_task

from endorsement.inactivity import applications_hold_inactive as _hold_inactive
from endorsement.lifecycle import endorsement_lifecycle_scan as _lifecycle_scan


@shared_task(name="endorsement.applications_hold_inactive")
def applications_hold_inactive() -> int:
    """Daily (``CELERY_BEAT_SCHEDULE``): inactive applications go on hold."""
    return _hold_inactive()


@shared_task(name="endorsement.endorsements_lifecycle_scan")
def endorsements_lifecycle_scan() -> dict:
    """Daily (``CELERY_BEAT_SCHEDULE``): renewals open, unrenewed endorsements lapse."""
    return _lifecycle_scan()
