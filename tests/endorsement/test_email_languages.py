"""E-mails in the recipient's language: the category's name, the status and the sender's name
(issue 9, item 8)."""

from email.header import decode_header, make_header

import pytest
from django.conf import settings
from django.core import mail

from endorsement.enums import ApplicationState as S
from endorsement.models import EmailTemplate
from endorsement.services import application_transition
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.usefixtures("only_the_workflow")

PORTAL = "Northfield Association for Infant Mental Health"


@pytest.fixture
def spanish_category(category):
    category.names = {"es": "Especialista en Bebés y Familias"}
    category.save()
    return category


def test_each_recipient_reads_the_category_and_the_sender_in_their_language(
    spanish_category, applicant, coordinator, django_capture_on_commit_callbacks
):
    applicant.preferred_language = "es"
    applicant.save()
    application = ApplicationFactory(
        category=spanish_category, applicant=applicant, state=S.ACCEPTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, action="submit", by=applicant)
    sent = sorted((m.to[0], m.from_email, m.subject) for m in mail.outbox)
    assert sent == [
        (
            "ana@example.org",
            f'"{PORTAL} – Portal del Endoso" <noreply@localhost>',
            "Su portafolio para Especialista en Bebés y Familias (IFS) se envió",
        ),
        (
            "casey@example.org",
            f'"{PORTAL} – Endorsement portal" <noreply@localhost>',
            "Portfolio submitted: Ana Applicant (Infant Family Specialist (IFS))",
        ),
    ]
    spanish = next(m for m in mail.outbox if m.to == ["ana@example.org"])
    assert "Especialista en Bebés y Familias (IFS)" in spanish.body
    assert "Infant Family Specialist" not in spanish.body
    # The header is encoded for the wire and reads back the same.
    header = str(make_header(decode_header(str(spanish.message()["From"]))))
    assert header == f"{PORTAL} – Portal del Endoso <noreply@localhost>"


def test_the_status_in_an_e_mail_is_the_applicants_sentence_or_the_staff_label(
    spanish_category, applicant, coordinator, association, django_capture_on_commit_callbacks
):
    applicant.preferred_language = "es"
    applicant.save()
    for key, language in [("hold", "es"), ("submit.coordinator", "en")]:
        EmailTemplate.objects.create(
            association=association,
            key=key,
            language=language,
            subject="{{ category }}",
            body="{{ state }}",
        )
    application = ApplicationFactory(
        category=spanish_category, applicant=applicant, state=S.ACCEPTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, action="submit", by=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, action="hold", by=coordinator)
    assert [(m.to[0], m.subject, m.body) for m in mail.outbox[1:]] == [
        ("casey@example.org", "Infant Family Specialist (IFS)", "Submitted"),
        ("ana@example.org", "Especialista en Bebés y Familias (IFS)", "Su solicitud está en pausa"),
    ]


def test_allauth_e_mails_come_from_the_portal_in_the_readers_language(
    client, db, django_capture_on_commit_callbacks
):
    """The account's preferred language, whatever the page's; an address without an account
    is written to in the page's language."""
    UserFactory(email="lucia@example.org", preferred_language="es")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "lucia@example.org"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.from_email == '"Portal del Endoso" <noreply@localhost>'
    assert (
        str(make_header(decode_header(message.subject)))
        == "Correo electrónico para restablecer contraseña"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "nadie@example.org"})
    assert mail.outbox[1].from_email == '"Endorsement portal" <noreply@localhost>'
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "nadie@example.org"})
    assert mail.outbox[2].from_email == '"Portal del Endoso" <noreply@localhost>'
