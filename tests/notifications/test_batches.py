"""Batches: the messages of one transaction are dispatched together and sent through one
connection, each on its own row; a reminder scan writes its reminders in batches and sends a
batch one by one when one of its reminders is broken."""

import dataclasses

from django.core import mail
from django.db import transaction

from notifications import reminders
from notifications.enums import MessageState
from notifications.models import OutboxMessage, Reminder
from notifications.reminders import reminders_scan
from notifications.services import message_queue, messages_batched
from notifications.tasks import send_messages
from tests.notifications.holders import holders_due


def _queue(association, to: str) -> OutboxMessage:
    return message_queue(
        association=association,
        to=to,
        subject="Reminder",
        text="Please renew.",
        sender="portal@example.org",
    )


def test_the_messages_of_a_batch_are_dispatched_together(
    association, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        alone = _queue(association, "alone@example.org")
        with transaction.atomic(), messages_batched():
            first = _queue(association, "a@example.org")
            second = _queue(association, "b@example.org")
        try:
            with transaction.atomic(), messages_batched():
                _queue(association, "rolled-back@example.org")
                raise RuntimeError
        except RuntimeError:
            pass
    # One dispatch for the message outside a batch, one for the batch; none for the batch
    # rolled back.
    assert len(callbacks) == 2
    assert callbacks[1].ids == [first.pk, second.pk]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "a@example.org",
        "alone@example.org",
        "b@example.org",
    ]
    assert set(OutboxMessage.objects.values_list("pk", "state")) == {
        (alone.pk, MessageState.SENT),
        (first.pk, MessageState.SENT),
        (second.pk, MessageState.SENT),
    }


def test_a_batch_sends_each_message_on_its_own_row(smtp_server, association, settings):
    settings.OUTBOX_SEND_INLINE = False
    messages = [_queue(association, f"r{i}@example.org") for i in range(3)]
    smtp_server.refuse = [("RCPT", "450 4.2.0 Mailbox busy")]  # the first one, for now
    sent_before = messages[2]
    OutboxMessage.objects.filter(pk=sent_before.pk).update(state=MessageState.SENT)

    result = send_messages.apply(args=[[m.pk for m in messages]]).get()

    assert result == {
        str(messages[0].pk): MessageState.QUEUED,
        str(messages[1].pk): MessageState.SENT,
        str(messages[2].pk): "skipped",
    }
    rows = {m.pk: (m.state, m.attempts) for m in OutboxMessage.objects.all()}
    assert rows == {
        messages[0].pk: (MessageState.QUEUED, 1),
        messages[1].pk: (MessageState.SENT, 1),
        messages[2].pk: (MessageState.SENT, 0),
    }
    assert len(smtp_server.received) == 1
    assert OutboxMessage.objects.get(pk=messages[0].pk).last_error.startswith(
        "SMTPRecipientsRefused"
    )


def test_a_scan_writes_in_batches_and_a_broken_reminder_does_not_stop_the_others(
    association, settings, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    settings.REMINDER_SCAN_BATCH = 4
    endorsements = holders_due(association, 10)
    broken = endorsements[5]
    kind = reminders.REMINDERS["renewal_due"]

    def send(*, object, days, due):
        if object.pk == broken.pk:
            raise RuntimeError("no template")
        kind.send(object=object, days=days, due=due)

    monkeypatch.setitem(reminders.REMINDERS, "renewal_due", dataclasses.replace(kind, send=send))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert reminders_scan(associations=[association], kinds=["renewal_due"]) == {
            "renewal_due": 9
        }
    # Batches of 4, 4 and 2, the second sent again one by one (a dispatch per reminder).
    assert [len(getattr(c, "ids", [0])) for c in callbacks] == [4, 1, 1, 1, 2]
    assert "Reminders renewal_due sent one by one after an error" in caplog.text
    assert f"Reminder renewal_due of {kind.model} {broken.pk} not sent" in caplog.text
    written = set(Reminder.objects.values_list("concerns_id", flat=True))
    assert written == {e.pk for e in endorsements} - {broken.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        e.holder.email for e in endorsements if e.pk != broken.pk
    )

    # Mended, the next scan sends the one left, and only it.
    monkeypatch.setitem(reminders.REMINDERS, "renewal_due", kind)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_scan(associations=[association], kinds=["renewal_due"]) == {
            "renewal_due": 1
        }
    assert Reminder.objects.count() == 10
    assert len(mail.outbox) == 10
    assert mail.outbox[-1].to == [broken.holder.email]
    assert Reminder.objects.get(concerns_id=broken.pk).due == association.today()
