"""Writes of the outbox: queue a message (in the caller's transaction; its sending is
dispatched once that transaction commits, together with the other messages of that
transaction), send one or a batch (the tasks' bodies), resend one, and the periodic clean-up
of rows left behind by a lost task or a dead worker.

Sending is at least once, and in practice once: a row is taken only while it is queued, under
a row lock that skips rows another worker holds, and is marked "sending" before the mail
server is contacted; a sent row is never sent again. Only a worker that dies between the mail
server's acceptance and the row's "sent" leaves a row in "sending", which
``messages_requeue`` puts back in the queue after ``OUTBOX_STUCK_MINUTES``.
"""

import datetime
import logging
import smtplib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.signed_in_pages import signed_in_pages_forget
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from notifications.unsubscribe import (
    is_essential,
    may_skip,
    unsubscribe_headers,
    unsubscribe_url,
)

logger = logging.getLogger(__name__)


def html_render(
    *, text: str, subject: str, language: str, association=None, unsubscribe: str = ""
) -> str:
    """The HTML part: the text, escaped, its paragraphs kept and its links made clickable;
    ending with the ``unsubscribe`` link of a non-essential e-mail."""
    # A plain copy: text rendered from a template is a SafeString, which urlize would not escape.
    text, subject = (value.encode("utf-8").decode("utf-8") for value in (text, subject))
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string(
            "notifications/emails/message.html",
            {
                "text": text,
                "subject": subject,
                "language": language,
                "association": association,
                "unsubscribe_url": unsubscribe,
            },
        )


def with_footer(*, text: str, url: str, language: str) -> str:
    """``text`` ending with the unsubscribe link ``url`` of a non-essential e-mail, after the
    signature separator ("-- ")."""
    with translation.override(language or settings.LANGUAGE_CODE):
        line = gettext(
            "To stop reminders and comment notifications (one click, no log-in): %(url)s"
        ) % {"url": url}
    return f"{text.rstrip()}\n\n-- \n{line}\n"


def message_queue(
    *,
    to: str,
    subject: str,
    text: str,
    sender: str,
    association=None,
    reply_to: str = "",
    key: str = "",
    language: str = "",
    recipient_user=None,
    concerns=None,
    url: str = "",
    text_shown: str = "",
    dedupe_key: str | None = None,
    html: str = "",
) -> OutboxMessage | None:
    """Write one e-mail to the outbox, in the current transaction, and send it once that
    transaction commits. With a ``dedupe_key`` already in the outbox nothing is written
    (None): a reminder is queued once. ``html``: an HTML part rendered elsewhere (allauth's);
    without it the HTML part is the text's (``html_render``).

    A non-essential ``key`` (``notifications.unsubscribe``) ends with the recipient's
    unsubscribe link (masked where staff read the outbox); to an address that unsubscribed it
    is written "not sent: unsubscribed" and never handed to a worker."""
    link = "" if is_essential(key) else unsubscribe_url(to)
    html_body = html or html_render(
        text=text, subject=subject, language=language, association=association, unsubscribe=link
    )
    if link:
        shown = text_shown or text
        text = with_footer(text=text, url=link, language=language)
        with translation.override(language or settings.LANGUAGE_CODE):
            hidden = gettext("[personal link, hidden]")
        text_shown = with_footer(text=shown, url=hidden, language=language)
    skipped = bool(link) and may_skip(key=key, to=to)
    message = OutboxMessage(
        association=association,
        recipient=to,
        recipient_user=recipient_user,
        sender=sender,
        reply_to=reply_to,
        subject=subject,
        text_body=text,
        html_body=html_body,
        text_shown="" if text_shown == text else text_shown,
        key=key,
        language=language,
        url=url[:500],
        dedupe_key=dedupe_key or None,
        state=MessageState.OPTED_OUT if skipped else MessageState.QUEUED,
    )
    if concerns is not None:
        message.concerns_type = ContentType.objects.get_for_model(concerns)
        message.concerns_id = concerns.pk
    if dedupe_key:
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:
            return None
    else:
        message.save()
    if not skipped:
        dispatch_on_commit(message.pk)
    return message


class _Dispatch:
    """Messages queued together (``messages_batched``), handed to workers together."""

    def __init__(self):
        self.ids: list[int] = []

    def __call__(self) -> None:
        size = max(settings.OUTBOX_DISPATCH_BATCH, 1)
        for start in range(0, len(self.ids), size):
            ids = self.ids[start : start + size]
            if len(ids) == 1:
                message_dispatch(message_id=ids[0])
            else:
                messages_dispatch(message_ids=ids)


_batch: ContextVar[_Dispatch | None] = ContextVar("outbox_batch", default=None)


@contextmanager
def messages_batched():
    """Inside a transaction: the messages queued in this block are dispatched together, in
    tasks of ``OUTBOX_DISPATCH_BATCH``, once the transaction commits (a reminder scan's batch:
    one task per message would cost a broker round trip each)."""
    pending = _Dispatch()
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    if pending.ids:
        transaction.on_commit(pending)


def dispatch_on_commit(message_id: int) -> None:
    """Send the message once the current transaction commits (with its batch, in
    ``messages_batched``)."""
    pending = _batch.get()
    if pending is not None:
        pending.ids.append(message_id)
    else:
        transaction.on_commit(partial(message_dispatch, message_id=message_id))


def message_dispatch(*, message_id: int) -> None:
    """Hand the message to a worker (inline when ``OUTBOX_SEND_INLINE`` or Celery runs tasks
    inline). A broker that cannot be reached loses nothing: the row stays queued and
    ``messages_requeue`` dispatches it again."""
    from notifications.tasks import send_message

    try:
        if settings.OUTBOX_SEND_INLINE:
            send_message.apply(args=[message_id])
        else:
            send_message.delay(message_id)
    except Exception:
        logger.exception("E-mail %s could not be handed to a worker; it stays queued", message_id)


def messages_dispatch(*, message_ids: list[int]) -> None:
    """``message_dispatch`` for many messages in one task (``notifications.send_messages``)."""
    from notifications.tasks import send_messages

    try:
        if settings.OUTBOX_SEND_INLINE:
            send_messages.apply(args=[message_ids])
        else:
            send_messages.delay(message_ids)
    except Exception:
        logger.exception(
            "E-mails %s could not be handed to a worker; they stay queued", message_ids
        )


# --- sending ------------------------------------------------------------------------------------


def retry_countdown(attempts: int) -> int:
    """Seconds before the next attempt after ``attempts`` failed ones: doubling from
    ``OUTBOX_RETRY_BASE_SECONDS``, capped at ``OUTBOX_RETRY_MAX_SECONDS`` (kept below the
    broker's visibility timeout, after which Redis would hand a waiting task out again)."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.OUTBOX_RETRY_MAX_SECONDS)


def error_is_transient(exc: BaseException) -> bool:
    """Worth trying again: the server is unreachable, hung up, or answered 4xx ("try later",
    greylisting); an API answered 429 or 5xx. Permanent: a 5xx answer (an address refused,
    a message rejected), anything else."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPException):
        return False
    status = getattr(exc, "status_code", None)  # anymail's API errors
    if isinstance(status, int):
        return status == 429 or status >= 500
    return isinstance(exc, OSError)


def _describe(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:2000]


@dataclass(frozen=True)
class Outcome:
    state: str  # the row's state afterwards, or "skipped" when it was not this call's to send
    retry_in: int | None = None


def email_build(message: OutboxMessage) -> EmailMultiAlternatives:
    """The e-mail of ``message``; a recipient that is not an address is refused here, before
    any mail server is contacted (``ValueError``: a permanent failure, written on the row)."""
    try:
        validate_email(message.recipient)
    except ValidationError:
        raise ValueError(f"Invalid recipient address: {message.recipient!r}") from None
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=message.sender,
        to=[message.recipient],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={
            "X-Portal-Message": str(message.pk),
            **unsubscribe_headers(key=message.key, to=message.recipient),
        },
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    return email


def message_send(*, message_id: int) -> Outcome:
    """Send the queued message ``message_id`` through Django's mail backend. Idempotent: a
    message that is not queued (sent, failed, or being sent by another worker) is left alone."""
    return messages_send(message_ids=[message_id])[message_id]


def messages_send(*, message_ids: list[int]) -> dict[int, Outcome]:
    """``message_send`` for many messages: those still queued are taken together (locked,
    marked "sending") and sent through one connection to the mail server, each marked "sent"
    as soon as it is accepted, so a worker that dies leaves at most one sent message unmarked
    (the others of the batch wait in "sending" for ``messages_requeue``)."""
    outcomes = {message_id: Outcome("skipped") for message_id in message_ids}
    with transaction.atomic():
        messages = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk__in=message_ids, state=MessageState.QUEUED)
            .order_by("pk")
        )
        # Queued before their recipient unsubscribed: not sent either.
        opted_out = [m for m in messages if may_skip(key=m.key, to=m.recipient)]
        if opted_out:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in opted_out]).update(
                state=MessageState.OPTED_OUT
            )
            signed_in_pages_forget()  # no signal for update(); the staff's pages show mail
            for message in opted_out:
                outcomes[message.pk] = Outcome(MessageState.OPTED_OUT)
            messages = [m for m in messages if m not in opted_out]
        if not messages:
            return outcomes
        now = timezone.now()
        OutboxMessage.objects.filter(pk__in=[message.pk for message in messages]).update(
            state=MessageState.SENDING, attempts=F("attempts") + 1, sending_since=now
        )
        signed_in_pages_forget()
    connection = get_connection()
    try:
        for message in messages:
            message.state = MessageState.SENDING
            message.attempts += 1
            message.sending_since = now
            try:
                email = email_build(message)
                email.connection = connection
                email.send()
            except Exception as exc:  # every failure is written on the row
                outcomes[message.pk] = _failed(message, exc)
                connection.close()  # the next message opens a fresh session
                continue
            message.state = MessageState.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["state", "sent_at", "last_error"])
            outcomes[message.pk] = Outcome(MessageState.SENT)
    finally:
        connection.close()
    return outcomes


def _failed(message: OutboxMessage, exc: BaseException) -> Outcome:
    message.last_error = _describe(exc)
    if error_is_transient(exc) and message.attempts < settings.OUTBOX_MAX_ATTEMPTS:
        countdown = retry_countdown(message.attempts)
        message.state = MessageState.QUEUED
        message.next_attempt_at = timezone.now() + datetime.timedelta(seconds=countdown)
        message.save(update_fields=["state", "last_error", "next_attempt_at"])
        logger.warning("E-mail %s not sent, retry in %ss: %s", message.pk, countdown, exc)
        return Outcome(MessageState.QUEUED, retry_in=countdown)
    message.state = MessageState.FAILED
    message.save(update_fields=["state", "last_error"])
    logger.error("E-mail %s failed: %s", message.pk, exc)
    return Outcome(MessageState.FAILED)


# --- the coordinator's resend -------------------------------------------------------------------


def message_resend(*, message: OutboxMessage, by) -> OutboxMessage:
    """Send ``message`` again as a new queued row (the original keeps its own history)."""
    with transaction.atomic():
        copy = OutboxMessage.objects.create(
            association=message.association,
            recipient=message.recipient,
            recipient_user=message.recipient_user,
            sender=message.sender,
            reply_to=message.reply_to,
            subject=message.subject,
            text_body=message.text_body,
            html_body=message.html_body,
            text_shown=message.text_shown,
            key=message.key,
            language=message.language,
            concerns_type=message.concerns_type,
            concerns_id=message.concerns_id,
            url=message.url,
            resend_of=message,
        )
        transaction.on_commit(partial(message_dispatch, message_id=copy.pk))
    logger.info("E-mail %s resent as %s by user %s", message.pk, copy.pk, by.pk)
    return copy


# --- the periodic clean-up ----------------------------------------------------------------------


def messages_requeue(*, now: datetime.datetime | None = None) -> dict:
    """Put rows stuck in "sending" longer than ``OUTBOX_STUCK_MINUTES`` back in the queue, and
    dispatch queued rows whose attempt is overdue by ``OUTBOX_REQUEUE_AFTER_SECONDS`` (their
    task was lost: the broker was down, or forgot it). Returns the counts."""
    now = now or timezone.now()
    stuck_before = now - datetime.timedelta(minutes=settings.OUTBOX_STUCK_MINUTES)
    batch = settings.OUTBOX_REQUEUE_BATCH
    stuck = list(
        OutboxMessage.objects.filter(state=MessageState.SENDING, sending_since__lt=stuck_before)
        .order_by("sending_since")
        .values_list("pk", flat=True)[:batch]
    )
    reset = OutboxMessage.objects.filter(pk__in=stuck, state=MessageState.SENDING).update(
        state=MessageState.QUEUED,
        next_attempt_at=now,
        last_error="Reset: stuck in sending (the worker stopped)",
    )
    if reset:
        signed_in_pages_forget()
    overdue_before = now - datetime.timedelta(seconds=settings.OUTBOX_REQUEUE_AFTER_SECONDS)
    lost = list(
        OutboxMessage.objects.filter(state=MessageState.QUEUED, next_attempt_at__lt=overdue_before)
        .exclude(pk__in=stuck)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )
    for message_id in [*stuck, *lost]:
        transaction.on_commit(partial(message_dispatch, message_id=message_id))
    return {"reset": reset, "requeued": len(lost)}
