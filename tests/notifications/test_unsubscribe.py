"""Essential and non-essential e-mail, and the one-click unsubscribe
(``notifications.unsubscribe``): the link and the RFC 8058 headers of a non-essential e-mail,
none on an essential one; the link's page and its POST without login or CSRF token; no
non-essential mail afterwards (a row "not sent: unsubscribed"), essential mail still sent;
forged links refused; switching back on; the same choices on the profile page."""

import email
from email import policy

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from accounts.enums import CommentEmails, Role
from accounts.models import EmailOptOut
from endorsement.emails import application_email_on_commit
from endorsement.enums import ApplicationState as S
from notifications import emails as door
from notifications import reminders, unsubscribe
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from notifications.reminders import register_reminder
from notifications.services import message_send
from notifications.tasks import send_message
from reviews.models import Comment
from reviews.services import advising
from tests.factories import ApplicationFactory

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def advisor(make_staff, association):
    return make_staff(Role.ADVISOR, association, user__full_name="Avery Advisor")


@pytest.fixture
def advised(category, applicant, advisor):
    return ApplicationFactory(
        category=category, applicant=applicant, advisor=advisor, state=S.ACCEPTED
    )


def comment_digest(advised, advisor, django_capture_on_commit_callbacks, body="Hours?"):
    """A comment from the advisor, e-mailed to Ana (non-essential): the outbox row."""
    advising.comment_add(application=advised, by=advisor, section="work", body=body)
    with django_capture_on_commit_callbacks(execute=True):
        advising.comments_digest_send()
    return OutboxMessage.objects.filter(key="comments_digest").latest("pk")


def essential_mail(advised, applicant, django_capture_on_commit_callbacks):
    """An advisor assigned (essential): the outbox row."""
    with django_capture_on_commit_callbacks(execute=True):
        application_email_on_commit(
            application=advised,
            key="advisor_assigned",
            recipients=[applicant],
            extra={"advisor": "Avery Advisor", "advisor_email": "avery@example.org"},
        )
    return OutboxMessage.objects.filter(key="advisor_assigned").latest("pk")


def link_of(address: str) -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": unsubscribe.token_for(address)})


# --- which e-mails are essential ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "essential"),
    [
        # Decisions, renewals, payments, account and invitations: always sent.
        ("defer", True),
        ("approve", True),
        ("award", True),
        ("renewal_approved", True),
        ("renewal_reminder", True),
        ("invoice_issued", True),
        ("fee_paid", True),
        ("staff_invitation", True),
        ("reference_invitation", True),
        ("", True),
        # Comment notifications: non-essential.
        ("comments_digest", False),
        ("comments_digest.advisor", False),
        # Reminders: non-essential, unless their kind is registered essential.
        ("reminder.renewal_due", True),
        ("reminder.renewal_late", True),
        ("reminder.endorsement_lapsed", True),
        ("reminder.renewal_due.coordinator", True),
        ("reminder.some_nudge", False),
        ("reminder.some_nudge.coordinator", False),
    ],
)
def test_which_e_mails_are_essential(key, essential):
    assert door.is_essential(key) is essential


def test_a_reminder_kind_registered_essential_makes_its_e_mails_essential(monkeypatch):
    monkeypatch.setattr(unsubscribe, "ESSENTIAL", set(unsubscribe.ESSENTIAL))
    monkeypatch.setattr(reminders, "REMINDERS", dict(reminders.REMINDERS))
    kind = reminders.REMINDERS["renewal_due"]
    assert door.is_essential("reminder.test_must") is False
    register_reminder(
        kind="test_must",
        label="Must",
        recipients="someone",
        model=kind.model,
        find=kind.find,
        send=kind.send,
        essential=True,
    )
    assert door.is_essential("reminder.test_must") is True
    assert door.is_essential("reminder.test_must.coordinator") is True


def test_mark_essential_and_non_essential_decide_by_the_longest_prefix(monkeypatch):
    monkeypatch.setattr(unsubscribe, "ESSENTIAL", set(unsubscribe.ESSENTIAL))
    monkeypatch.setattr(unsubscribe, "NON_ESSENTIAL", set(unsubscribe.NON_ESSENTIAL))
    door.mark_non_essential("newsletter")
    door.mark_essential("newsletter.legal")
    assert [door.is_essential(k) for k in ("newsletter", "newsletter.x", "newsletter.legal")] == [
        False,
        False,
        True,
    ]


# --- the link and the headers -------------------------------------------------------------------


def test_a_non_essential_e_mail_carries_the_link_and_the_one_click_headers(
    smtp_server, advised, advisor, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SEND_INLINE = False
    message = comment_digest(advised, advisor, django_capture_on_commit_callbacks)
    assert send_message.apply(args=[message.pk]).get() == MessageState.SENT

    (raw,) = smtp_server.received
    received = email.message_from_bytes(raw, policy=policy.default)
    url = settings.SITE_URL + link_of("ana@example.org")
    # (A long header is folded: the space after the colon may move to the next line.)
    assert received["List-Unsubscribe"].strip() == f"<{url}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = received.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert text.rstrip().endswith(
        f"-- \nTo stop reminders and comment notifications (one click, no log-in): {url}"
    )
    assert text.index("Hours?") < text.index(url)
    html = received.get_body(preferencelist=("html",)).get_content()
    assert f'<a href="{url}"' in html
    assert html.index("Hours?") < html.index(url)
    # Where staff read the outbox, the personal link is hidden.
    assert url not in message.shown_text
    assert message.shown_text.rstrip().endswith(
        "To stop reminders and comment notifications (one click, no log-in): "
        "[personal link, hidden]"
    )


def test_an_essential_e_mail_has_no_link_nor_headers(
    advised, applicant, django_capture_on_commit_callbacks
):
    message = essential_mail(advised, applicant, django_capture_on_commit_callbacks)
    assert message.state == MessageState.SENT
    (sent,) = mail.outbox
    assert "List-Unsubscribe" not in sent.extra_headers
    assert "List-Unsubscribe-Post" not in sent.extra_headers
    assert "/unsubscribe/" not in sent.body
    assert "/unsubscribe/" not in sent.alternatives[0][0]


def test_the_footer_is_in_the_recipient_s_language(
    advised, advisor, applicant, django_capture_on_commit_callbacks
):
    applicant.preferred_language = "es"
    applicant.save(update_fields=["preferred_language"])
    comment_digest(advised, advisor, django_capture_on_commit_callbacks)
    (sent,) = mail.outbox
    assert "Para dejar de recibir recordatorios y avisos de comentarios" in sent.body
    assert "dejar de recibirlos" in sent.alternatives[0][0]


# --- the page and the one-click POST ------------------------------------------------------------


def test_the_page_says_what_stops_and_has_one_button(client, db):
    response = client.get(link_of("Rita@Example.org"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>rita@example.org</strong> will stop receiving reminders" in page
    assert page.count('type="submit"') == 2  # the page's one button and the language switch
    assert "no-store" in response["Cache-Control"]
    assert EmailOptOut.objects.count() == 0  # a GET changes nothing


def test_the_one_click_post_works_without_login_nor_csrf_and_stops_later_mail(
    advised, advisor, applicant, django_capture_on_commit_callbacks
):
    mail_client = Client(enforce_csrf_checks=True)  # as a mail client: no cookie, no token
    response = mail_client.post(link_of("ana@example.org"), ONE_CLICK)
    assert response.status_code == 200
    assert "You have unsubscribed" in response.content.decode()
    assert list(EmailOptOut.objects.values_list("email", flat=True)) == ["ana@example.org"]

    message = comment_digest(advised, advisor, django_capture_on_commit_callbacks)
    assert (message.state, message.attempts, message.recipient) == (
        MessageState.OPTED_OUT,
        0,
        "ana@example.org",
    )
    assert mail.outbox == []
    assert Comment.objects.filter(notified_at__isnull=True).count() == 0

    # Essential mail still goes.
    essential = essential_mail(advised, applicant, django_capture_on_commit_callbacks)
    assert essential.state == MessageState.SENT
    assert [m.subject for m in mail.outbox] == [essential.subject]


def test_posting_twice_is_harmless(client, db):
    for _ in range(2):
        assert client.post(link_of("ana@example.org")).status_code == 200
    assert EmailOptOut.objects.count() == 1


def test_mail_queued_before_the_opt_out_is_not_sent(
    advised, advisor, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SEND_INLINE = False
    message = comment_digest(advised, advisor, django_capture_on_commit_callbacks)
    assert message.state == MessageState.QUEUED
    Client().post(link_of("ana@example.org"), ONE_CLICK)
    assert message_send(message_id=message.pk).state == MessageState.OPTED_OUT
    message.refresh_from_db()
    assert (message.state, message.sent_at) == (MessageState.OPTED_OUT, None)
    assert mail.outbox == []


def test_switching_back_on(advised, advisor, django_capture_on_commit_callbacks):
    page = Client(enforce_csrf_checks=True)
    token = unsubscribe.token_for("ana@example.org")
    page.post(link_of("ana@example.org"), ONE_CLICK)
    shown = page.get(link_of("ana@example.org"))
    assert (
        'action="{}"'.format(reverse("notifications:unsubscribe.undo", kwargs={"token": token}))
        in shown.content.decode()
    )
    undo = reverse("notifications:unsubscribe.undo", kwargs={"token": token})
    # Switching back on is an ordinary form: it needs the page's CSRF token.
    assert page.post(undo).status_code == 403
    assert EmailOptOut.objects.count() == 1
    response = page.post(undo, {"csrfmiddlewaretoken": shown.cookies["csrftoken"].value})
    assert response.status_code == 200
    assert "receives reminders and notifications of new comments again" in (
        response.content.decode()
    )
    assert EmailOptOut.objects.count() == 0
    message = comment_digest(advised, advisor, django_capture_on_commit_callbacks)
    assert message.state == MessageState.SENT


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        signing.Signer(salt="another.purpose").sign_object("ana@example.org"),
        signing.Signer(key="not-our-secret", salt=unsubscribe.SALT).sign_object("ana@example.org"),
        # A time-stamped token of the same salt: its signature is valid, its value is not.
        signing.dumps("ana@example.org", salt=unsubscribe.SALT),
    ],
    # Named, not shown: the time-stamped token differs from one second to the next, and the
    # test processes (pytest-xdist) must collect the same names.
    ids=["forged", "another-purpose", "another-key", "time-stamped"],
)
def test_a_forged_link_is_refused(client, db, token):
    url = reverse("notifications:unsubscribe", kwargs={"token": token})
    assert client.get(url).status_code == 404
    assert client.post(url, ONE_CLICK).status_code == 404
    undo = reverse("notifications:unsubscribe.undo", kwargs={"token": token})
    assert client.post(undo).status_code == 404
    assert EmailOptOut.objects.count() == 0


def test_a_tampered_link_is_refused(client, db):
    token = unsubscribe.token_for("ana@example.org")
    assert unsubscribe.token_for(" Ana@Example.org") == token  # one link per address
    signature = token.rsplit(":", 1)[1]
    other = unsubscribe.token_for("bob@example.org").rsplit(":", 1)[0]
    tampered = f"{other}:{signature}"  # another address with Ana's signature
    url = reverse("notifications:unsubscribe", kwargs={"token": tampered})
    assert client.post(url, ONE_CLICK).status_code == 404
    assert EmailOptOut.objects.count() == 0


def test_the_link_of_one_address_does_not_touch_another(client, db):
    client.post(link_of("rita@example.org"), ONE_CLICK)
    assert list(EmailOptOut.objects.values_list("email", flat=True)) == ["rita@example.org"]


def test_only_post_and_get_are_answered(client, db):
    assert client.put(link_of("ana@example.org")).status_code == 405
    undo = reverse("notifications:unsubscribe.undo", kwargs={"token": "x"})
    assert client.get(undo).status_code == 405


# --- the profile page ---------------------------------------------------------------------------


def profile_data(**changes):
    return {
        "full_name": "Ana Applicant",
        "preferred_language": "en",
        "time_zone": "",
        "comment_emails": CommentEmails.IMMEDIATELY,
        "optional_emails": "on",
        **changes,
    }


def test_the_profile_page_sets_both_choices(client, applicant):
    client.force_login(applicant)
    page = client.get(reverse("accounts:profile"))
    assert page.context["form"]["optional_emails"].value() is True
    assert page.context["form"]["comment_emails"].value() == CommentEmails.IMMEDIATELY

    data = profile_data(comment_emails=CommentEmails.DAILY)
    del data["optional_emails"]  # unticked
    assert client.post(reverse("accounts:profile"), data).status_code == 302
    applicant.refresh_from_db()
    assert applicant.comment_emails == CommentEmails.DAILY
    assert list(EmailOptOut.objects.values_list("email", flat=True)) == ["ana@example.org"]
    assert client.get(reverse("accounts:profile")).context["form"]["optional_emails"].value() is (
        False
    )

    assert client.post(reverse("accounts:profile"), profile_data()).status_code == 302
    applicant.refresh_from_db()
    assert applicant.comment_emails == CommentEmails.IMMEDIATELY
    assert EmailOptOut.objects.count() == 0


def test_the_profile_page_shows_an_opt_out_made_through_the_link(client, applicant):
    Client().post(link_of("ana@example.org"), ONE_CLICK)
    client.force_login(applicant)
    form = client.get(reverse("accounts:profile")).context["form"]
    assert form["optional_emails"].value() is False


def test_the_profile_page_in_spanish(client, applicant):
    applicant.preferred_language = "es"
    applicant.save(update_fields=["preferred_language"])
    client.force_login(applicant)
    page = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="es")
    html = page.content.decode()
    assert "Enviarme recordatorios y avisos de comentarios" in html
    assert "Una vez al día como máximo" in html


def test_the_outbox_names_the_state(advised, advisor, django_capture_on_commit_callbacks):
    EmailOptOut.objects.create(email="ana@example.org")
    message = comment_digest(advised, advisor, django_capture_on_commit_callbacks)
    assert message.get_state_display() == "Not sent: unsubscribed"


def test_the_link_is_public_and_its_address_is_the_token_s_not_the_reader_s(client, applicant):
    """Signed in or not, the page answers the same: the signed address decides, never the
    account of whoever opens it."""
    client.force_login(applicant)
    url = link_of("rita@example.org")
    assert client.get(url).status_code == 200
    assert client.post(url, ONE_CLICK).status_code == 200
    assert list(EmailOptOut.objects.values_list("email", flat=True)) == ["rita@example.org"]
