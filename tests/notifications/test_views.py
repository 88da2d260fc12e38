"""The association's outbox page: counts of the last days, search, pages, one message, resend;
only the association's coordinators and admins see any of it."""

import datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.utils import timezone

from accounts.enums import Role
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from tests.factories import UserFactory


def message(association, **fields) -> OutboxMessage:
    values = {
        "recipient": "rita@example.org",
        "sender": '"Northfield" <noreply@localhost>',
        "subject": "Please rate Ana",
        "text_body": "Hello Rita,\nplease rate Ana.\n",
        "key": "reference_invitation",
        "state": MessageState.SENT,
        **fields,
    }
    return OutboxMessage.objects.create(association=association, **values)


def outbox_url(association, suffix=""):
    return f"/a/{association.slug}/outbox/{suffix}"


@pytest.fixture
def mailbox(association, other_association):
    now = timezone.now()
    return {
        "sent": message(association, subject="Registration received", key="register"),
        "failed": message(
            association,
            recipient="nobody@example.org",
            subject="Portfolio submitted",
            key="submit",
            state=MessageState.FAILED,
            last_error="SMTPRecipientsRefused: 550 No such user",
        ),
        "queued": message(association, subject="On hold", key="hold", state=MessageState.QUEUED),
        "old": message(association, subject="Old news", created=now - datetime.timedelta(days=8)),
        "elsewhere": message(other_association, subject="Lakeshore's own", key="register"),
    }


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ASSOCIATION_ADMIN])
def test_the_outbox_lists_the_associations_e_mails_with_the_last_weeks_counts(
    client, make_staff, association, mailbox, role
):
    client.force_login(make_staff(role, association))
    response = client.get(outbox_url(association))
    assert response.status_code == 200
    assert [row.subject for row in response.context["rows"]] == [
        "On hold",
        "Portfolio submitted",
        "Registration received",
        "Old news",
    ]
    assert "Lakeshore's own" not in response.content.decode()
    assert response.context["counts"] == [
        ("queued", "Queued", 1),
        ("failed", "Failed", 1),
        ("sent", "Sent", 1),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "nobody@"}, ["Portfolio submitted"]),
        ({"q": "hold"}, ["On hold"]),  # the key or the subject
        ({"q": "REGISTRATION"}, ["Registration received"]),
        ({"state": "failed"}, ["Portfolio submitted"]),
        ({"q": "old", "state": "sent"}, ["Old news"]),
        (
            {"state": "nonsense"},
            ["On hold", "Portfolio submitted", "Registration received", "Old news"],
        ),
    ],
)
def test_the_outbox_search(client, coordinator, association, mailbox, query, expected):
    client.force_login(coordinator)
    response = client.get(outbox_url(association), query)
    assert sorted(row.subject for row in response.context["rows"]) == sorted(expected)


def test_the_outbox_pages_by_fifty(client, coordinator, association):
    for index in range(51):
        message(association, subject=f"Message {index:02d}")
    client.force_login(coordinator)
    first = client.get(outbox_url(association))
    second = client.get(outbox_url(association), {"page": 2})
    assert (len(first.context["rows"]), len(second.context["rows"])) == (50, 1)
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.parametrize("size", [1, 30])
def test_the_outbox_costs_the_same_queries_whatever_its_size(
    client, coordinator, association, django_assert_num_queries, size
):
    for index in range(size):
        message(association, subject=f"Message {index:02d}")
    client.force_login(coordinator)
    client.get(outbox_url(association))
    # Session, user, the user's roles, the association; the count, the page, the counts, the
    # counts day by day.
    with django_assert_num_queries(8):
        response = client.get(outbox_url(association))
    assert len(response.context["rows"]) == size


def test_a_message_shows_its_text_and_error(client, coordinator, association, mailbox):
    client.force_login(coordinator)
    failed = mailbox["failed"]
    response = client.get(outbox_url(association, f"{failed.pk}/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hello Rita,\nplease rate Ana.\n" in html
    assert "SMTPRecipientsRefused: 550 No such user" in html
    assert f'href="/a/{association.slug}/outbox/{failed.pk}/resend/"' in html


def test_a_personal_link_is_masked_on_the_page(client, coordinator, association):
    from endorsement.emails import email_on_commit

    email_on_commit(
        association=association,
        key="reference_invitation",
        to="grace@example.org",
        language="en",
        context={
            "rater": "Grace",
            "applicant": "Ana Applicant",
            "association": association.name,
            "category": "Infant Family Specialist",
            "role": "current supervisor",
            "items": 12,
            "minutes": 20,
            "deadline": datetime.date(2026, 12, 31),
            "link": "http://testserver/r/secret-token-123/",
            "is_new_link": False,
            "waived": False,
            "limit": 6,
        },
    )
    sent = OutboxMessage.objects.get()
    assert "secret-token-123" in sent.text_body  # the rater gets it
    assert sent.url == ""
    client.force_login(coordinator)
    html = client.get(outbox_url(association, f"{sent.pk}/")).content.decode()
    assert "secret-token-123" not in html
    assert "[personal link, hidden]" in html


def test_resend_asks_first_then_queues_a_copy(
    client, coordinator, association, mailbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    failed = mailbox["failed"]
    address = outbox_url(association, f"{failed.pk}/resend/")
    confirm = client.get(address)
    assert confirm.status_code == 200
    assert OutboxMessage.objects.filter(resend_of=failed).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(address)
    copy = OutboxMessage.objects.get(resend_of=failed)
    assert response.status_code == 302
    assert response["Location"] == outbox_url(association, f"{copy.pk}/")
    assert (copy.recipient, copy.subject, copy.text_body, copy.state, copy.attempts) == (
        "nobody@example.org",
        "Portfolio submitted",
        failed.text_body,
        MessageState.SENT,
        1,
    )
    failed.refresh_from_db()
    assert failed.state == MessageState.FAILED  # the original keeps its history
    assert [m.to for m in mail.outbox] == [["nobody@example.org"]]


def test_the_dashboards_link_to_the_outbox(client, make_staff, association):
    for role in (Role.COORDINATOR, Role.ASSOCIATION_ADMIN):
        client.force_login(make_staff(role, association))
        html = client.get(f"/a/{association.slug}/dashboard/{role}/").content.decode()
        assert f'href="/a/{association.slug}/outbox/"' in html, role


@pytest.mark.parametrize("page", ["list", "message", "resend"])
@pytest.mark.parametrize(
    "who",
    ["applicant", "reviewer", "advisor", "coordinator elsewhere", "admin elsewhere", "superuser"],
)
def test_the_outbox_is_hidden_from_everyone_else(
    client, make_staff, association, other_association, mailbox, applicant, who, page
):
    user = {
        "applicant": applicant,
        "reviewer": make_staff(Role.REVIEWER, association),
        "advisor": make_staff(Role.ADVISOR, association),
        "coordinator elsewhere": make_staff(Role.COORDINATOR, other_association),
        "admin elsewhere": make_staff(Role.ASSOCIATION_ADMIN, other_association),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }[who]
    if who == "superuser":  # past the MFA gate: refused by the page itself
        TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    suffix = {
        "list": "",
        "message": f"{mailbox['sent'].pk}/",
        "resend": f"{mailbox['sent'].pk}/resend/",
    }
    address = outbox_url(association, suffix[page])
    assert client.get(address).status_code == 404
    assert client.post(address).status_code in (404, 405)
    assert OutboxMessage.objects.filter(resend_of__isnull=False).count() == 0


@pytest.mark.parametrize("page", ["list", "message", "resend"])
def test_the_outbox_sends_anonymous_visitors_to_log_in(client, association, mailbox, page):
    suffix = {
        "list": "",
        "message": f"{mailbox['sent'].pk}/",
        "resend": f"{mailbox['sent'].pk}/resend/",
    }
    response = client.post(outbox_url(association, suffix[page]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert OutboxMessage.objects.filter(resend_of__isnull=False).count() == 0


def test_a_coordinator_cannot_open_another_associations_message_under_their_own_address(
    client, coordinator, association, mailbox
):
    client.force_login(coordinator)
    elsewhere = mailbox["elsewhere"]
    assert client.get(outbox_url(association, f"{elsewhere.pk}/")).status_code == 404
    assert client.post(outbox_url(association, f"{elsewhere.pk}/resend/")).status_code == 404
    assert OutboxMessage.objects.filter(resend_of=elsewhere).count() == 0


def test_the_outbox_counts_each_of_the_last_days_by_state(
    client, coordinator, association, mailbox
):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    message(association, subject="Yesterday's", state=MessageState.FAILED, created=yesterday)
    client.force_login(coordinator)
    rows = client.get(outbox_url(association)).context["daily_counts"]
    assert len(rows) == 7
    assert rows[0]["day"] == timezone.localdate()
    assert (rows[0]["queued"], rows[0]["failed"], rows[0]["sent"]) == (1, 1, 1)
    assert (rows[1]["queued"], rows[1]["failed"], rows[1]["sent"]) == (0, 1, 0)
    assert sum(row["sent"] for row in rows) == 1  # the 8-day-old message is left out
