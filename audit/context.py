"""From where the current request came: set by ``audit.middleware.AuditMiddleware`` for the
request's duration, read by ``audit_record`` when a service deep down records a step (services
take ``by``, never the request)."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip: str | None = None
    user_agent: str = ""


NOWHERE = Origin()
_origin: ContextVar[Origin] = ContextVar("audit_origin", default=NOWHERE)


def origin_current() -> Origin:
    return _origin.get()


def origin_set(origin: Origin):
    """Returns the token that ``origin_reset`` takes."""
    return _origin.set(origin)


def origin_reset(token) -> None:
    _origin.reset(token)
