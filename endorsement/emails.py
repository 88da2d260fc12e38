"""The one door every e-mail of the portal leaves through, in each recipient's language, from
templates the association may reword (``EmailTemplate``), sent once the transaction commits.

Every e-mail has a key. The app that sends it registers its keys when it loads
(``register_emails``: what each e-mail is, as the admin lists it, the folder of its default
wording and the values that wording may use), the way apps register dashboards
(``accounts.dashboards``): this module lists the workflow's own e-mails, ``reviews.emails`` the
advising, reviewing and exam e-mails, ``portfolios.emails`` the reference e-mails. A key's
default wording is two template files, ``<folder>/<key>_subject.txt`` and ``<folder>/<key>.txt``
(dots in the key become underscores). An association's own wording is an ``EmailTemplate`` row
for the key and the recipient's language; it is a Django template over the plain values the key
registered (``email_values_help``).

``application_email_on_commit`` writes to people about an application (the step e-mails of
``TRANSITION_EMAILS`` come through it from ``application_transition``); ``email_on_commit``
writes to any address (a rater without an account). Both render at once and end in
``_deliver``, which writes the message to the outbox (``notifications``) in the current
transaction: a change rolled back leaves no e-mail, and a committed one is sent by a Celery task
(retried on transient failures) once the transaction commits. A key registered with ``secret``
values (a personal link) has them masked where staff read the outbox.
"""

import datetime
import logging
from contextlib import contextmanager

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from accounts.models import User
from accounts.selectors import role_holders
from accounts.senders import reply_address, sender_address
from accounts.time_zones import association_time
from endorsement.models import Application, ApplicationEvent, EmailTemplate
from endorsement.notes import note_render
from notifications.services import message_queue

logger = logging.getLogger(__name__)

# key: what the e-mail is, as the admin lists it; filled by ``register_emails``.
EMAILS: dict[str, str] = {}
# key: the template path of its default wording, without "_subject.txt"/".txt".
EMAIL_TEMPLATES: dict[str, str] = {}
# key: {value name: what it is}, the values the wording may use, as the admin explains them.
EMAIL_VALUES: dict[str, dict] = {}
# key: the names of its values that are personal links, masked where staff read the outbox.
EMAIL_SECRETS: dict[str, tuple] = {}

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
    *, folder: str, emails: dict, values: dict | None = None, secret: dict | None = None
) -> None:
    """Register the e-mails ``emails`` ({key: what it is}) with their default wording in the
    template ``folder``; ``values`` ({key: {name: what it is}}) gives a key's values when they
    are not ``CONTEXT_HELP``'s; ``secret`` ({key: [value names]}) the values that are personal
    links (a rater's, an invitation's), which the outbox page does not show."""
    for key, label in emails.items():
        EMAILS[key] = label
        EMAIL_TEMPLATES[key] = f"{folder}/{key.replace('.', '_')}"
        EMAIL_VALUES[key] = (values or {}).get(key, CONTEXT_HELP)
        EMAIL_SECRETS[key] = tuple((secret or {}).get(key, ()))


def email_values_help(key: str = "") -> dict:
    """The values the wording of ``key`` may use (those of every application e-mail without a
    key)."""
    return EMAIL_VALUES.get(key, CONTEXT_HELP)


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

_engine = Engine(autoescape=False)


def coordinators_of(association) -> list[User]:
    return list(role_holders(association=association, role=Role.COORDINATOR))


def template_file(key: str, part: str = "") -> str:
    return f"{EMAIL_TEMPLATES[key]}{'_' + part if part else ''}.txt"


def email_render(*, association, key: str, language: str, context: dict) -> tuple[str, str]:
    """(subject, body) in ``language`` (already active): the association's wording or ours."""
    own = EmailTemplate.objects.filter(association=association, key=key, language=language).first()
    if own is not None:
        try:
            subject = _engine.from_string(own.subject).render(Context(context))
            body = _engine.from_string(own.body).render(Context(context))
        except TemplateSyntaxError:
            logger.exception("E-mail template %s of %s does not render", key, association)
        else:
            return " ".join(subject.split()), body
    subject = render_to_string(template_file(key, "subject"), context)
    body = render_to_string(template_file(key), context)
    return " ".join(subject.split()), body


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


def _masked(*, key: str, body: str, context: dict) -> str:
    """``body`` with the key's personal links replaced, for the outbox page."""
    for name in EMAIL_SECRETS.get(key, ()):
        value = str(context.get(name) or "")
        if value:
            body = body.replace(value, str(_("[personal link, hidden]")))
    return body


def _deliver(
    *,
    association,
    key: str,
    to: str,
    subject: str,
    body: str,
    sender: str,
    language: str,
    context: dict,
    reply_to: str = "",
    recipient=None,
    concerns=None,
) -> None:
    """Write one rendered e-mail to the outbox in the current transaction; it is sent once the
    transaction commits. Replies go to the association's reply-to address when it set one."""
    secrets = EMAIL_SECRETS.get(key, ())
    url = context.get("url") or ("" if "link" in secrets else context.get("link")) or ""
    with translation.override(language):
        shown = _masked(key=key, body=body, context=context)
    message_queue(
        association=association,
        to=to,
        subject=subject,
        text=body,
        sender=sender,
        reply_to=reply_address(association=association, default=reply_to),
        key=key,
        language=language,
        recipient_user=recipient,
        concerns=concerns,
        url=str(url),
        text_shown=shown,
    )


def _known(key: str) -> None:
    if key not in EMAILS:
        raise ValueError(f"Unknown e-mail: {key}")


@contextmanager
def _writing(*, association, language: str):
    """While an e-mail is written: the recipient's language, the association's time zone."""
    with translation.override(language), association_time(association):
        yield


def _written(values: dict) -> dict:
    """``values`` with dates written out in the active language."""
    return {
        name: formats.date_format(value, "DATE_FORMAT")
        if isinstance(value, datetime.date)
        else value
        for name, value in values.items()
    }


def email_on_commit(
    *,
    association,
    key: str,
    to: str,
    language: str,
    context: dict,
    reply_to: str = "",
    concerns=None,
    recipient=None,
) -> None:
    """Write ``key`` to the address ``to`` in ``language`` (the association's wording or ours,
    rendered now, ending with one line break) into the outbox; it is sent once the current
    transaction commits. ``concerns`` is the object it is about, ``recipient`` the account of
    the address, when there is one."""
    _known(key)
    with _writing(association=association, language=language):
        written = _written(context)
        subject, body = email_render(
            association=association, key=key, language=language, context=written
        )
        sender = sender_address(association=association)
    _deliver(
        association=association,
        key=key,
        to=to,
        subject=subject,
        body=body.strip() + "\n",
        sender=sender,
        language=language,
        context=written,
        reply_to=reply_to,
        recipient=recipient,
        concerns=concerns,
    )


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
    association = application.association
    for recipient in User.objects.filter(pk__in=recipient_ids, is_active=True):
        language = recipient.preferred_language or settings.LANGUAGE_CODE
        with _writing(association=association, language=language):
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
                **_written(extra or {}),
            }
            if note_key:
                context["note"] = note_render(note_key, note_values or {})
            subject, body = email_render(
                association=association, key=key, language=language, context=context
            )
            sender = sender_address(association=association)
        _deliver(
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
    _known(key)
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
