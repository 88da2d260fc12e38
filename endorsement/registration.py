"""The registration step: the coordinator accepts or returns it; the applicant corrects it.

State changes go through ``application_transition``; the applicant is told by e-mail, in their
own language, once the change is committed.
"""

from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from endorsement.models import Application
from endorsement.services import TransitionNotAllowed, application_transition

DECISIONS = ("accept", "return_registration")


@transaction.atomic
def registration_decide(
    *, application: Application, by: User, action: str, note: str = ""
) -> Application:
    """Accept the registration, or return it with a reason; e-mail the applicant on commit."""
    if action not in DECISIONS:
        raise TransitionNotAllowed(_("Unknown step: %(action)s.") % {"action": action})
    note = note.strip()
    if action == "return_registration" and not note:
        raise TransitionNotAllowed(_("Say why the registration is returned."))
    application = application_transition(
        application=application, action=action, by=by, note=note, notify=False
    )
    transaction.on_commit(
        partial(
            registration_decision_email, application_id=application.pk, action=action, note=note
        )
    )
    return application


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
    """The applicant corrects a returned registration and sends it again."""
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


def registration_decision_email(*, application_id: int, action: str, note: str = "") -> None:
    """Tell the applicant their registration was accepted, or returned with the reason."""
    application = Application.objects.select_related("applicant", "association", "category").get(
        pk=application_id
    )
    applicant = application.applicant
    with translation.override(applicant.preferred_language or settings.LANGUAGE_CODE):
        category = f"{application.category.name} ({application.category.code})"
        context = {
            "applicant": applicant,
            "association": application.association,
            "category": category,
            "note": note,
        }
        if action == "accept":
            subject = _("Your registration for %(category)s is accepted") % {"category": category}
            context["url"] = settings.SITE_URL + reverse("accounts:dashboard.applicant")
            template = "endorsement/emails/registration_accepted.txt"
        else:
            subject = _("Your registration for %(category)s was returned to you") % {
                "category": category
            }
            context["url"] = settings.SITE_URL + reverse(
                "portfolios:registration.edit", kwargs={"application_id": application.pk}
            )
            template = "endorsement/emails/registration_returned.txt"
        body = render_to_string(template, context)
    send_mail(subject, body, None, [applicant.email])
