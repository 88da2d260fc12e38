"""``audit_record``: the one writer of the audit log. One INSERT, and once committed one JSON
line on the ``portal.audit`` logger for a log shipper to forward (docs/audit.md)."""

import json
import logging
from functools import partial

from django.db import transaction

from accounts.rate_limits import client_address
from audit.context import Origin, origin_current
from audit.models import AuditEntry

logger = logging.getLogger("portal.audit")

PORTAL = "portal"


def request_origin(request) -> Origin:
    """From where ``request`` came: the client address as the rate limits compute it (behind
    ``TRUSTED_PROXY_COUNT`` proxies) and the browser, shortened."""
    address = client_address(request) or None
    return Origin(ip=address, user_agent=request.META.get("HTTP_USER_AGENT", "")[:200])


def audit_record(
    *,
    action: str,
    actor=None,
    actor_label: str = "",
    target=None,
    object_type: str = "",
    object_id="",
    object_label: str | None = None,
    association=None,
    association_id: int | None = None,
    details: dict | None = None,
    request=None,
) -> AuditEntry:
    """Record ``action`` by ``actor`` (a user; None is the portal, or someone unknown named by
    ``actor_label``, e.g. the e-mail a failed log-in tried) on ``target`` (a model instance;
    or ``object_type``/``object_id``), within ``association``. From where: ``request`` when
    the caller has it, else the current request's (``audit.context``), else nowhere (a task).

    ``object_label`` defaults to ``str(target)``: pass it on hot paths where ``__str__`` would
    read a relation."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if not actor_label:
        actor_label = actor.email if actor is not None else PORTAL
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = target.pk
        if object_label is None:
            object_label = str(target)
    if association is not None:
        association_id = association.pk
    origin = request_origin(request) if request is not None else origin_current()
    entry = AuditEntry.objects.create(
        actor=actor,
        actor_label=actor_label[:254],
        action=action,
        object_type=object_type,
        object_id="" if object_id in (None, "") else str(object_id)[:64],
        object_label=(object_label or "")[:200],
        association_id=association_id,
        ip=origin.ip,
        user_agent=origin.user_agent,
        details=details or {},
    )
    transaction.on_commit(partial(entry_log, entry))
    return entry


def entry_log(entry: AuditEntry) -> None:
    """The entry's line on ``portal.audit``, once its transaction has committed."""
    logger.info(entry_json(entry))


def entry_json(entry: AuditEntry) -> str:
    """The entry as one JSON line, the shape docs/audit.md describes."""
    return json.dumps(
        {
            "log": "portal.audit",
            "id": entry.pk,
            "at": entry.at.isoformat(),
            "actor_id": entry.actor_id,
            "actor": entry.actor_label,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "object": entry.object_label,
            "association_id": entry.association_id,
            "ip": entry.ip,
            "user_agent": entry.user_agent,
            "details": entry.details,
        },
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
