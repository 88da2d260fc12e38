"""Celery tasks of the credentials app (thin: each task calls a service)."""

from celery import shared_task

from credentials.services import certificate_produce


@shared_task(name="credentials.certificate_render")
def certificate_render(certificate_id: int) -> str:
    certificate = certificate_produce(certificate_id=certificate_id)
    return certificate.state if certificate is not None else "skipped"
