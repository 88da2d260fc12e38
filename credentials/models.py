import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from endorsement.models import Endorsement


class CertificateState(models.TextChoices):
    PENDING = "pending", _("Being produced")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be produced")


def certificate_code() -> str:
    """A certificate's public code (20 hex digits, 80 random bits): printed in its QR code's
    address, it tells the verification page which certificate is being checked."""
    return secrets.token_hex(10)


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
    code = models.CharField(
        _("public code"), max_length=20, unique=True, default=certificate_code, editable=False
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.endorsement.number} ({self.get_state_display()})"

    @property
    def is_ready(self) -> bool:
        return self.state == CertificateState.READY and bool(self.file)


class IssuerKey(models.Model):
    """An association's Ed25519 key for signing its Open Badges credentials (``credentials.keys``).

    The private key is stored encrypted (Fernet, with a key derived from
    ``settings.CREDENTIAL_KEYS_SECRET``); the public JWK is published in the association's JWKS.
    One key per association is current (``retired_at`` empty); a rotated key is retired but still
    published, so the credentials it signed still verify.
    """

    association = models.ForeignKey(
        "accounts.Association", on_delete=models.PROTECT, related_name="issuer_keys"
    )
    kid = models.CharField(_("key id"), max_length=100, unique=True)
    public_jwk = models.JSONField(_("public key (JWK)"))
    private_key_encrypted = models.TextField(_("private key, encrypted"), editable=False)
    created = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        ordering = ["association", "-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["association"],
                condition=models.Q(retired_at__isnull=True),
                name="issuer_key_one_current_per_association",
            )
        ]

    def __str__(self):
        return self.kid

    @property
    def is_current(self) -> bool:
        return self.retired_at is None


class StatusListEntry(models.Model):
    """An endorsement's place in its association's Bitstring Status Lists: the bit at ``index``
    is set in the revocation list when it is revoked, in the suspension list when it lapsed.
    Given on the first credential issued for it and never changed."""

    endorsement = models.OneToOneField(
        Endorsement, on_delete=models.CASCADE, related_name="status_list_entry"
    )
    association = models.ForeignKey(
        "accounts.Association", on_delete=models.PROTECT, related_name="status_list_entries"
    )
    index = models.PositiveIntegerField(_("status list index"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status list entry")
        verbose_name_plural = _("status list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "index"], name="status_list_index_unique"
            )
        ]

    def __str__(self):
        return f"{self.association_id}:{self.index}"


class NameChangeState(models.TextChoices):
    PENDING = "pending", _("Waiting for the office")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class NameChangeRequest(models.Model):
    """A holder asks for their name to change on an endorsement's certificate; a coordinator
    (or admin) of the endorsement's association approves it (the name changes and the
    certificate is reissued) or refuses it with a reason. One pending request per person;
    ``credentials.name_changes`` is the only writer of ``state``."""

    endorsement = models.ForeignKey(
        Endorsement, on_delete=models.CASCADE, related_name="name_change_requests"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="name_change_requests"
    )
    requested_name = models.CharField(_("new name"), max_length=200)
    reason = models.TextField(_("reason"), max_length=2000)
    # The name the person had when the request was decided (kept for the audit, never public).
    previous_name = models.CharField(_("previous name"), max_length=200, blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=NameChangeState.choices,
        default=NameChangeState.PENDING,
    )
    created = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for the refusal"), blank=True)

    class Meta:
        verbose_name = _("name change request")
        verbose_name_plural = _("name change requests")
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder"],
                condition=models.Q(state="pending"),
                name="one_pending_name_change_per_person",
            )
        ]

    def __str__(self):
        return f"{self.endorsement.number}: {self.get_state_display()}"
