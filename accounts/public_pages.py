"""Whole-page cache of the public pages (home, association, category, verification) for anonymous
visitors, in the shared cache (Redis when configured, so every gunicorn worker sees the same).

Why: these pages are the same for every anonymous visitor in a language and time zone, and are
the ones read most (employers, Medicaid, applicants comparing categories); rendering the
association page's framework costs about 19 ms. A page is kept under a key naming the current
*generation* of public pages: whatever changes what they show (the framework, an association,
its fees, an endorsement) bumps the generation (``public_pages_forget``) and every page is read
fresh again; the apps that own those models connect it in their ``AppConfig.ready``
(dependencies point down: this module knows none of them).

Never cached: a signed-in visitor's page (their menu, their name), a page with messages waiting
for the visitor, anything but a GET or HEAD answered 200, an address with a query string. Values
that must differ on every answer are template variables rendered as marks and replaced on every
answer (``PER_REQUEST``): the CSRF token of the language form, so a cached page never hands one
visitor's token to another; a per-response value added later (e.g. a CSP nonce given to the
templates as a variable) registers there with ``register_per_request``.

``cached_page`` (the cache read, the render with marks, what may be kept) is shared with the
signed-in pages' per-person cache (``accounts.signed_in_pages``), which has its own key and
generation.
"""

import hashlib

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

GENERATION_KEY = "public-pages:generation"
# Template variable -> function(request) giving its value for this answer; the cached page holds
# a mark instead (``per_request_marks``, given to templates by accounts.context_processors).
PER_REQUEST: dict = {
    "csrf_token": lambda request: get_token(request),
    # The Content-Security-Policy's nonce (django-csp): each answer's header names its own, so
    # a cached page's <style nonce> must carry this answer's.
    "csp_nonce": lambda request: request.csp_nonce,
}
# The CSRF token's mark.
CSRF_MARK = "public-page-mark-csrf_token"
# Headers of the view's answer kept with the page (the middleware adds the rest on every answer).
KEPT_HEADERS = ("Content-Type", "Cache-Control", "Content-Language", "X-Robots-Tag")


def register_per_request(name: str, function) -> None:
    """Template variable ``name`` differs on every answer: ``function(request)`` gives it."""
    PER_REQUEST[name] = function


def per_request_marks() -> dict[str, str]:
    return {name: f"public-page-mark-{name}" for name in PER_REQUEST}


def _fill(request, content: bytes) -> bytes:
    for name, mark in per_request_marks().items():
        if mark.encode() in content:
            content = content.replace(mark.encode(), str(PER_REQUEST[name](request)).encode())
    return content


def generation_of(key: str) -> int:
    """The current generation of a family of cached pages (0 until first bumped)."""
    return cache.get(key) or 0


def generation_bump(key: str) -> None:
    """A new generation of a family of cached pages: every copy kept under an older one is
    read fresh from now."""
    try:
        cache.incr(key)
    except ValueError:  # not in the cache yet
        cache.set(key, 1, None)


def public_pages_generation() -> int:
    return generation_of(GENERATION_KEY)


def _bump() -> None:
    generation_bump(GENERATION_KEY)


def public_pages_forget(*args, **kwargs) -> None:
    """Every cached public page is read fresh from now: now, and again once the transaction
    commits (a page rendered in between may have been kept with the old data). Takes any
    arguments, so that it can be connected to any signal or registry."""
    _bump()
    transaction.on_commit(_bump)


def page_key(family: str, generation: int, request, *more: str) -> str:
    """The cache key of a page of ``family`` at ``generation``: its address, the language and
    time zone it was rendered in, and ``more`` (what else the family's pages differ by)."""
    parts = "\n".join(
        [
            *more,
            request.scheme,
            request.get_host(),
            request.path,
            translation.get_language() or settings.LANGUAGE_CODE,
            timezone.get_current_timezone_name(),
        ]
    )
    return f"{family}:{generation}:{hashlib.sha256(parts.encode()).hexdigest()}"


def _page_key(request, generation: int) -> str:
    return page_key("public-pages", generation, request)


def _cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and not request.user.is_authenticated
        and not messages_waiting(request)
    )


def messages_waiting(request) -> bool:
    """Whether the visitor has messages to read (counting does not mark them read: they still
    show on the page)."""
    return bool(len(get_messages(request)))


def _answer(request, content: bytes, status: int, headers: dict) -> HttpResponse:
    return HttpResponse(_fill(request, content), status=status, headers=headers)


def _keepable(request, response, session_was_modified: bool) -> bool:
    """A 200 of the view's own, the same for whoever asks again with the same key: no cookie,
    no message added while rendering, no change to the session (a cached answer would not
    repeat them)."""
    storage = getattr(request, "_messages", None)
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.cookies
        and not response.streaming
        and not (storage is not None and storage.added_new)
        and not (session is not None and session.modified and not session_was_modified)
    )


def cached_page(request, render, *, key: str, seconds: int) -> HttpResponse:
    """The page ``render()`` answers, from the cache under ``key`` when it is there; else
    rendered with marks for the per-answer values (``PER_REQUEST``) and kept for ``seconds``
    when it may be (``_keepable``). The caller decides whether this request may be served from
    the cache at all, and names everything the page depends on in ``key``."""
    kept = cache.get(key)
    if kept is not None:
        content, status, headers = kept
        return _answer(request, content, status, headers)
    session = getattr(request, "session", None)
    session_was_modified = session is not None and session.modified
    request.cached_page_marks = True
    try:
        response = render()
        if hasattr(response, "render"):
            response.render()
    finally:
        request.cached_page_marks = False
    if not _keepable(request, response, session_was_modified):
        if not response.streaming:
            response.content = _fill(request, response.content)
        return response
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    cache.set(key, (response.content, response.status_code, headers), seconds)
    return _answer(request, response.content, response.status_code, headers)


def cached_public_page(request, render, seconds: int) -> HttpResponse:
    """The page ``render()`` answers, from the cache when this visitor may get the cached one
    and it is there; else rendered (with the CSRF mark) and kept for ``seconds`` when it is a
    200 without cookies of its own."""
    if not _cacheable(request):
        return render()
    key = _page_key(request, public_pages_generation())
    return cached_page(request, render, key=key, seconds=seconds)


class PublicPageCacheMixin:
    """For a public view: its GET answer through ``cached_public_page``."""

    public_page_seconds = 300

    def get(self, request, *args, **kwargs):
        return cached_public_page(
            request,
            lambda: super(PublicPageCacheMixin, self).get(request, *args, **kwargs),
            self.public_page_seconds,
        )


def forget_on_changes_of(*models) -> None:
    """Connect ``public_pages_forget`` to every save and delete of ``models`` (and to the
    changes of their many-to-many fields), for the apps whose data the public pages show."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in models:
        uid = f"public_pages:{model._meta.label}"
        post_save.connect(public_pages_forget, sender=model, dispatch_uid=uid)
        post_delete.connect(public_pages_forget, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                public_pages_forget, sender=field.remote_field.through, dispatch_uid=uid
            )
