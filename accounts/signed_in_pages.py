"""Whole-page cache of the heavy signed-in pages (the dashboards, the portfolio's summary) per
person, in the shared cache, with the machinery of ``accounts.public_pages``.

Why: these pages compute a lot (the requirement check of a 200-item portfolio, the coordinator's
counts over 10,000 applications) and are read far more often than what they show changes. A page
is kept under a key naming the person, the address with its query string, the language, the time
zone, whether htmx asked for it (and for which target), and the current *generation* of
signed-in pages.

The generation is bumped (``signed_in_pages_forget``), now and again once the transaction
commits, by:

- every save or delete of any model, and every change of a many-to-many relation, except the
  pure logging rows no cached page shows (``NOT_SHOWN``: sessions, the audit log, the admin's
  log, content types; and a save of only ``last_login``, which signing in writes): a new
  evidence item, a comment, a workflow step, a role granted, the person's language, anything;
- every request that is not a GET, HEAD or OPTIONS, once it is answered (``accounts.middleware.
  SignedInPagesMiddleware``): a ``queryset.update()`` in a view sends no signal;
- the services that write with ``queryset.update()`` outside a request (the outbox, the
  erasure), explicitly.

And a page is kept at most ``SECONDS`` (60 s): the time-based words ("5 days left"), a membership
or rating that lapses at midnight, anything that changes by the clock alone, is at most that
stale.

A hit skips the view, its permission check included: the page was rendered for this very person
at this generation, and anything that could change who may see it (a role, an assignment, an
application's state, the account itself) bumps the generation. The middleware before the view
still runs on every request (the log-in, the MFA requirement). Never served from nor put in the
cache: an anonymous visitor's page, a request that is not a GET or HEAD, a person with messages
waiting; never kept: an answer but a 200, one that sets a cookie, adds a message or changes the
session (``public_pages.cached_page``).
"""

from django.db import transaction

from accounts.public_pages import (
    cached_page,
    generation_bump,
    generation_of,
    messages_waiting,
    page_key,
)

GENERATION_KEY = "signed-in-pages:generation"
SECONDS = 60
# Apps whose rows no cached page shows: their writes do not empty the cache (signing in writes a
# session, every refused request an audit entry).
NOT_SHOWN = frozenset({"sessions", "audit", "admin", "contenttypes"})
# The request headers htmx sends that a view may answer differently to (a fragment).
HTMX_HEADERS = ("HX-Request", "HX-Target", "HX-Trigger", "HX-Trigger-Name", "HX-Boosted")


def signed_in_pages_generation() -> int:
    return generation_of(GENERATION_KEY)


def _bump() -> None:
    generation_bump(GENERATION_KEY)


def signed_in_pages_forget_now() -> None:
    """Every cached signed-in page is read fresh from now, for a write already committed (a
    request answered: ``accounts.middleware.SignedInPagesMiddleware``)."""
    _bump()


def signed_in_pages_forget(*args, **kwargs) -> None:
    """Every cached signed-in page is read fresh from now: now, and again once the transaction
    commits (a page rendered in between may have been kept with the old data), the latter once
    per transaction however many rows it writes. Takes any arguments, so that it can be
    connected to any signal or registry."""
    _bump()
    if not is_commit_bump_pending():
        transaction.on_commit(_bump)


def is_commit_bump_pending() -> bool:
    """Whether this transaction already bumps the generation once it commits (a rolled-back
    savepoint drops its callbacks, and the next write registers one again)."""
    connection = transaction.get_connection()
    return any(callback is _bump for _ids, callback, _robust in connection.run_on_commit)


def is_commit_bump(callback) -> bool:
    """Whether an ``on_commit`` callback is this cache's (for tests that count the others)."""
    return callback is _bump


# Saves that change only these fields: signing in writes the time of it, shown only on the
# people pages (not cached).
NOT_SHOWN_FIELDS = frozenset({"last_login"})


def _forget_unless_not_shown(sender, **kwargs) -> None:
    if sender._meta.app_label in NOT_SHOWN:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= NOT_SHOWN_FIELDS:
        return
    signed_in_pages_forget()


def forget_on_every_change() -> None:
    """Connect ``signed_in_pages_forget`` to the saves and deletes of every model but those of
    ``NOT_SHOWN`` (connected per model, so that deleting their rows keeps Django's fast path),
    and to every change of a many-to-many relation. Called once the models are loaded."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in NOT_SHOWN:
            continue
        uid = f"signed_in_pages:{model._meta.label}"
        post_save.connect(_forget_unless_not_shown, sender=model, dispatch_uid=uid)
        post_delete.connect(_forget_unless_not_shown, sender=model, dispatch_uid=uid)
    m2m_changed.connect(_forget_unless_not_shown, dispatch_uid="signed_in_pages:m2m")


def _page_key(request, generation: int) -> str:
    return page_key(
        "signed-in-pages",
        generation,
        request,
        str(request.user.pk),
        request.META.get("QUERY_STRING", ""),
        *(request.headers.get(name, "") for name in HTMX_HEADERS),
    )


def _cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.user.is_authenticated
        and not messages_waiting(request)
    )


def cached_signed_in_page(request, render, seconds: int = SECONDS):
    """The page ``render()`` answers for the signed-in person: their own cached copy when there
    is one of this generation, else rendered (its permission check included) and kept."""
    if not _cacheable(request):
        return render()
    key = _page_key(request, signed_in_pages_generation())
    return cached_page(request, render, key=key, seconds=seconds)


class SignedInPageCacheMixin:
    """For a heavy signed-in view: its whole answer (the permission gate of the views after it
    in the MRO included) through ``cached_signed_in_page``. Put it first among the bases."""

    signed_in_page_seconds = SECONDS

    def dispatch(self, request, *args, **kwargs):
        parent = super().dispatch
        return cached_signed_in_page(
            request, lambda: parent(request, *args, **kwargs), self.signed_in_page_seconds
        )
