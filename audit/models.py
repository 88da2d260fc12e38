"""The audit log: one row per thing worth answering for later (a step, a download, a refusal, a
log-in, an admin change), written once and never changed.

The person and the association are kept as plain ids without a database constraint, and the
person's name as text: a row outlives the user or the association it names (erasure, a
deleted test account), and deleting them must not try to update the log, which the database
refuses (the trigger of migration 0001)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """Rows are only ever added: no update, no delete from the ORM."""

    def update(self, **kwargs):
        raise ValueError(AuditEntry.append_only_message)

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValueError(AuditEntry.append_only_message)

    def delete(self):
        raise ValueError(AuditEntry.append_only_message)

    delete.queryset_only = True


class AuditEntry(models.Model):
    """Who (``actor``, ``actor_label``), what (``action``, the object), when (``at``, UTC) and
    from where (``ip``, ``user_agent``), within which association (when there is one)."""

    append_only_message = "The audit log is append-only."

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # The person as they were called then (their e-mail), or "portal" for the portal itself.
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    action = models.CharField(_("what"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    association = models.ForeignKey(
        "accounts.Association",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("association"),
    )
    ip = models.GenericIPAddressField(_("from"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["association", "-at"], name="audit_association_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label or '-'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(self.append_only_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(self.append_only_message)
