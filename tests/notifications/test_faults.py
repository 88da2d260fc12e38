"""Bad input and faults: each ends with a clear state on the outbox row and nothing lost.

Already in ``test_sending.py``: a 5xx refusal (failed, with the server's answer), a 4xx answer
(retried), an unreachable server (retried), an address with a header in it (failed). Here: an
address that is not one, a mail server that accepts the connection and never answers, the
broker unreachable when a message is dispatched, and a template reading an unknown value.
"""

import datetime
import json
import socket
import uuid

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from endorsement.emails import application_email_on_commit
from endorsement.models import EmailTemplate
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from notifications.services import message_queue, messages_batched, messages_requeue
from notifications.tasks import send_message
from tests.factories import ApplicationFactory
from tests.notifications.conftest import free_port


def _queue(association, to="rita@example.org") -> OutboxMessage:
    return message_queue(
        association=association,
        to=to,
        subject="Please rate Ana",
        text="Please rate Ana.",
        sender="portal@example.org",
    )


@pytest.mark.parametrize("address", ["ana@@example.org", "ana at example.org", "ana@"])
def test_a_recipient_that_is_not_an_address_fails_without_contacting_the_server(
    smtp_server, association, address, settings, caplog
):
    settings.OUTBOX_SEND_INLINE = False
    message = _queue(association, to=address)
    assert send_message.apply(args=[message.pk]).get() == MessageState.FAILED
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.FAILED, 1)
    assert message.last_error == f"ValueError: Invalid recipient address: {address!r}"
    assert f"E-mail {message.pk} failed: Invalid recipient address" in caplog.text
    assert smtp_server.received == []
    # Final: neither the task nor the periodic job takes it again.
    assert send_message.apply(args=[message.pk]).get() == "skipped"
    assert messages_requeue(now=timezone.now() + datetime.timedelta(days=1)) == {
        "reset": 0,
        "requeued": 0,
    }


def test_a_server_that_never_answers_times_out_and_the_message_waits_for_a_retry(
    smtp_server, association, settings
):
    settings.OUTBOX_SEND_INLINE = False
    message = _queue(association)
    port = settings.EMAIL_PORT
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        # Connections complete in the kernel's backlog; nothing ever accepts or answers.
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.EMAIL_PORT = silent.getsockname()[1]
        settings.EMAIL_TIMEOUT = 0.5
        before = timezone.now()
        assert send_message.apply(args=[message.pk]).get() == MessageState.QUEUED
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.QUEUED, 1)
    assert message.last_error == (
        "SMTPServerDisconnected: Connection unexpectedly closed: timed out"
    )
    wait = (message.next_attempt_at - before).total_seconds()
    assert settings.OUTBOX_RETRY_BASE_SECONDS <= wait <= settings.OUTBOX_RETRY_BASE_SECONDS + 5

    # The server answers again: the retry sends it, once.
    settings.EMAIL_PORT = port
    assert send_message.apply(args=[message.pk]).get() == MessageState.SENT
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (MessageState.SENT, 2, "")
    assert len(smtp_server.received) == 1


@pytest.fixture
def broker(broker_url, settings):
    """The Celery app publishing to a queue of this test on the real Redis, and a switch that
    points it at a port where no broker listens (Redis down or restarting)."""
    import redis

    from config.celery import app

    if app.conf.task_always_eager:
        pytest.skip("needs REDIS_URL (make test sets it)")
    client = redis.Redis.from_url(broker_url, socket_connect_timeout=2)
    queue = f"test-broker-down-{uuid.uuid4().hex}"
    before = (app.conf.task_default_queue, app.conf.broker_url, app.conf.broker_write_url)

    def point_at(url: str) -> None:
        app.conf.broker_url = app.conf.broker_write_url = url
        # Celery caches its connection and producer pools: made again from the new URL.
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.task_default_queue = queue
    settings.OUTBOX_SEND_INLINE = False
    yield point_at, client, queue
    point_at(before[1])
    app.conf.task_default_queue, app.conf.broker_url, app.conf.broker_write_url = before
    client.delete(queue, f"_kombu.binding.{queue}")
    client.close()


def test_messages_dispatched_while_the_broker_is_down_stay_queued_then_go(
    association, broker, settings, django_capture_on_commit_callbacks, caplog
):
    point_at, client, queue = broker
    point_at(f"redis://127.0.0.1:{free_port()}/0")
    with django_capture_on_commit_callbacks(execute=True):
        alone = _queue(association, to="rater0@example.org")
        with transaction.atomic(), messages_batched():
            messages = [_queue(association, to=f"rater{i}@example.org") for i in (1, 2)]
    ids = [alone.pk, *(message.pk for message in messages)]
    assert f"E-mail {alone.pk} could not be handed to a worker; it stays queued" in caplog.text
    # The two queued as a batch (a reminder scan's) were dispatched together (one task).
    assert f"E-mails {ids[1:]} could not be handed to a worker; they stay queued" in caplog.text
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {(MessageState.QUEUED, 0)}

    # Redis is back: the periodic job hands each overdue row to a worker again.
    point_at(settings.CELERY_BROKER_URL)
    later = timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_REQUEUE_AFTER_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert messages_requeue(now=later) == {"reset": 0, "requeued": 3}
    tasks = [json.loads(raw) for raw in client.lrange(queue, 0, -1)]
    assert sorted(
        (task["headers"]["task"], task["headers"]["argsrepr"]) for task in tasks
    ) == sorted(("notifications.send_message", f"({message_id},)") for message_id in ids)

    # A worker runs them (here, in this process): each sent once.
    for message_id in ids:
        assert send_message.apply(args=[message_id]).get() == MessageState.SENT
    assert sorted(m.to[0] for m in mail.outbox) == [f"rater{i}@example.org" for i in range(3)]
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {(MessageState.SENT, 1)}


def test_an_unknown_value_in_the_associations_wording_is_sent_empty(
    association, category, applicant, django_capture_on_commit_callbacks
):
    """A template saved before the form checked its values (or edited elsewhere) still sends."""
    EmailTemplate.objects.create(
        association=association,
        key="hold",
        language="en",
        subject="On hold{{ no_such_value }}: {{ category }}",
        body="Dear {{ recipient }},{{ nmae }} your application is on hold.",
    )
    application = ApplicationFactory(category=category, applicant=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        application_email_on_commit(application=application, key="hold", recipients=[applicant])
    message = OutboxMessage.objects.get()
    assert message.state == MessageState.SENT
    assert message.subject == f"On hold: {category.display_name} ({category.code})"
    assert message.text_body == (f"Dear {applicant.get_full_name()}, your application is on hold.")
    assert [m.subject for m in mail.outbox] == [message.subject]


@pytest.fixture
def as_assoc_admin(client, association):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.enums import Role
    from accounts.services import role_grant
    from tests.factories import UserFactory

    admin = UserFactory(email="admin@northfield.example.org")
    role_grant(association=association, user=admin, role=Role.ASSOCIATION_ADMIN)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    return client


def test_the_wording_form_refuses_a_value_the_e_mail_does_not_have(as_assoc_admin, association):
    data = {
        "association": association.pk,
        "key": "reminder.renewal_due",
        "language": "en",
        "subject": "Renew {{ number }} within {{ dayz }} days",
        "body": (
            "{% for line in lines %}{{ line }}{% endfor %}{% with n=number %}{{ n }}{% endwith %}"
            "{% if grace_until and not nmae %}{{ valid_through|date:format }}{% endif %}"
        ),
    }
    response = as_assoc_admin.post("/admin/endorsement/emailtemplate/add/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["subject"] == [
        "This e-mail has no value {{ dayz }}. The values it may use: {{ applicant }}, "
        "{{ association }}, {{ category }}, {{ contact_email }}, {{ days }}, {{ grace_until }}, "
        "{{ note }}, {{ number }}, {{ recipient }}, {{ state }}, {{ url }}, {{ valid_through }}."
    ]
    # Loop and "with" names are the template's own; the rest must be the e-mail's values.
    assert errors["body"][0].startswith(
        "This e-mail has no value {{ format }}, {{ lines }}, {{ nmae }}. "
    )
    assert EmailTemplate.objects.count() == 0

    data.update(
        subject="Renew {{ number }} within {{ days }} days",
        body="{% if grace_until %}Until {{ grace_until }}.{% endif %} {{ url }}",
    )
    assert as_assoc_admin.post("/admin/endorsement/emailtemplate/add/", data).status_code == 302
    assert EmailTemplate.objects.get().subject == "Renew {{ number }} within {{ days }} days"
