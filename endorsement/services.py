"""Every change of an application's state goes through ``application_transition``."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import Association, User
from competencies.models import EndorsementCategory, Framework
from endorsement.enums import ApplicationState
from endorsement.models import Application, ApplicationEvent


class TransitionNotAllowed(Exception):
    """Raised with a message a person can read."""


# An application in one of these states is finished: the person may register again.
CLOSED_STATES = {ApplicationState.WITHDRAWN, ApplicationState.DENIED, ApplicationState.AWARDED}


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
    ApplicationEvent.objects.create(
        application=application,
        actor=applicant,
        from_state="",
        to_state=ApplicationState.REGISTERED,
    )
    return application


@transaction.atomic
def application_transition(
    *,
    application: Application,
    action: str,
    by: User | None,
    note: str = "",
    public: bool = True,
) -> Application:
    """Apply the transition ``action`` (a transition method's name) and log it.

    Returns the application as saved; the instance passed in is not changed. Raises
    ``TransitionNotAllowed`` and writes nothing when the step is not possible from the
    current state.
    """
    application = Application.objects.select_for_update().get(pk=application.pk)
    method = getattr(application, action, None)
    if method is None or not hasattr(method, "_django_fsm"):
        raise TransitionNotAllowed(_("Unknown step: %(action)s.") % {"action": action})
    if not can_proceed(method):
        raise TransitionNotAllowed(
            _("This step is not possible while the application is “%(state)s”.")
            % {"state": application.get_state_display()}
        )
    from_state = application.state
    method()
    now = timezone.now()
    application.state_changed = now
    update_fields = ["state", "state_changed"]
    if application.state == ApplicationState.SUBMITTED:
        application.submitted_at = now
        update_fields.append("submitted_at")
        # The first submission locks the framework version; later ones keep that time.
        Framework.objects.filter(
            pk=application.category.framework_id, locked_at__isnull=True
        ).update(locked_at=now)
    application.save(update_fields=update_fields)
    ApplicationEvent.objects.create(
        application=application,
        actor=by,
        from_state=from_state,
        to_state=application.state,
        note=note,
        note_is_public=public,
    )
    return application
