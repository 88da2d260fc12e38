"""The e-mails of each step: default wording for every key, the association's own wording,
sent after the commit to the people concerned; the admin of the association's wording."""

import logging
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import translation

from accounts.enums import Role
from accounts.services import role_grant
from endorsement.emails import CONTEXT_HELP, EMAILS, TRANSITION_EMAILS, email_render
from endorsement.enums import ApplicationState as S
from endorsement.models import EmailTemplate
from endorsement.registration import registration_decide, registration_resubmit
from endorsement.services import application_register, application_transition
from tests.factories import (
    ApplicationFactory,
    RoleGrantFactory,
    UserFactory,
)

# The workflow alone: the conditions of later apps are tested in tests/endorsement/test_guards.py.
pytestmark = pytest.mark.usefixtures("only_the_workflow")

TRANSITION_KEYS = sorted({key for emails in TRANSITION_EMAILS.values() for key, _who in emails})
CONTEXT = {
    "recipient": "Rita Recipient",
    "applicant": "Ana Applicant",
    "category": "Infant Family Specialist (IFS)",
    "association": "Northfield AIMH",
    "contact_email": "office@northfield.example.org",
    "state": "In review",
    "note": "Add the second reference.",
    "url": "https://portal.example.org/portfolio/7/",
    "endorsement_number": "NFAIMH-IFS-2026-0042",
    "valid_through": "December 31, 2026",
}


def test_every_transition_key_is_a_known_e_mail():
    assert set(TRANSITION_KEYS) <= set(EMAILS)
    assert len(TRANSITION_KEYS) == 20


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("key", TRANSITION_KEYS)
def test_every_transition_e_mail_renders(association, key, language):
    with translation.override(language):
        subject, body = email_render(
            association=association, key=key, language=language, context=CONTEXT
        )
    assert subject and "\n" not in subject and "{" not in subject
    assert body.startswith("Dear Rita Recipient,\n") or language == "es"
    assert "Rita Recipient" in body
    assert CONTEXT["url"] in body
    assert "{%" not in body and "{{" not in body


@pytest.mark.parametrize("key", ["defer", "deny"])
def test_reasons_are_in_the_e_mail(association, key):
    _subject, body = email_render(association=association, key=key, language="en", context=CONTEXT)
    assert "Add the second reference." in body


def test_the_award_e_mail_carries_the_number_and_date(association):
    subject, body = email_render(
        association=association, key="award", language="en", context=CONTEXT
    )
    assert subject == "Your endorsement: Infant Family Specialist (IFS)"
    assert (
        "Your endorsement number is NFAIMH-IFS-2026-0042. It is valid through December 31, 2026;"
        in body
    )


def test_defer_e_mail_default_wording(association):
    subject, body = email_render(
        association=association, key="defer", language="en", context=CONTEXT
    )
    assert subject == "Your portfolio for Infant Family Specialist (IFS): please amend and resubmit"
    assert body == (
        "Dear Rita Recipient,\n\n"
        "The reviewers have read your portfolio for Infant Family Specialist (IFS). Before it "
        "can be approved, some parts need to be amended.\n\n"
        "What to amend:\nAdd the second reference.\n\n"
        "Your portfolio is open for changes again. Amend it, then submit it again here:\n"
        "https://portal.example.org/portfolio/7/\n\n"
        "Questions? Write to office@northfield.example.org.\n"
    )


def test_the_associations_own_wording_is_used_for_its_language(association, other_association):
    EmailTemplate.objects.create(
        association=association,
        key="hold",
        language="es",
        subject="En espera: {{ category }}",
        body="Hola {{ recipient }}. {{ note }}",
    )
    with translation.override("es"):
        own = email_render(association=association, key="hold", language="es", context=CONTEXT)
        other = email_render(
            association=other_association, key="hold", language="es", context=CONTEXT
        )
    english = email_render(association=association, key="hold", language="en", context=CONTEXT)
    assert own == (
        "En espera: Infant Family Specialist (IFS)",
        "Hola Rita Recipient. Add the second reference.",
    )
    assert other != own
    assert english[0] == "Your application for Infant Family Specialist (IFS) is on hold"


def test_a_broken_template_falls_back_to_the_default(association, caplog):
    EmailTemplate.objects.create(
        association=association, key="hold", language="en", subject="{% if %}", body="x"
    )
    with caplog.at_level(logging.ERROR, logger="notifications.emails"):
        subject, _body = email_render(
            association=association, key="hold", language="en", context=CONTEXT
        )
    assert subject == "Your application for Infant Family Specialist (IFS) is on hold"
    assert "does not render" in caplog.text


def test_e_mails_go_out_only_after_commit(
    category, applicant, coordinator, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(category=category, applicant=applicant, state=S.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_transition(
            application=application, action="defer", by=coordinator, note="Add a reference."
        )
        assert mail.outbox == []
    assert len(callbacks) == 2  # the e-mail and the audit log's line
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    assert "Add a reference." in message.body


def test_a_rolled_back_step_sends_nothing(
    category, applicant, coordinator, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(category=category, applicant=applicant, state=S.IN_REVIEW)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        application_transition(application=application, action="hold", by=coordinator)
        raise RuntimeError("later failure")
    assert callbacks == []
    assert mail.outbox == []


def test_replies_go_to_the_associations_contact_address(
    category, applicant, association, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(category=category, applicant=applicant, state=S.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, action="submit", by=applicant)
    assert {tuple(message.reply_to) for message in mail.outbox} == {(association.contact_email,)}


def test_submission_goes_to_the_applicant_and_the_associations_coordinators(
    category,
    applicant,
    coordinator,
    association,
    other_association,
    django_capture_on_commit_callbacks,
):
    second = RoleGrantFactory(association=association, user__email="cody@example.org").user
    RoleGrantFactory(association=other_association, user__email="elsewhere@example.org")
    RoleGrantFactory(association=association, role=Role.REVIEWER, user__email="rev@example.org")
    gone = RoleGrantFactory(association=association, user__email="gone@example.org").user
    gone.is_active = False
    gone.save()
    application = ApplicationFactory(category=category, applicant=applicant, state=S.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, action="submit", by=applicant)
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert sent == [
        ("ana@example.org", "Your portfolio for Infant Family Specialist (IFS) is submitted"),
        (
            "casey@example.org",
            "Portfolio submitted: Ana Applicant (Infant Family Specialist (IFS))",
        ),
        ("cody@example.org", "Portfolio submitted: Ana Applicant (Infant Family Specialist (IFS))"),
    ]
    assert second.email == "cody@example.org"


def test_withdrawal_tells_the_coordinators_with_the_reason(
    category, applicant, coordinator, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(category=category, applicant=applicant, state=S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application=application, action="withdraw", by=applicant, note="I moved away."
        )
    (message,) = mail.outbox
    assert message.to == ["casey@example.org"]
    assert (
        message.subject == "Application withdrawn: Ana Applicant (Infant Family Specialist (IFS))"
    )
    assert "I moved away." in message.body
    assert "/coordinator/applications/" in message.body


def test_a_private_note_never_reaches_the_applicant(
    category, applicant, coordinator, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(category=category, applicant=applicant, state=S.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application=application,
            action="hold",
            by=coordinator,
            note="Reviewer is slow.",
            public=False,
        )
    (message,) = mail.outbox
    assert "Reviewer is slow." not in message.body


def test_spanish_speakers_get_the_spanish_subject_line(
    category, applicant, coordinator, django_capture_on_commit_callbacks, association
):
    applicant.preferred_language = "es"
    applicant.save()
    EmailTemplate.objects.create(
        association=association,
        key="approve",
        language="es",
        subject="Aprobado: {{ category }}",
        body="Hola {{ recipient }}",
    )
    application = ApplicationFactory(category=category, applicant=applicant, state=S.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, action="approve", by=coordinator)
    (message,) = mail.outbox
    assert (message.subject, message.body) == (
        "Aprobado: Infant Family Specialist (IFS)",
        "Hola Ana Applicant",
    )


# --- The admin of the association's own wording --------------------------------------------


@pytest.fixture
def as_assoc_admin(client, association):
    admin = UserFactory(email="admin@northfield.example.org")
    role_grant(association=association, user=admin, role=Role.ASSOCIATION_ADMIN)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    return client


ADD_URL = "/admin/endorsement/emailtemplate/add/"


def test_association_admin_sees_only_their_own_templates(
    as_assoc_admin, association, other_association
):
    own = EmailTemplate.objects.create(
        association=association, key="hold", language="en", subject="Ours", body="b"
    )
    theirs = EmailTemplate.objects.create(
        association=other_association, key="hold", language="en", subject="Theirs", body="b"
    )
    response = as_assoc_admin.get("/admin/endorsement/emailtemplate/")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [own]
    assert as_assoc_admin.get(
        f"/admin/endorsement/emailtemplate/{theirs.pk}/change/"
    ).status_code in (302, 403, 404)
    assert (
        as_assoc_admin.get(f"/admin/endorsement/emailtemplate/{own.pk}/change/").status_code == 200
    )


def test_the_add_form_offers_the_e_mails_languages_and_own_associations(
    as_assoc_admin, association
):
    response = as_assoc_admin.get(ADD_URL)
    form = response.context["adminform"].form
    assert [key for key, _label in form.fields["key"].choices] == ["", *EMAILS]
    assert [code for code, _label in form.fields["language"].choices] == ["en", "es"]
    assert list(form.fields["association"].queryset) == [association]
    page = response.content.decode()
    assert "?key=award&amp;language=en" in page
    assert "{{ note }}" in page and "the note written with the step" in page


def test_the_add_page_starts_from_the_portals_wording(as_assoc_admin):
    response = as_assoc_admin.get(ADD_URL + "?key=defer&language=en")
    form = response.context["adminform"].form
    assert form.initial["subject"] == "Your portfolio for {{ category }}: please amend and resubmit"
    assert form.initial["body"].startswith("Dear {{ recipient }},\n\n")
    assert "What to amend:\n{{ note }}" in form.initial["body"]
    assert response.context["default_subject"] == form.initial["subject"]


def test_award_help_lists_the_number_and_date(as_assoc_admin):
    response = as_assoc_admin.get(ADD_URL + "?key=award&language=es")
    names = [name for name, _text in response.context["values_help"]]
    assert names[-2:] == ["endorsement_number", "valid_through"]
    assert "{{ endorsement_number }}" in response.context["default_body"]


def test_saving_checks_that_subject_and_text_are_templates(as_assoc_admin, association):
    data = {
        "association": association.pk,
        "key": "deny",
        "language": "en",
        "subject": "Denied {{ category|no_such_filter }}",
        "body": "{% if note %}no end",
    }
    response = as_assoc_admin.post(ADD_URL, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"subject", "body"}
    assert errors["body"][0].startswith("This is not a valid template: ")
    assert EmailTemplate.objects.count() == 0
    data.update(subject="Denied: {{ category }}", body="{% if note %}{{ note }}{% endif %}")
    assert as_assoc_admin.post(ADD_URL, data).status_code == 302
    saved = EmailTemplate.objects.get()
    assert (saved.association, saved.key, saved.subject) == (
        association,
        "deny",
        "Denied: {{ category }}",
    )


def test_an_unknown_key_is_refused(as_assoc_admin, association):
    response = as_assoc_admin.post(
        ADD_URL,
        {
            "association": association.pk,
            "key": "nope",
            "language": "en",
            "subject": "s",
            "body": "b",
        },
    )
    assert "key" in response.context["adminform"].form.errors
    assert EmailTemplate.objects.count() == 0


def test_someone_elses_association_cannot_be_chosen(as_assoc_admin, other_association):
    response = as_assoc_admin.post(
        ADD_URL,
        {
            "association": other_association.pk,
            "key": "hold",
            "language": "en",
            "subject": "s",
            "body": "b",
        },
    )
    assert "association" in response.context["adminform"].form.errors
    assert EmailTemplate.objects.count() == 0


def test_endorsements_are_read_only_in_the_admin(as_assoc_admin, association, category):
    from endorsement.models import Endorsement

    application = ApplicationFactory(category=category, state=S.AWARDED)
    endorsement = Endorsement.objects.create(
        association=association,
        application=application,
        holder=application.applicant,
        category=category,
        number="NORTHFIELD-IFS-2026-0001",
        awarded_on="2026-03-01",
        valid_through="2026-12-31",
    )
    assert as_assoc_admin.get("/admin/endorsement/endorsement/").status_code == 200
    response = as_assoc_admin.get(f"/admin/endorsement/endorsement/{endorsement.pk}/change/")
    assert response.status_code == 200
    assert list(response.context["adminform"].form.fields) == []
    assert as_assoc_admin.get("/admin/endorsement/endorsement/add/").status_code == 403


@pytest.mark.parametrize("key", list(EMAILS))
def test_every_e_mails_admin_page_opens(as_assoc_admin, key):
    response = as_assoc_admin.get(f"{ADD_URL}?key={key}&language=es")
    assert response.status_code == 200
    assert response.context["default_key"] == EMAILS[key]


# --- The registration step's e-mails --------------------------------------------------------


def test_registration_e_mails_default_wording(association):
    accept = email_render(
        association=association, key="accept", language="en", context={**CONTEXT, "note": ""}
    )
    assert accept == (
        "Your registration for Infant Family Specialist (IFS) is accepted",
        "Dear Rita Recipient,\n\n"
        "Northfield AIMH has accepted your registration for Infant Family Specialist (IFS).\n\n"
        "You can now build your portfolio: education, work experience, training, reflective "
        "supervision/consultation, references and the agreements. Open it from your dashboard:\n"
        "https://portal.example.org/portfolio/7/\n\n"
        "Questions? Write to office@northfield.example.org.\n",
    )
    _subject, with_note = email_render(
        association=association, key="accept", language="en", context=CONTEXT
    )
    assert (
        "/portfolio/7/\n\nA note from the coordinator:\nAdd the second reference.\n\nQuestions?"
        in with_note
    )
    assert email_render(
        association=association, key="return_registration", language="en", context=CONTEXT
    ) == (
        "Your registration for Infant Family Specialist (IFS) was returned to you",
        "Dear Rita Recipient,\n\n"
        "Northfield AIMH has returned your registration for Infant Family Specialist (IFS), so "
        "that you can correct it.\n\n"
        "The coordinator's reason:\nAdd the second reference.\n\n"
        "Correct your registration and send it again here:\n"
        "https://portal.example.org/portfolio/7/\n\n"
        "Questions? Write to office@northfield.example.org.\n",
    )
    assert email_render(
        association=association,
        key="resubmit_registration.coordinator",
        language="en",
        context=CONTEXT,
    ) == (
        "Registration sent again: Ana Applicant (Infant Family Specialist (IFS))",
        "Dear Rita Recipient,\n\n"
        "Ana Applicant has corrected the registration for Infant Family Specialist (IFS) that "
        "was returned and sent it again. It is ready for you to accept or return.\n\n"
        "Open the application:\nhttps://portal.example.org/portfolio/7/\n",
    )


@pytest.mark.parametrize(
    ("action", "note", "path"),
    [
        ("accept", "", "/dashboard/applicant/"),
        ("return_registration", "Add your years of work.", "/portfolio/{pk}/registration/"),
    ],
)
def test_a_registration_decision_uses_the_associations_wording_in_the_applicants_language(
    category,
    applicant,
    coordinator,
    association,
    django_capture_on_commit_callbacks,
    action,
    note,
    path,
):
    applicant.preferred_language = "es"
    applicant.save(update_fields=["preferred_language"])
    for language in ("en", "es"):
        EmailTemplate.objects.create(
            association=association,
            key=action,
            language=language,
            subject=f"[{language}] {{{{ category }}}}",
            body="{{ recipient }}|{{ association }}|{{ note }}|{{ url }}",
        )
    application = ApplicationFactory(category=category, applicant=applicant)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration_decide(application=application, by=coordinator, action=action, note=note)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    url = settings.SITE_URL + path.format(pk=application.pk)
    assert message.to == ["ana@example.org"]
    assert (message.subject, message.body) == (
        "[es] Infant Family Specialist (IFS)",
        f"Ana Applicant|{association.name}|{note}|{url}",
    )


def test_a_corrected_registration_tells_the_coordinators(
    category,
    applicant,
    coordinator,
    association,
    other_association,
    django_capture_on_commit_callbacks,
):
    RoleGrantFactory(association=other_association, user__email="elsewhere@example.org")
    application = ApplicationFactory(category=category, applicant=applicant, state=S.RETURNED)
    with django_capture_on_commit_callbacks(execute=True):
        registration_resubmit(
            application=application,
            by=applicant,
            education="bachelor",
            work_years=Decimal("3"),
            rsc_hours=None,
        )
    (message,) = mail.outbox
    assert message.to == ["casey@example.org"]
    assert message.subject == (
        "Registration sent again: Ana Applicant (Infant Family Specialist (IFS))"
    )
    assert message.body.startswith("Dear Casey Coord,\n\nAna Applicant has corrected ")
    assert f"{settings.SITE_URL}/coordinator/applications/{application.pk}/\n" in message.body


@pytest.mark.parametrize("key", ["accept", "return_registration"])
def test_the_registration_e_mails_are_offered_in_the_admin(as_assoc_admin, key):
    response = as_assoc_admin.get(f"{ADD_URL}?key={key}&language=en")
    form = response.context["adminform"].form
    assert key in dict(form.fields["key"].choices)
    assert form.initial["subject"].startswith("Your registration for {{ category }} ")
    assert form.initial["body"].startswith("Dear {{ recipient }},\n\n{{ association }} has ")
    assert "{{ url }}" in form.initial["body"]
    assert "{{ contact_email }}" in form.initial["body"]
    assert [name for name, _text in response.context["values_help"]] == list(CONTEXT_HELP)


def test_a_new_registration_is_confirmed_and_the_coordinators_told(
    category,
    applicant,
    coordinator,
    other_association,
    django_capture_on_commit_callbacks,
):
    RoleGrantFactory(association=other_association, user__email="elsewhere@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        application = application_register(applicant=applicant, category=category)
        assert mail.outbox == []  # nothing before the registration is committed
    to_applicant, to_coordinator = sorted(
        mail.outbox, key=lambda message: message.to != [applicant.email]
    )
    assert to_applicant.to == [applicant.email]
    assert to_applicant.subject == (
        "We have received your registration for Infant Family Specialist (IFS)"
    )
    assert f"{settings.SITE_URL}/dashboard/applicant/\n" in to_applicant.body
    assert to_coordinator.to == ["casey@example.org"]
    assert (
        to_coordinator.subject == "New registration: Ana Applicant (Infant Family Specialist (IFS))"
    )
    assert (
        f"{settings.SITE_URL}/coordinator/applications/{application.pk}/\n" in to_coordinator.body
    )
