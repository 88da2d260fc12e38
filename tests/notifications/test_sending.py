"""The outbox sends through real SMTP (a local aiosmtpd server): both parts, the association's
sender name and reply-to, the link; transient failures are retried, permanent ones marked."""

import datetime
import email
from email import policy

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from endorsement.enums import ApplicationState as S
from endorsement.services import application_transition
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from notifications.services import message_queue, messages_requeue, retry_countdown
from notifications.tasks import send_message
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.usefixtures("only_the_workflow")


@pytest.fixture
def deferred(association, category, applicant, coordinator, django_capture_on_commit_callbacks):
    """Ana's application deferred by the coordinator: one e-mail queued for Ana, not sent."""
    association.email_sender_name = "Northfield AIMH Office"
    association.email_reply_to = "endorsement@northfield.example.org"
    association.save()
    application = ApplicationFactory(category=category, applicant=applicant, state=S.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_transition(
            application=application, action="defer", by=coordinator, note="Add a <reference>."
        )
    # The audit log's line and the dispatch of the one message, after the commit.
    assert len(callbacks) == 2
    return application


def test_an_outbox_message_arrives_by_smtp_with_both_parts(smtp_server, deferred, applicant):
    message = OutboxMessage.objects.get()
    assert (message.state, message.attempts, message.key) == (MessageState.QUEUED, 0, "defer")
    assert (message.recipient_user, message.concerns) == (applicant, deferred)

    assert send_message.apply(args=[message.pk]).get() == MessageState.SENT

    (raw,) = smtp_server.received
    received = email.message_from_bytes(raw, policy=policy.default)
    assert received["To"] == "ana@example.org"
    assert received["From"].addresses[0].display_name == "Northfield AIMH Office"
    assert received["From"].addresses[0].addr_spec == "noreply@localhost"
    assert received["Reply-To"] == "endorsement@northfield.example.org"
    assert received["Subject"] == message.subject
    assert received["Subject"] == (
        "Your portfolio for Infant Family Specialist (IFS): please amend and resubmit"
    )
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    link = settings.SITE_URL + reverse("portfolios:summary", kwargs={"application_id": deferred.pk})
    assert message.url == link
    assert link in text.get_content()
    assert "Add a <reference>." in text.get_content()
    html_content = html.get_content()
    assert f'<a href="{link}" rel="nofollow">{link}</a>' in html_content
    assert "Add a &lt;reference&gt;." in html_content
    assert "<reference>" not in html_content

    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (MessageState.SENT, 1, "")
    assert message.sent_at is not None


def test_a_sent_message_is_never_sent_again(smtp_server, deferred):
    message = OutboxMessage.objects.get()
    send_message.apply(args=[message.pk])
    assert send_message.apply(args=[message.pk]).get() == "skipped"
    assert len(smtp_server.received) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.SENT, 1)


@pytest.mark.parametrize(
    ("refusal", "error"),
    [
        (("DATA", "451 4.3.0 Try again later"), "SMTPDataError: (451"),
        (("RCPT", "450 4.2.0 Greylisted, come back later"), "SMTPRecipientsRefused"),
    ],
)
def test_a_transient_failure_is_retried_and_later_sent(smtp_server, deferred, refusal, error):
    smtp_server.refuse = [refusal]
    message = OutboxMessage.objects.get()
    before = timezone.now()

    assert send_message.apply(args=[message.pk]).get() == MessageState.QUEUED

    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.QUEUED, 1)
    assert message.last_error.startswith(error)
    wait = (message.next_attempt_at - before).total_seconds()
    assert settings.OUTBOX_RETRY_BASE_SECONDS <= wait <= settings.OUTBOX_RETRY_BASE_SECONDS + 5
    assert smtp_server.received == []

    # The retry (Celery's countdown; here the task run again) sends it.
    assert send_message.apply(args=[message.pk]).get() == MessageState.SENT
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (MessageState.SENT, 2, "")
    assert len(smtp_server.received) == 1


def test_an_unreachable_server_is_a_transient_failure(settings, deferred):
    from tests.notifications.conftest import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens
    message = OutboxMessage.objects.get()
    assert send_message.apply(args=[message.pk]).get() == MessageState.QUEUED
    message.refresh_from_db()
    assert message.last_error.startswith("ConnectionRefusedError")


@pytest.mark.parametrize(
    ("refusal", "error"),
    [
        (("RCPT", "550 5.1.1 No such user"), "SMTPRecipientsRefused"),
        (("DATA", "554 5.7.1 Message rejected"), "SMTPDataError: (554"),
    ],
)
def test_a_permanent_failure_marks_the_message_failed(smtp_server, deferred, refusal, error):
    smtp_server.refuse = [refusal]
    message = OutboxMessage.objects.get()
    assert send_message.apply(args=[message.pk]).get() == MessageState.FAILED
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.FAILED, 1)
    assert message.last_error.startswith(error)
    assert refusal[1][4:] in message.last_error
    # A failed message is not retried by the task or the periodic job.
    assert send_message.apply(args=[message.pk]).get() == "skipped"
    assert messages_requeue(now=timezone.now() + datetime.timedelta(days=1)) == {
        "reset": 0,
        "requeued": 0,
    }
    assert smtp_server.received == []


def test_after_the_last_attempt_a_transient_failure_is_final(smtp_server, deferred, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    smtp_server.refuse = [("DATA", "451 Later"), ("DATA", "451 Later again")]
    message = OutboxMessage.objects.get()
    assert send_message.apply(args=[message.pk]).get() == MessageState.QUEUED
    assert send_message.apply(args=[message.pk]).get() == MessageState.FAILED
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.FAILED, 2)
    assert "Later again" in message.last_error


def test_the_backoff_doubles_and_stays_below_the_brokers_visibility_timeout():
    countdowns = [retry_countdown(attempt) for attempt in range(1, settings.OUTBOX_MAX_ATTEMPTS)]
    assert countdowns[:4] == [60, 120, 240, 480]
    assert max(countdowns) == settings.OUTBOX_RETRY_MAX_SECONDS == 900
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    # A task waiting for its countdown is handed out again after the visibility timeout: the
    # longest countdown stays well below it.
    assert max(countdowns) * 2 <= visibility


def test_the_task_acknowledges_late_and_is_rejected_when_its_worker_is_lost():
    assert (send_message.acks_late, send_message.reject_on_worker_lost) == (True, True)


# --- the periodic job ---------------------------------------------------------------------------


def _message(association, **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(
        association=association,
        recipient="rita@example.org",
        sender="portal@example.org",
        subject="Hello",
        text_body="Hello Rita",
        **fields,
    )


def test_a_message_stuck_in_sending_is_queued_again_and_sent(
    association, settings, django_capture_on_commit_callbacks
):
    now = timezone.now()
    stuck = _message(
        association,
        state=MessageState.SENDING,
        attempts=1,
        sending_since=now - datetime.timedelta(minutes=11),
    )
    recent = _message(
        association,
        state=MessageState.SENDING,
        attempts=1,
        sending_since=now - datetime.timedelta(minutes=2),
    )
    assert settings.OUTBOX_STUCK_MINUTES == 10

    with django_capture_on_commit_callbacks(execute=True):
        assert messages_requeue(now=now) == {"reset": 1, "requeued": 0}

    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert (stuck.state, stuck.attempts) == (MessageState.SENT, 2)  # sent inline here
    assert stuck.last_error == ""
    assert recent.state == MessageState.SENDING
    assert [m.to for m in mail.outbox] == [["rita@example.org"]]


def test_a_queued_message_whose_task_was_lost_is_dispatched_again(
    association, django_capture_on_commit_callbacks
):
    now = timezone.now()
    lost = _message(association, next_attempt_at=now - datetime.timedelta(minutes=3))
    waiting = _message(association, next_attempt_at=now - datetime.timedelta(seconds=30))
    retry_later = _message(association, next_attempt_at=now + datetime.timedelta(minutes=5))

    with django_capture_on_commit_callbacks(execute=True):
        assert messages_requeue(now=now) == {"reset": 0, "requeued": 1}

    states = dict(OutboxMessage.objects.values_list("pk", "state"))
    assert states == {
        lost.pk: MessageState.SENT,
        waiting.pk: MessageState.QUEUED,
        retry_later.pk: MessageState.QUEUED,
    }
    assert len(mail.outbox) == 1


def test_a_reminder_key_is_queued_once(association):
    first = message_queue(
        association=association,
        to="rita@example.org",
        subject="Reminder",
        text="Please rate Ana.",
        sender="portal@example.org",
        dedupe_key="reference_reminder:7:2026-12-01",
    )
    second = message_queue(
        association=association,
        to="rita@example.org",
        subject="Reminder",
        text="Please rate Ana.",
        sender="portal@example.org",
        dedupe_key="reference_reminder:7:2026-12-01",
    )
    assert first is not None
    assert second is None
    assert OutboxMessage.objects.count() == 1
    # Without a key, nothing is unique.
    for _ in range(2):
        message_queue(
            association=association,
            to="rita@example.org",
            subject="Hello",
            text="Hello",
            sender="portal@example.org",
        )
    assert OutboxMessage.objects.count() == 3


def test_an_invalid_recipient_address_fails_at_once(smtp_server, association):
    message = message_queue(
        association=association,
        to="ana@example.org\nBcc: everyone@example.org",
        subject="Hello",
        text="Hello",
        sender="portal@example.org",
    )
    assert send_message.apply(args=[message.pk]).get() == MessageState.FAILED
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.FAILED, 1)
    assert message.last_error.startswith("ValueError")
    assert smtp_server.received == []
