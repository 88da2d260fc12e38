"""The one door every e-mail of the portal leaves through, in each recipient's language, from
templates the association may reword, written to the outbox in the transaction of the change
that causes it and sent once that transaction commits (``notifications.services``).

Every e-mail has a key. The app that sends it registers its keys when it loads
(``register_emails``: what each e-mail is, as the admin lists it, the folder of its default
wording, the values that wording may use and those that are personal links), the way apps
register dashboards (``accounts.dashboards``). A key's default wording is two template files,
``<folder>/<key>_subject.txt`` and ``<folder>/<key>.txt`` (dots in the key become
underscores). An association's own wording comes from the source a higher app registers with
``wording_source`` (``endorsement``'s ``EmailTemplate`` rows, per association, key and
language); it is a Django template over the plain values the key registered.

``email_on_commit`` writes to any address (a rater without an account, a staff invitation:
``accounts.emails`` reaches it through ``door_open``); ``endorsement.emails`` writes to the
people of an application through ``email_queue``. A key registered with ``secret`` values (a
personal link) has them masked where staff read the outbox.

Every key is essential (always sent) unless registered ``non_essential`` or, for a
``reminder.`` key, unless its reminder kind is essential; ``mark_essential``, ``is_essential``
and the unsubscribe link of non-essential e-mail are ``notifications.unsubscribe``'s.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from accounts import emails as staff_emails
from accounts.senders import reply_address, sender_address
from accounts.time_zones import association_time
from notifications.services import message_queue
from notifications.unsubscribe import (  # noqa: F401 - the registry, as the apps above reach it
    is_essential,
    mark_essential,
    mark_non_essential,
)

logger = logging.getLogger(__name__)

# key: what the e-mail is, as the admin lists it; filled by ``register_emails``.
EMAILS: dict[str, str] = {}
# key: the template path of its default wording, without "_subject.txt"/".txt".
EMAIL_TEMPLATES: dict[str, str] = {}
# key: {value name: what it is}, the values the wording may use, as the admin explains them.
EMAIL_VALUES: dict[str, dict] = {}
# key: the names of its values that are personal links, masked where staff read the outbox.
EMAIL_SECRETS: dict[str, tuple] = {}

# (association, key, language) -> (subject, body) of the association's own wording, or None.
_wording: list[Callable] = []

_engine = Engine(autoescape=False)

# While set (``wording_cached``): the association's own wordings already read.
_wording_cache: ContextVar[dict | None] = ContextVar("wording_cache", default=None)


@contextmanager
def wording_cached():
    """Read each association's own wording of a key once, e.g. for the thousands of e-mails of
    one reminder scan (an edit made meanwhile applies from the next scan)."""
    token = _wording_cache.set({})
    try:
        yield
    finally:
        _wording_cache.reset(token)


def _own_wording(association, key: str, language: str):
    if not _wording:
        return None
    cache = _wording_cache.get()
    if cache is None:
        return _wording[0](association, key, language)
    lookup = (getattr(association, "pk", None), key, language)
    if lookup not in cache:
        cache[lookup] = _wording[0](association, key, language)
    return cache[lookup]


def register_emails(
    *,
    folder: str,
    emails: dict,
    values: dict | None = None,
    secret: dict | None = None,
    default_values: dict | None = None,
    non_essential: Iterable[str] = (),
    essential: Iterable[str] = (),
) -> None:
    """Register the e-mails ``emails`` ({key: what it is}) with their default wording in the
    template ``folder``; ``values`` ({key: {name: what it is}}) gives a key's values (else
    ``default_values``); ``secret`` ({key: [value names]}) the values that are personal links
    (a rater's, an invitation's), which the outbox page does not show. ``non_essential`` names
    the keys a person may unsubscribe from (``notifications.unsubscribe``: every other key is
    essential, but a ``reminder.`` key, which is non-essential unless named in
    ``essential``)."""
    for key in non_essential:
        mark_non_essential(key)
    for key in essential:
        mark_essential(key)
    for key, label in emails.items():
        EMAILS[key] = label
        EMAIL_TEMPLATES[key] = f"{folder}/{key.replace('.', '_')}"
        EMAIL_VALUES[key] = (values or {}).get(key, default_values or {})
        EMAIL_SECRETS[key] = tuple((secret or {}).get(key, ()))


def wording_source(function: Callable) -> None:
    """Where an association's own wording of a key comes from (filled by a higher app)."""
    _wording[:] = [function]


def template_file(key: str, part: str = "") -> str:
    return f"{EMAIL_TEMPLATES[key]}{'_' + part if part else ''}.txt"


def email_render(*, association, key: str, language: str, context: dict) -> tuple[str, str]:
    """(subject, body) in ``language`` (already active): the association's wording or ours."""
    own = _own_wording(association, key, language)
    if own is not None:
        try:
            subject = _engine.from_string(own[0]).render(Context(context))
            body = _engine.from_string(own[1]).render(Context(context))
        except TemplateSyntaxError:
            logger.exception("E-mail template %s of %s does not render", key, association)
        else:
            return " ".join(subject.split()), body
    subject = render_to_string(template_file(key, "subject"), context)
    body = render_to_string(template_file(key), context)
    return " ".join(subject.split()), body


def user_language(user) -> str:
    """The language ``user``'s e-mails are written in: their own, else the site's."""
    return user.preferred_language or settings.LANGUAGE_CODE


def known(key: str) -> None:
    if key not in EMAILS:
        raise ValueError(f"Unknown e-mail: {key}")


@contextmanager
def writing(*, association, language: str):
    """While an e-mail is written: the recipient's language, the association's time zone."""
    with translation.override(language), association_time(association):
        yield


def written(values: dict) -> dict:
    """``values`` with dates written out in the active language."""
    return {
        name: formats.date_format(value, "DATE_FORMAT")
        if isinstance(value, datetime.date)
        else value
        for name, value in values.items()
    }


def _masked(*, key: str, body: str, context: dict) -> str:
    """``body`` with the key's personal links replaced, for the outbox page."""
    for name in EMAIL_SECRETS.get(key, ()):
        value = str(context.get(name) or "")
        if value:
            body = body.replace(value, str(_("[personal link, hidden]")))
    return body


def email_queue(
    *,
    association,
    key: str,
    to: str,
    subject: str,
    body: str,
    sender: str,
    language: str,
    context: dict,
    reply_to: str = "",
    recipient=None,
    concerns=None,
) -> None:
    """Write one rendered e-mail to the outbox in the current transaction; it is sent once the
    transaction commits. Replies go to the association's reply-to address when it set one."""
    secrets = EMAIL_SECRETS.get(key, ())
    url = context.get("url") or ("" if "link" in secrets else context.get("link")) or ""
    with translation.override(language):
        shown = _masked(key=key, body=body, context=context)
    message_queue(
        association=association,
        to=to,
        subject=subject,
        text=body,
        sender=sender,
        reply_to=reply_address(association=association, default=reply_to),
        key=key,
        language=language,
        recipient_user=recipient,
        concerns=concerns,
        url=str(url),
        text_shown=shown,
    )


def email_on_commit(
    *,
    association,
    key: str,
    to: str,
    language: str,
    context: dict,
    reply_to: str = "",
    concerns=None,
    recipient=None,
) -> None:
    """Write ``key`` to the address ``to`` in ``language`` (the association's wording or ours,
    rendered now, ending with one line break) into the outbox; it is sent once the current
    transaction commits. ``concerns`` is the object it is about, ``recipient`` the account of
    the address, when there is one."""
    known(key)
    with writing(association=association, language=language):
        values = written(context)
        subject, body = email_render(
            association=association, key=key, language=language, context=values
        )
        sender = sender_address(association=association)
    email_queue(
        association=association,
        key=key,
        to=to,
        subject=subject,
        body=body.strip() + "\n",
        sender=sender,
        language=language,
        context=values,
        reply_to=reply_to,
        recipient=recipient,
        concerns=concerns,
    )


def door_open() -> None:
    """The staff e-mails of ``accounts`` (below this app) leave through this door, and so do
    allauth's, which ``accounts.adapters`` renders and writes with ``message_queue``."""
    register_emails(
        folder=staff_emails.FOLDER,
        emails=staff_emails.EMAILS,
        values=staff_emails.VALUES,
        secret=staff_emails.SECRET,
    )
    staff_emails.door_open(email_on_commit, message_queue)
