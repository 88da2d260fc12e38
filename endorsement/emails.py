"""The e-mails about applications, through the portal's one e-mail door
(``notifications.emails``), whose registry, rendering and ``email_on_commit`` this module
re-exports for the apps above it.

This module registers the workflow's own e-mails (``reviews.emails`` the advising, reviewing
and exam e-mails, ``portfolios.emails`` the reference e-mails, all through ``register_emails``
here, whose values default to ``CONTEXT_HELP``) and gives the door the association's own
wording (``EmailTemplate`` rows, editable per association, key and language).
``application_email_on_commit`` writes to people about an application (the step e-mails of
``TRANSITION_EMAILS`` come through it from ``application_transition``): rendered at once and
written to the outbox in the current transaction, sent once it commits.
"""

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from accounts.models import User
from accounts.selectors import role_holders
from accounts.senders import sender_address
from endorsement.models import Application, ApplicationEvent, EmailTemplate
from endorsement.notes import note_render
from notifications import emails as door
from notifications.emails import (  # noqa: F401 - the door, as the apps above reach it
    EMAIL_SECRETS,
    EMAIL_TEMPLATES,
    EMAIL_VALUES,
    EMAILS,
    _engine,
    email_on_commit,
    email_render,
    template_file,
)

# The values every e-mail about an application may use, as the admin explains them.
CONTEXT_HELP = {
    "recipient": _("the name of the person the e-mail goes to"),
    "applicant": _("the applicant's name"),
    "category": _("the endorsement category, e.g. Infant Family Specialist (IFS)"),
    "association": _("your association's name"),
    "contact_email": _("your association's contact e-mail"),
    "state": _("the application's status"),
    "note": _("the note written with the step (reasons, what to amend)"),
    "url": _("the link to open in the portal"),
}


def register_emails(
    *,
    folder: str,
    emails: dict,
    values: dict | None = None,
    secret: dict | None = None,
    non_essential: Iterable[str] = (),
    essential: Iterable[str] = (),
) -> None:
    """``notifications.emails.register_emails`` with the values of every application e-mail
    (``CONTEXT_HELP``) for the keys ``values`` does not name."""
    door.register_emails(
        folder=folder,
        emails=emails,
        values=values,
        secret=secret,
        default_values=CONTEXT_HELP,
        non_essential=non_essential,
        essential=essential,
    )


def email_values_help(key: str = "") -> dict:
    """The values the wording of ``key`` may use (those of every application e-mail without a
    key)."""
    return EMAIL_VALUES.get(key, CONTEXT_HELP)


def latest_application_association(user):
    """The association of the person's latest application (``accounts.senders``: their own
    account e-mails come from it), or None."""
    application = (
        Application.objects.filter(applicant=user)
        .select_related("association")
        .order_by("-created", "-pk")
        .first()
    )
    return application.association if application is not None else None


def association_wording(association, key: str, language: str) -> tuple[str, str] | None:
    """The association's own (subject, body) of ``key`` in ``language`` (``EmailTemplate``)."""
    return (
        EmailTemplate.objects.filter(association=association, key=key, language=language)
        .values_list("subject", "body")
        .first()
    )


register_emails(
    folder="endorsement/emails",
    emails={
        # Sent by application_transition for the step of the same name (TRANSITION_EMAILS).
        "register": _("Registration received (to the applicant)"),
        "register.coordinator": _("New registration (to the coordinators)"),
        "accept": _("Registration accepted (to the applicant)"),
        "return_registration": _("Registration returned, with the reason (to the applicant)"),
        "resubmit_registration.coordinator": _(
            "Corrected registration sent again (to the coordinators)"
        ),
        "submit": _("Portfolio submitted (to the applicant)"),
        "submit.coordinator": _("Portfolio submitted (to the coordinators)"),
        "start_review": _("Review started (to the applicant)"),
        "defer": _("Deferred, with what to amend (to the applicant)"),
        "hold": _("Put on hold (to the applicant)"),
        "hold_inactive": _("On hold after 12 months without activity (to the applicant)"),
        "resume": _("Resumed after a hold (to the applicant)"),
        "approve": _("Portfolio approved (to the applicant)"),
        "deny": _("Endorsement denied, with reasons (to the applicant)"),
        "register_exam": _("Registered for the exam (to the applicant)"),
        "retake_exam": _("Registered to retake the exam (to the applicant)"),
        "pass_exam": _("Exam passed (to the applicant)"),
        "fail_exam": _("Exam not passed (to the applicant)"),
        "award": _("Endorsement awarded (to the applicant)"),
        "withdraw.coordinator": _("Application withdrawn (to the coordinators)"),
    },
    values={
        "award": {
            **CONTEXT_HELP,
            "endorsement_number": _("the endorsement number, e.g. NFAIMH-IMHS-2026-0042"),
            "valid_through": _("the date the endorsement is valid through (31 December)"),
        }
    },
)

# step -> [(e-mail key, who gets it)]; who: "applicant", "coordinators" or "advisor".
TRANSITION_EMAILS = {
    "register": [("register", "applicant"), ("register.coordinator", "coordinators")],
    "accept": [("accept", "applicant")],
    "return_registration": [("return_registration", "applicant")],
    "resubmit_registration": [("resubmit_registration.coordinator", "coordinators")],
    "submit": [("submit", "applicant"), ("submit.coordinator", "coordinators")],
    "start_review": [("start_review", "applicant")],
    "defer": [("defer", "applicant")],
    "hold": [("hold", "applicant")],
    "hold_inactive": [("hold_inactive", "applicant")],
    "resume": [("resume", "applicant")],
    "approve": [("approve", "applicant")],
    "deny": [("deny", "applicant")],
    "register_exam": [("register_exam", "applicant")],
    "retake_exam": [("retake_exam", "applicant")],
    "pass_exam": [("pass_exam", "applicant")],
    "fail_exam": [("fail_exam", "applicant")],
    "award": [("award", "applicant")],
    "withdraw": [("withdraw.coordinator", "coordinators")],
}


def coordinators_of(association) -> list[User]:
    return list(role_holders(association=association, role=Role.COORDINATOR))


def application_url(*, application: Application, recipient: User, key: str = "") -> str:
    """Where the recipient opens the application: the coordinator's page of the application;
    for the applicant their portfolio, their dashboard when the registration is received or
    accepted (the portfolio is built from there) or the form to correct a returned registration."""
    kwargs = {"application_id": application.pk}
    if recipient.pk != application.applicant_id:
        path = reverse("endorsement:detail", kwargs=kwargs)
    elif key in ("register", "accept"):
        path = reverse("accounts:dashboard.applicant")
    elif key == "return_registration":
        path = reverse("portfolios:registration.edit", kwargs=kwargs)
    else:
        path = reverse("portfolios:summary", kwargs=kwargs)
    return settings.SITE_URL + path


def application_email(
    *,
    application_id: int,
    key: str,
    recipient_ids: list[int],
    extra: dict | None = None,
    note_key: str = "",
    note_values: dict | None = None,
) -> None:
    """Render ``key`` for each recipient in their language and write it to the outbox, replies
    going to the association's contact address (or its reply-to address).

    ``note_key`` and ``note_values`` (``endorsement.notes``) give the ``note`` value in each
    recipient's language instead of the one in ``extra``; dates in ``extra`` are written in it.
    """
    application = Application.objects.select_related("applicant", "association", "category").get(
        pk=application_id
    )
    application_email_write(
        application=application,
        key=key,
        recipients=User.objects.filter(pk__in=recipient_ids, is_active=True),
        extra=extra,
        note_key=note_key,
        note_values=note_values,
    )


def application_email_write(
    *,
    application: Application,
    key: str,
    recipients,
    extra: dict | None = None,
    note_key: str = "",
    note_values: dict | None = None,
) -> None:
    """``application_email`` for an application whose applicant, association and category are
    loaded and for active ``recipients`` (users) at hand: a reminder scan writes thousands
    without reading them again."""
    association = application.association
    for recipient in recipients:
        language = door.user_language(recipient)
        with door.writing(association=association, language=language):
            context = {
                "recipient": recipient.get_full_name(),
                "applicant": application.applicant.get_full_name(),
                "category": f"{application.category.display_name} ({application.category.code})",
                "association": association.name,
                "contact_email": association.contact_email,
                "state": (
                    application.state_for_applicant
                    if recipient.pk == application.applicant_id
                    else str(application.get_state_display())
                ),
                "note": "",
                "url": application_url(application=application, recipient=recipient, key=key),
                **door.written(extra or {}),
            }
            if note_key:
                context["note"] = note_render(note_key, note_values or {})
            subject, body = email_render(
                association=association, key=key, language=language, context=context
            )
            sender = sender_address(association=association)
        door.email_queue(
            association=association,
            key=key,
            to=recipient.email,
            subject=subject,
            body=body,
            sender=sender,
            language=language,
            context=context,
            reply_to=association.contact_email,
            recipient=recipient,
            concerns=application,
        )


def application_email_on_commit(
    *,
    application: Application,
    key: str,
    recipients,
    extra: dict | None = None,
    note_key: str = "",
    note_values: dict | None = None,
) -> None:
    """Write ``key`` for ``recipients`` (users) to the outbox now, in the current transaction;
    it is sent once the transaction commits.

    ``extra`` adds plain values (strings, or dates written in each recipient's language) to
    the context, e.g. a due date or a link; a note the portal generates is ``note_key`` with
    ``note_values``, written in each recipient's language.
    """
    door.known(key)
    ids = [user.pk for user in recipients if user is not None]
    if ids:
        application_email(
            application_id=application.pk,
            key=key,
            recipient_ids=ids,
            extra=extra,
            note_key=note_key,
            note_values=note_values,
        )


def transition_email_on_commit(
    *, action: str, event: ApplicationEvent, values: dict | None = None
) -> None:
    """The e-mails of a step (``TRANSITION_EMAILS``) with the step's public note (the portal's
    own notes in each recipient's language) and the step's own ``values``."""
    application = event.application
    note = event.note if event.note_is_public else ""
    note_key = event.note_key if event.note_is_public else ""
    for key, who in TRANSITION_EMAILS.get(action, []):
        if who == "applicant":
            recipients = [application.applicant]
        elif who == "advisor":
            recipients = [application.advisor]
        else:
            recipients = coordinators_of(application.association)
        application_email_on_commit(
            application=application,
            key=key,
            recipients=recipients,
            extra={**(values or {}), "note": note},
            note_key=note_key,
            note_values=event.note_values,
        )
