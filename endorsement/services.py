"""Every change of an application's state goes through ``application_transition``."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import Association, User
from accounts.signed_in_pages import signed_in_pages_forget
from audit.services import audit_record
from competencies.models import EndorsementCategory, Framework
from endorsement.conditions import condition_refusals
from endorsement.emails import transition_email_on_commit
from endorsement.enums import CLOSED_STATES, ApplicationPurpose, ApplicationState
from endorsement.models import Application, ApplicationEvent
from endorsement.notes import NOTES, note_in_site_language, note_values_json


class TransitionNotAllowed(Exception):
    """Raised with a message a person can read; ``reasons`` name what refused the step
    ("state", "permission", "note" or a condition's name), for pages that explain one of them
    in their own way."""

    def __init__(self, message: str = "", *, reasons: tuple[str, ...] = ()):
        super().__init__(message)
        self.reasons = reasons


# What later apps do within a step's transaction (e.g. ``billing`` issues the fee that falls
# due): ``fn(application=…, action=…, by=…)`` registered per action in their
# ``AppConfig.ready`` with ``register_after_step``; "register" is the registration itself.
AFTER_STEP: dict[str, list] = {}


def register_after_step(*actions: str):
    def decorate(function):
        for action in actions:
            functions = AFTER_STEP.setdefault(action, [])
            if function not in functions:
                functions.append(function)
        return function

    return decorate


# Steps whose note is the reason the applicant is given: it may not be empty.
NOTE_REQUIRED = {"return_registration", "defer", "deny"}


def application_open_in(*, applicant: User, association: Association) -> Application | None:
    """The person's application in the association that is not finished, if any."""
    return (
        Application.objects.filter(applicant=applicant, association=association)
        .exclude(state__in=CLOSED_STATES)
        .select_related("category")
        .first()
    )


@transaction.atomic
def application_register(
    *,
    applicant: User,
    category: EndorsementCategory,
    education: str = "",
    work_years: Decimal | None = None,
    rsc_hours: Decimal | None = None,
    note: str = "",
    purpose: str = ApplicationPurpose.NEW,
    prior_endorsement=None,
) -> Application:
    """Register for a category with the brief details; one open application per association.
    ``purpose`` and ``prior_endorsement``: a holder's application for another category
    (``portfolios.continuations``)."""
    association: Association = category.framework.association
    # Serialise registrations of one person, so two at once cannot both pass the check.
    User.objects.select_for_update().filter(pk=applicant.pk).first()
    current = application_open_in(applicant=applicant, association=association)
    if current is not None:
        raise TransitionNotAllowed(
            _(
                "You already have an application with %(association)s (%(category)s, "
                "“%(state)s”). You can start another one when it is finished."
            )
            % {
                "association": association.name,
                "category": current.category.code,
                "state": current.state_for_applicant,
            }
        )
    application = Application.objects.create(
        association=association,
        applicant=applicant,
        category=category,
        registration_education=education,
        registration_work_years=work_years,
        registration_rsc_hours=rsc_hours,
        registration_note=note,
        purpose=purpose,
        prior_endorsement=prior_endorsement,
    )
    _step_record(application=application, action="register", by=applicant, from_state="")
    return application


def transition_refusals(
    *, application: Application, action: str, by: User | None, facts: dict | None = None
) -> list[tuple[str, str]]:
    """Why ``by`` may not take the step ``action`` now: ``(reason, sentence)`` pairs, empty
    when they may. ``reason`` is "state", "permission" or the name of the condition not met
    (the transition's own conditions, then those other apps registered in
    ``endorsement.conditions``, asked with ``facts``)."""
    method = getattr(application, action, None)
    if method is None or not hasattr(method, "_django_fsm"):
        return [("state", _("Unknown step: %(action)s.") % {"action": action})]
    if not can_proceed(method, check_conditions=False):
        sentence = _("This step is not possible while the application is “%(state)s”.") % {
            "state": application.get_state_display()
        }
        return [("state", sentence)]
    meta = method._django_fsm
    transition = meta.get_transition(application.state)
    # django-fsm's has_transition_perm also asks the conditions: ask the permission alone, so
    # the person hears the condition that is not met rather than "you may not".
    if by is not None and not meta.has_transition_perm(application, application.state, by):
        return [("permission", _("You may not take this step on this application."))]
    refusals = [
        (
            condition.__name__,
            str(getattr(condition, "message", "")) or _("This step is not possible yet."),
        )
        for condition in transition.conditions
        if not condition(application)
    ]
    if refusals:
        return refusals
    return condition_refusals(application=application, action=action, facts=facts)


def transition_refusal(
    *, application: Application, action: str, by: User | None, facts: dict | None = None
) -> str:
    """Why ``by`` may not take the step ``action`` now, in sentences, or "" when they may."""
    refusals = transition_refusals(application=application, action=action, by=by, facts=facts)
    return " ".join(sentence for _reason, sentence in refusals)


def transition_allowed(
    *, application: Application, action: str, by: User | None, facts: dict | None = None
) -> bool:
    return not transition_refusals(application=application, action=action, by=by, facts=facts)


@transaction.atomic
def application_transition(
    *,
    application: Application,
    action: str,
    by: User | None,
    note: str = "",
    public: bool = True,
    note_key: str = "",
    note_values: dict | None = None,
    facts: dict | None = None,
    email_values: dict | None = None,
) -> Application:
    """Apply the transition ``action`` (a transition method's name), log it and e-mail it.

    ``by`` is the person taking the step; they must be allowed to (the transition's
    ``permission``); ``None`` is the portal itself (scheduled tasks, computed exam results).
    The step's conditions must hold: the transition's own and those other apps registered in
    ``endorsement.conditions`` (asked with ``facts``, e.g. the exam sitting of a retake).
    Returns the application as saved; the instance passed in is not changed. Raises
    ``TransitionNotAllowed`` with a sentence for the person and writes nothing when the step is
    not possible. Once committed, the people concerned are e-mailed (``TRANSITION_EMAILS``);
    ``email_values`` adds plain values those e-mails use (dates are written in each
    recipient's language).

    A note the portal generates is ``note_key`` (a key of ``endorsement.notes.NOTES``) with
    ``note_values``: each reader sees it in their language; ``note`` is then its text in the
    site's language (what is passed as ``note`` is not used).
    """
    if note_key:
        if note_key not in NOTES:
            raise ValueError(f"Unknown note: {note_key}")
        note_values = note_values_json(note_values or {})
        note = note_in_site_language(note_key, note_values)
    else:
        note_values = {}
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("association", "category", "applicant")
        .get(pk=application.pk)
    )
    note = note.strip()
    refusals = transition_refusals(application=application, action=action, by=by, facts=facts)
    if refusals:
        raise TransitionNotAllowed(
            " ".join(sentence for _reason, sentence in refusals),
            reasons=tuple(reason for reason, _sentence in refusals),
        )
    if action in NOTE_REQUIRED and not note:
        raise TransitionNotAllowed(
            _("Give the reasons: the applicant reads them."), reasons=("note",)
        )
    method = getattr(application, action)
    from_state = application.state
    method()
    now = timezone.now()
    application.state_changed = now
    application.last_activity = now
    update_fields = ["state", "state_changed", "last_activity", "state_before_hold"]
    if application.state == ApplicationState.SUBMITTED:
        application.submitted_at = now
        update_fields.append("submitted_at")
        # The first submission locks the framework version; later ones keep that time.
        Framework.objects.filter(
            pk=application.category.framework_id, locked_at__isnull=True
        ).update(locked_at=now)
    application.save(update_fields=update_fields)
    _step_record(
        application=application,
        action=action,
        by=by,
        from_state=from_state,
        note=note,
        public=public,
        note_key=note_key,
        note_values=note_values,
        email_values=email_values,
    )
    return application


def _step_record(
    *,
    application: Application,
    action: str,
    by: User | None,
    from_state: str,
    note: str = "",
    public: bool = True,
    note_key: str = "",
    note_values: dict | None = None,
    email_values: dict | None = None,
) -> ApplicationEvent:
    """The one place a step is written to the timeline and its e-mails are queued."""
    event = ApplicationEvent.objects.create(
        application=application,
        actor=by,
        from_state=from_state,
        to_state=application.state,
        note=note,
        note_is_public=public,
        note_key=note_key,
        note_values=note_values or {},
    )
    audit_record(
        action=f"application.{action}",
        actor=by,
        target=application,
        object_label=application_label(application),
        association_id=application.association_id,
        details={"from": from_state, "to": application.state},
    )
    transition_email_on_commit(action=action, event=event, values=email_values)
    for function in AFTER_STEP.get(action, []):
        function(application=application, action=action, by=by)
    return event


def application_label(application: Application) -> str:
    """The applicant and the category, from what is already loaded (no query): the audit
    log's name for the application."""
    applicant = (
        application.applicant.email
        if Application.applicant.is_cached(application)
        else f"user {application.applicant_id}"
    )
    category = (
        application.category.code
        if Application.category.is_cached(application)
        else f"category {application.category_id}"
    )
    return f"{applicant} – {category} (#{application.pk})"


def application_touch(*, application: Application) -> None:
    """Record activity on the application (evidence saved, a comment): no inactivity hold."""
    Application.objects.filter(pk=application.pk).update(last_activity=timezone.now())
    signed_in_pages_forget()  # no signal for update()
