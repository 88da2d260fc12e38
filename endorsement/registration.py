"""The registration step: the coordinator accepts or returns it; the applicant corrects it.

State changes go through ``application_transition``, which e-mails the people concerned once
the change is committed (``endorsement.emails.TRANSITION_EMAILS``): the applicant hears of the
decision, with the reason for a return; the coordinators hear that a corrected registration
came back.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from endorsement.models import Application
from endorsement.services import TransitionNotAllowed, application_transition

DECISIONS = ("accept", "return_registration")


@transaction.atomic
def registration_decide(
    *, application: Application, by: User, action: str, note: str = ""
) -> Application:
    """Accept the registration, or return it with a reason; the applicant is e-mailed on commit."""
    if action not in DECISIONS:
        raise TransitionNotAllowed(_("Unknown step: %(action)s.") % {"action": action})
    note = note.strip()
    if action == "return_registration" and not note:
        raise TransitionNotAllowed(_("Say why the registration is returned."))
    return application_transition(application=application, action=action, by=by, note=note)


@transaction.atomic
def registration_resubmit(
    *,
    application: Application,
    by: User,
    education: str,
    work_years: Decimal | None,
    rsc_hours: Decimal | None,
    note: str = "",
) -> Application:
    """The applicant corrects a returned registration and sends it again; the coordinators are
    e-mailed on commit."""
    application = application_transition(
        application=application, action="resubmit_registration", by=by
    )
    application.registration_education = education
    application.registration_work_years = work_years
    application.registration_rsc_hours = rsc_hours
    application.registration_note = note
    application.save(
        update_fields=[
            "registration_education",
            "registration_work_years",
            "registration_rsc_hours",
            "registration_note",
        ]
    )
    return application
