"""Every change of an application's state goes through ``application_transition``."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import Association, User
from competencies.models import EndorsementCategory, Framework
from endorsement.emails import transition_email_on_commit
from endorsement.enums import CLOSED_STATES, ApplicationState
from endorsement.models import Application, ApplicationEvent
from endorsement.notes import NOTES, note_in_site_language, note_values_json


class TransitionNotAllowed(Exception):
    """Raised with a message a person can read."""


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
) -> Application:
    """Register for a category with the brief details; one open application per association."""
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
                "state": current.get_state_display(),
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
    )
    event = ApplicationEvent.objects.create(
        application=application,
        actor=applicant,
        from_state="",
        to_state=ApplicationState.REGISTERED,
    )
    transition_email_on_commit(action="register", event=event)
    return application


def transition_refusal(*, application: Application, action: str, by: User | None) -> str:
    """Why ``by`` may not take the step ``action`` now, or "" when they may."""
    method = getattr(application, action, None)
    if method is None or not hasattr(method, "_django_fsm"):
        return _("Unknown step: %(action)s.") % {"action": action}
    if not can_proceed(method, check_conditions=False):
        return _("This step is not possible while the application is “%(state)s”.") % {
            "state": application.get_state_display()
        }
    meta = method._django_fsm
    transition = meta.get_transition(application.state)
    # django-fsm's has_transition_perm also asks the conditions: ask the permission alone, so
    # the person hears the condition that is not met rather than "you may not".
    if by is not None and not meta.has_transition_perm(application, application.state, by):
        return _("You may not take this step on this application.")
    for condition in transition.conditions:
        if not condition(application):
            return str(getattr(condition, "message", "")) or _("This step is not possible yet.")
    return ""


def transition_allowed(*, application: Application, action: str, by: User | None) -> bool:
    return not transition_refusal(application=application, action=action, by=by)


@transaction.atomic
def application_transition(
    *,
    application: Application,
    action: str,
    by: User | None,
    note: str = "",
    public: bool = True,
    notify: bool = True,
    note_key: str = "",
    note_values: dict | None = None,
) -> Application:
    """Apply the transition ``action`` (a transition method's name) and log it.

    ``by`` is the person taking the step; they must be allowed to (the transition's
    ``permission``); ``None`` is the portal itself (scheduled tasks, computed results).
    Returns the application as saved; the instance passed in is not changed. Raises
    ``TransitionNotAllowed`` with a sentence for the person and writes nothing when the step is
    not possible. Once committed, the people concerned are e-mailed (``notify``; callers that
    send their own e-mail pass ``False``).

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
        .select_related("association", "category")
        .get(pk=application.pk)
    )
    note = note.strip()
    refusal = transition_refusal(application=application, action=action, by=by)
    if refusal:
        raise TransitionNotAllowed(refusal)
    if action in NOTE_REQUIRED and not note:
        raise TransitionNotAllowed(_("Give the reasons: the applicant reads them."))
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
    event = ApplicationEvent.objects.create(
        application=application,
        actor=by,
        from_state=from_state,
        to_state=application.state,
        note=note,
        note_is_public=public,
        note_key=note_key,
        note_values=note_values,
    )
    if notify:
        transition_email_on_commit(action=action, event=event)
    return application


def application_touch(*, application: Application) -> None:
    """Record activity on the application (evidence saved, a comment): no inactivity hold."""
    Application.objects.filter(pk=application.pk).update(last_activity=timezone.now())
