"""Applications that continue an endorsement: a reinstatement, and (its start is in
``portfolios.continuations``, which copies the evidence) another category for a holder.

A **reinstatement** is an ``Application`` with ``purpose=REINSTATEMENT`` whose
``prior_endorsement`` is the lapsed endorsement, in the same category and association. It
starts straight in the portfolio (no registration to accept) and asks only for new work
experience and three new reference ratings (``portfolios.requirements``), and the reinstatement
fee (``billing.conditions``). Its own short workflow goes through the one writer of
applications: the holder submits (``submit``), the coordinator approves (``reinstate``, only
from "submitted", no review), and ``reinstatement_approve`` takes the endorsement's own step
through the one writer of endorsements in the same transaction: the same number is active again,
valid through 31 December of this year (of the next from 1 October: ``endorsement_valid_through``).
The holder is told by e-mail (``reinstatement_approved``), with a link to their dashboard, where
the endorsement and its certificate are.

Chosen over a separate model: the evidence (work experience, references and the rater's token
link and form) hangs off an application, so every portfolio page, permission and the rater flow
serve a reinstatement unchanged.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from endorsement import conditions
from endorsement.awards import endorsement_valid_through
from endorsement.emails import CONTEXT_HELP, application_email_on_commit, register_emails
from endorsement.enums import ApplicationPurpose, ApplicationState, EndorsementStatus
from endorsement.lifecycle import endorsement_transition
from endorsement.models import Application, Endorsement
from endorsement.notes import note_in_site_language, note_values_json
from endorsement.services import (
    TransitionNotAllowed,
    _step_record,
    application_open_in,
    application_transition,
)

E = EndorsementStatus

register_emails(
    folder="endorsement/emails",
    emails={
        "reinstatement_approved": gettext_lazy(
            "Reinstatement approved: the endorsement is active again (to the holder)"
        ),
    },
    values={
        "reinstatement_approved": {
            **CONTEXT_HELP,
            "number": gettext_lazy("the endorsement number"),
            "valid_through": gettext_lazy("the date the endorsement is now valid through"),
            "url": gettext_lazy("the holder's dashboard, with the endorsement and its certificate"),
        }
    },
)


def reinstatement_refusal(endorsement: Endorsement) -> str:
    """Why ``endorsement`` cannot be reinstated, or "" when it can (it is lapsed)."""
    if endorsement.status == E.LAPSED:
        return ""
    if endorsement.status == E.REVOKED:
        return _(
            "Endorsement %(number)s was revoked: a revoked endorsement cannot be reinstated."
        ) % {"number": endorsement.number}
    return _(
        "Endorsement %(number)s is %(status)s: only a lapsed endorsement can be reinstated."
    ) % {"number": endorsement.number, "status": E(endorsement.status).label.lower()}


def open_application_refusal(*, applicant: User, association) -> str:
    current = application_open_in(applicant=applicant, association=association)
    if current is None:
        return ""
    return _(
        "You already have an application with %(association)s (%(category)s, “%(state)s”). "
        "You can start another one when it is finished."
    ) % {
        "association": association.name,
        "category": current.category.code,
        "state": current.state_for_applicant,
    }


@transaction.atomic
def reinstatement_start(*, endorsement: Endorsement, by: User) -> Application:
    """The holder of a lapsed endorsement starts its reinstatement: an application in the
    same category and association, straight into the portfolio. The reinstatement fee falls due
    now (``billing`` issues the invoice in this transaction). Refused with a sentence for an
    endorsement that is not lapsed (revoked, active...), for anyone but its holder, and while
    the holder has another open application with the association."""
    endorsement = (
        Endorsement.objects.select_for_update(of=("self",))
        .select_related("association", "category")
        .get(pk=endorsement.pk)
    )
    if by is None or endorsement.holder_id != by.pk:
        raise TransitionNotAllowed(_("Only the holder may ask for the reinstatement."))
    refusal = reinstatement_refusal(endorsement)
    if refusal:
        raise TransitionNotAllowed(refusal, reasons=("endorsement",))
    User.objects.select_for_update().filter(pk=by.pk).first()
    refusal = open_application_refusal(applicant=by, association=endorsement.association)
    if refusal:
        raise TransitionNotAllowed(refusal, reasons=("open_application",))
    application = Application.objects.create(
        association=endorsement.association,
        applicant=by,
        category=endorsement.category,
        state=ApplicationState.ACCEPTED,
        purpose=ApplicationPurpose.REINSTATEMENT,
        prior_endorsement=endorsement,
    )
    values = note_values_json({"number": endorsement.number})
    _step_record(
        application=application,
        action="start_reinstatement",
        by=by,
        from_state="",
        note=note_in_site_language("reinstatement_start", values),
        note_key="reinstatement_start",
        note_values=values,
    )
    return application


@conditions.register("reinstate")
def prior_endorsement_lapsed(application, **facts) -> str:
    """The endorsement to reinstate is still lapsed (not revoked meanwhile)."""
    if application.prior_endorsement_id is None:
        return _("This application names no endorsement to reinstate.")
    return reinstatement_refusal(application.prior_endorsement)


@transaction.atomic
def reinstatement_approve(*, application: Application, by: User) -> Endorsement:
    """The coordinator approves a submitted reinstatement: the application is closed as
    awarded ("reinstate") and its lapsed endorsement is active again under the same number,
    valid through the new date, both logged. Refused (``TransitionNotAllowed``, nothing
    written) unless ``by`` coordinates the association, the application is a submitted
    reinstatement, the endorsement is still lapsed and the fee is paid or waived."""
    if by is None:
        raise TransitionNotAllowed(_("You may not take this step on this application."))
    application = Application.objects.select_related("association", "prior_endorsement").get(
        pk=application.pk
    )
    endorsement = application.prior_endorsement
    valid_through = endorsement_valid_through(application.association.today())
    application = application_transition(
        application=application,
        action="reinstate",
        by=by,
        note_key="application_reinstate",
        note_values={
            "number": endorsement.number if endorsement else "",
            "date": valid_through,
        },
    )
    endorsement = endorsement_transition(
        endorsement=endorsement,
        action="reinstate",
        by=by,
        valid_through=valid_through,
        note_key="endorsement_reinstate",
        note_values={"date": valid_through},
    )
    application_email_on_commit(
        application=application,
        key="reinstatement_approved",
        recipients=[application.applicant],
        extra={
            "number": endorsement.number,
            "valid_through": valid_through,
            "url": settings.SITE_URL.rstrip("/") + reverse("accounts:dashboard.applicant"),
        },
    )
    return endorsement
