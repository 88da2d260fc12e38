"""Every change of an application's state goes through ``application_transition``."""

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import Association
from competencies.models import EndorsementCategory
from endorsement.enums import ApplicationState
from endorsement.models import Application, ApplicationEvent


class TransitionNotAllowed(Exception):
    """Raised with a message a person can read."""


@transaction.atomic
def application_register(*, applicant, category: EndorsementCategory) -> Application:
    association: Association = category.framework.association
    application = Application.objects.create(
        association=association, applicant=applicant, category=category
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
    *, application: Application, action: str, by, note: str = "", public: bool = True
) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    method = getattr(application, action, None)
    if method is None or not hasattr(method, "_django_fsm"):
        raise TransitionNotAllowed(f"Unknown action: {action}")
    if not can_proceed(method):
        raise TransitionNotAllowed(
            f"This application is {application.get_state_display().lower()}; "
            f"that step is not possible now."
        )
    from_state = application.state
    method()
    now = timezone.now()
    application.state_changed = now
    update_fields = ["state", "state_changed"]
    if application.state == ApplicationState.SUBMITTED:
        application.submitted_at = now
        update_fields.append("submitted_at")
        framework = application.category.framework
        if framework.locked_at is None:
            framework.locked_at = now
            framework.save(update_fields=["locked_at"])
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
