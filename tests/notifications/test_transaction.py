"""The outbox row is written in the transaction of the change that causes it: a change rolled
back leaves no row and sends nothing; a committed one is sent once the commit is done."""

import pytest
from django.core import mail
from django.db import transaction

from endorsement.enums import ApplicationState as S
from endorsement.services import application_transition
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from tests.factories import ApplicationFactory

pytestmark = [
    pytest.mark.usefixtures("only_the_workflow"),
    pytest.mark.django_db(transaction=True),
]


def test_a_rolled_back_change_leaves_no_row_and_sends_nothing(category, applicant, coordinator):
    application = ApplicationFactory(category=category, applicant=applicant, state=S.IN_REVIEW)
    with pytest.raises(RuntimeError), transaction.atomic():
        application_transition(application=application, action="hold", by=coordinator)
        assert OutboxMessage.objects.filter(key="hold").count() == 1  # written with the change
        assert mail.outbox == []  # not sent before the commit
        raise RuntimeError("a later step fails")
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []
    application.refresh_from_db()
    assert application.state == S.IN_REVIEW


def test_a_committed_change_is_sent_after_the_commit(category, applicant, coordinator):
    application = ApplicationFactory(category=category, applicant=applicant, state=S.IN_REVIEW)
    with transaction.atomic():
        application_transition(application=application, action="hold", by=coordinator)
        assert mail.outbox == []
    (message,) = OutboxMessage.objects.all()
    assert (message.key, message.state, message.recipient) == (
        "hold",
        MessageState.SENT,
        "ana@example.org",
    )
    assert [m.subject for m in mail.outbox] == [message.subject]
