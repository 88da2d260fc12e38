import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from endorsement.models import Endorsement


class CertificateState(models.TextChoices):
    PENDING = "pending", _("Being produced")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be produced")


def certificate_path(instance, filename: str) -> str:
    """A server-chosen name in the private storage (never under a public URL)."""
    return f"certificates/{instance.endorsement_id}/{uuid.uuid4().hex}.pdf"


class Certificate(models.Model):
    """One PDF certificate of an endorsement. A new one (e.g. after a name change) supersedes
    the previous ones; the file lives in the private storage and leaves only through
    ``credentials.views.CertificateDownloadView``."""

    endorsement = models.ForeignKey(
        Endorsement, on_delete=models.CASCADE, related_name="certificates"
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=CertificateState.choices,
        default=CertificateState.PENDING,
    )
    file = models.FileField(_("file"), upload_to=certificate_path, blank=True)
    holder_name = models.CharField(_("holder's name as printed"), max_length=300)
    created = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.endorsement.number} ({self.get_state_display()})"

    @property
    def is_ready(self) -> bool:
        return self.state == CertificateState.READY and bool(self.file)
