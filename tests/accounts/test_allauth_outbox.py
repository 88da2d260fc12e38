"""allauth's own e-mails (a password reset, an address to confirm) leave through the outbox like
every other e-mail: a row first, sent once the transaction commits, from the person's
association when they have one, their personal link hidden from the staff who read the outbox
(issue 13, item 1)."""

import re

import pytest
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives

from accounts.adapters import message_key, message_parts, text_masked
from accounts.enums import Role
from accounts.models import User
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory

RESET = "/accounts/password/reset/"
NEW_PASSWORD = "Kangaroo-Lantern-42"
NORTHFIELD_SENDER = (
    '"Northfield Association for Infant Mental Health – Endorsement portal" <noreply@localhost>'
)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(client.post, ...) -> the response, the callbacks of its transaction run."""

    def _run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return _run


@pytest.fixture
def member(association):
    user = UserFactory(email="ana@example.org", full_name="Ana Member")
    MembershipFactory(user=user, association=association)
    return user


def reset_link(text: str) -> str:
    [link] = re.findall(r"http://testserver(/accounts/password/reset/key/\S+/)", text)
    return link


def test_a_password_reset_is_an_outbox_row_sent_from_the_association(client, member, committed):
    response = committed(client.post, RESET, {"email": member.email})
    assert response.status_code == 302

    (row,) = OutboxMessage.objects.all()
    assert (
        row.key,
        row.association.slug,
        row.recipient,
        row.recipient_user,
        row.sender,
        row.reply_to,
        row.language,
        row.state,
        row.url,
    ) == (
        "allauth.account.password_reset_key",
        "northfield",
        "ana@example.org",
        member,
        NORTHFIELD_SENDER,
        row.association.contact_email,
        "en",
        MessageState.SENT,
        settings.SITE_URL + RESET,
    )
    (sent,) = mail.outbox
    assert (sent.to, sent.from_email, sent.subject, sent.body) == (
        ["ana@example.org"],
        NORTHFIELD_SENDER,
        "Password Reset Email",
        row.text_body,
    )
    assert sent.extra_headers["X-Portal-Message"] == str(row.pk)
    link = reset_link(sent.body)
    # Staff read the text with the link hidden; the link is the person's alone.
    assert link not in row.shown_text
    assert row.shown_text == row.text_body.replace(
        f"http://testserver{link}", "[personal link, hidden]"
    )


def test_the_outbox_page_does_not_show_the_reset_link(
    client, member, committed, make_staff, association
):
    committed(client.post, RESET, {"email": member.email})
    (row,) = OutboxMessage.objects.all()
    link = reset_link(mail.outbox[0].body)
    key = link.rstrip("/").rsplit("/", 1)[-1]
    client.force_login(make_staff(Role.COORDINATOR, association))

    for path in (f"/a/northfield/outbox/{row.pk}/", "/a/northfield/outbox/"):
        html = client.get(path).content.decode()
        assert "Password Reset Email" in html
        assert key not in html
        assert link not in html
    html = client.get(f"/a/northfield/outbox/{row.pk}/").content.decode()
    assert "[personal link, hidden]" in html


def test_the_reset_link_from_the_outbox_sets_a_new_password(client, member, committed):
    committed(client.post, RESET, {"email": member.email})
    link = reset_link(mail.outbox[0].body)

    response = client.get(link)
    set_password_url = f"/accounts/password/reset/key/{user_pk_to_url_str(member)}-set-password/"
    assert (response.status_code, response["Location"]) == (302, set_password_url)
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/password/reset/key/done/",
    )

    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD) is True
    client.logout()
    response = client.post("/accounts/login/", {"login": member.email, "password": NEW_PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    assert int(client.session["_auth_user_id"]) == member.pk


def test_an_applicant_hears_from_the_association_of_their_latest_application(
    client, member, committed, category, other_association
):
    """Her membership is with Lakeshore here, her application with Northfield: the
    application names the association she deals with."""
    member.memberships.update(association=other_association)
    ApplicationFactory(applicant=member, category=category)

    committed(client.post, RESET, {"email": member.email})

    (row,) = OutboxMessage.objects.all()
    assert (row.association.slug, row.sender) == ("northfield", NORTHFIELD_SENDER)


def test_someone_without_an_association_hears_from_the_portal(client, db, committed):
    UserFactory(email="solo@example.org", preferred_language="es")

    committed(client.post, RESET, {"email": "solo@example.org"})

    (row,) = OutboxMessage.objects.all()
    assert (row.association, row.sender, row.reply_to, row.language) == (
        None,
        '"Portal del Endoso" <noreply@localhost>',
        "",
        "es",
    )
    assert mail.outbox[0].subject == "Correo electrónico para restablecer contraseña"


def test_the_confirmation_link_of_a_sign_up_is_hidden_from_staff(client, db, committed):
    committed(
        client.post,
        "/accounts/signup/",
        {
            "full_name": "Bea New",
            "email": "bea@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "preferred_language": "en",
        },
    )

    (row,) = OutboxMessage.objects.all()
    user = User.objects.get(email="bea@example.org")
    assert (row.key, row.recipient_user, row.state) == (
        "allauth.account.email_confirmation_signup",
        user,
        MessageState.SENT,
    )
    [link] = re.findall(r"http://testserver/accounts/confirm-email/\S+/", row.text_body)
    assert link not in row.shown_text
    assert "[personal link, hidden]" in row.shown_text
    assert mail.outbox[0].body == row.text_body


def test_a_code_is_hidden_and_a_public_page_is_not():
    text = "Your code: ABC-123\nReset here: http://x/accounts/password/reset/\n"
    assert text_masked(
        template_prefix="account/email/login_code", text=text, context={"code": "ABC-123"}
    ) == ("Your code: [hidden]\nReset here: http://x/accounts/password/reset/\n")
    assert (
        text_masked(
            template_prefix="account/email/account_already_exists",
            text=text,
            context={"password_reset_url": "http://x/accounts/password/reset/"},
        )
        == text
    )
    assert message_key("mfa/email/totp_activated") == "allauth.mfa.totp_activated"


def test_the_platform_admin_reads_the_masked_text_too(client, member, committed, db):
    committed(client.post, RESET, {"email": member.email})
    (row,) = OutboxMessage.objects.all()
    link = reset_link(mail.outbox[0].body)
    root = User.objects.create_superuser(email="root@example.org", password="x" * 12)
    TOTP.activate(root, generate_totp_secret())
    client.force_login(root)

    response = client.get(f"/admin/notifications/outboxmessage/{row.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "[personal link, hidden]" in html
    assert link not in html


def test_the_text_and_html_parts_of_what_allauth_rendered():
    both = EmailMultiAlternatives("S", "Hello\n\n", "a@x", ["b@x"])
    both.attach_alternative("<p>Hello</p>", "text/html")
    assert message_parts(both) == ("Hello\n", "<p>Hello</p>")
    html_only = EmailMessage("S", "<p>Hello <b>you</b></p>", "a@x", ["b@x"])
    html_only.content_subtype = "html"
    assert message_parts(html_only) == ("Hello you\n", "<p>Hello <b>you</b></p>")
    assert message_parts(EmailMessage("S", "Plain", "a@x", ["b@x"])) == ("Plain\n", "")
