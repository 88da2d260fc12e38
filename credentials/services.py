"""Writes of the credentials app: certificates."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.signed_in_pages import signed_in_pages_forget
from credentials.models import Certificate, CertificateState
from endorsement.models import Endorsement

logger = logging.getLogger(__name__)


@transaction.atomic
def certificate_issue(*, endorsement: Endorsement) -> Certificate:
    """A new certificate for the endorsement, with the holder's name as it is now: the
    earlier ones are superseded, the PDF is produced by a Celery task once committed."""
    from credentials.tasks import certificate_render

    now = timezone.now()
    Certificate.objects.filter(endorsement=endorsement, superseded_at__isnull=True).update(
        superseded_at=now
    )
    signed_in_pages_forget()  # no signal for update()
    certificate = Certificate.objects.create(
        endorsement=endorsement, holder_name=endorsement.holder.get_full_name()
    )
    transaction.on_commit(lambda: certificate_render.delay(certificate.pk))
    return certificate


def certificate_produce(*, certificate_id: int) -> Certificate | None:
    """Render and store a pending certificate's PDF; it becomes ready, or failed when the
    rendering raises. A certificate that is not pending is left alone (the task may run twice)."""
    # WeasyPrint is loaded by the worker that renders, not by every process that awards.
    from credentials.certificates import certificate_pdf

    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update()
            .select_related("endorsement__association", "endorsement__category")
            .select_related("endorsement__holder")
            .filter(pk=certificate_id, state=CertificateState.PENDING)
            .first()
        )
        if certificate is None:
            return None
        try:
            pdf = certificate_pdf(
                endorsement=certificate.endorsement,
                holder_name=certificate.holder_name,
                code=certificate.code,
            )
        except Exception:
            logger.exception("Certificate %s could not be produced", certificate_id)
            certificate.state = CertificateState.FAILED
            certificate.save(update_fields=["state"])
            return certificate
        certificate.file.save(f"{certificate.endorsement.number}.pdf", ContentFile(pdf), save=False)
        certificate.state = CertificateState.READY
        certificate.save(update_fields=["file", "state"])
    return certificate


class RetryRefused(Exception):
    """The certificate is not one that failed (it is being produced, ready, or replaced)."""


def certificate_retry(*, certificate: Certificate) -> Certificate:
    """Produce a failed certificate again: it is pending once more and the Celery task is
    queued once committed. Only the current certificate of an endorsement, and only when it
    failed (asking twice queues it once: the second finds it pending and raises)."""
    from credentials.tasks import certificate_render

    with transaction.atomic():
        updated = Certificate.objects.filter(
            pk=certificate.pk, state=CertificateState.FAILED, superseded_at__isnull=True
        ).update(state=CertificateState.PENDING)
        if not updated:
            raise RetryRefused
        transaction.on_commit(lambda: certificate_render.delay(certificate.pk))
    certificate.state = CertificateState.PENDING
    return certificate


def certificate_on_award(endorsement: Endorsement) -> None:
    """Registered with ``endorsement.awards.register_on_award``: the certificate, and the
    endorsement's place in the association's status lists (so its bit follows a revocation or
    a lapse whether or not the holder has downloaded the badge yet)."""
    from credentials.badges import status_list_entry

    certificate_issue(endorsement=endorsement)
    status_list_entry(endorsement)


def certificate_on_status_change(endorsement: Endorsement, event) -> None:
    """Registered with ``endorsement.lifecycle.register_on_status_change``: a renewal or a
    reinstatement moves the valid-through date, so a new certificate is produced with it (the
    earlier one superseded); the Open Badges credential reads the date when downloaded."""
    if event.action in ("renew", "reinstate"):
        certificate_issue(endorsement=endorsement)
