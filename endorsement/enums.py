from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApplicationState(models.TextChoices):
    """The labels are the staff's short names; applicants read ``applicant_state_label``."""

    REGISTERED = "registered", _("Registered")
    RETURNED = "returned", _("Registration returned")
    ACCEPTED = "accepted", _("Building the portfolio")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    DEFERRED = "deferred", _("Amending after review")
    ON_HOLD = "on_hold", _("On hold")
    APPROVED = "approved", _("Approved")
    EXAM = "exam", _("Registered for the exam")
    EXAM_PASSED = "exam_passed", _("Exam passed")
    EXAM_FAILED = "exam_failed", _("Exam failed")
    AWARDED = "awarded", _("Awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DENIED = "denied", _("Denied")


S = ApplicationState
# An application in one of these states is finished: nothing more happens to it.
CLOSED_STATES = [S.AWARDED, S.WITHDRAWN, S.DENIED]
# States the applicant may withdraw from: every state before the award that is not closed.
OPEN_STATES = [state for state in S.values if state not in CLOSED_STATES]
# Building the portfolio: the applicant may change the evidence; 12 months without activity in
# these puts the application on hold.
BUILDING_STATES = [S.REGISTERED, S.RETURNED, S.ACCEPTED, S.DEFERRED]


# What the applicant reads about their own application: a plain sentence about them.
APPLICANT_STATE_LABELS = {
    S.REGISTERED: _("Waiting for the coordinator to accept your registration"),
    S.RETURNED: _("Your registration was returned: correct it and send it again"),
    S.ACCEPTED: _("Building your portfolio"),
    S.SUBMITTED: _("Portfolio submitted, waiting for the review"),
    S.IN_REVIEW: _("Your portfolio is being reviewed"),
    S.DEFERRED: _("Amend and resubmit your portfolio"),
    S.ON_HOLD: _("Your application is on hold"),
    S.APPROVED: _("Your portfolio is approved"),
    S.EXAM: _("Registered for the exam"),
    S.EXAM_PASSED: _("You passed the exam"),
    S.EXAM_FAILED: _("You did not pass the exam"),
    S.AWARDED: _("Your endorsement is awarded"),
    S.WITHDRAWN: _("You withdrew your application"),
    S.DENIED: _("Your application was declined"),
}

# What the applicant reads for a step on their timeline, by the state it led to.
APPLICANT_STEP_LABELS = {
    S.REGISTERED: _("You registered"),
    S.RETURNED: _("The coordinator returned your registration"),
    S.ACCEPTED: _("The coordinator accepted your registration"),
    S.SUBMITTED: _("You submitted your portfolio"),
    S.IN_REVIEW: _("The review of your portfolio started"),
    S.DEFERRED: _("You were asked to amend and resubmit your portfolio"),
    S.ON_HOLD: _("Your application was put on hold"),
    S.APPROVED: _("Your portfolio was approved"),
    S.EXAM: _("You registered for the exam"),
    S.EXAM_PASSED: _("You passed the exam"),
    S.EXAM_FAILED: _("You did not pass the exam"),
    S.AWARDED: _("You were awarded the endorsement"),
    S.WITHDRAWN: _("You withdrew your application"),
    S.DENIED: _("Your application was declined"),
}


def applicant_state_label(state: str) -> str:
    """The state as the applicant reads it (the staff's label for an unknown value)."""
    label = APPLICANT_STATE_LABELS.get(state)
    return str(label) if label is not None else str(S(state).label)


def applicant_step_label(*, from_state: str, to_state: str) -> str:
    """A timeline step as the applicant reads it."""
    if from_state == to_state == S.AWARDED:
        # A change of the endorsement's standing (a revocation): the note says which.
        return str(_("The standing of your endorsement changed"))
    if not from_state and to_state == S.ACCEPTED:
        # Started straight into the portfolio (a reinstatement): no registration to accept.
        return str(_("You started the application"))
    if from_state == S.ON_HOLD and to_state not in (S.WITHDRAWN, S.DENIED):
        return str(_("You resumed your application"))
    if from_state == S.RETURNED and to_state == S.REGISTERED:
        return str(_("You sent your registration again"))
    if from_state == S.DEFERRED and to_state == S.SUBMITTED:
        return str(_("You resubmitted your portfolio"))
    return str(APPLICANT_STEP_LABELS[to_state])


class EndorsementStatus(models.TextChoices):
    """An awarded endorsement's standing, as the public verification page states it."""

    ACTIVE = "active", pgettext_lazy("endorsement status", "Active")
    RENEWAL_DUE = "renewal_due", pgettext_lazy("endorsement status", "Renewal due")
    LAPSED = "lapsed", pgettext_lazy("endorsement status", "Lapsed")
    REVOKED = "revoked", pgettext_lazy("endorsement status", "Revoked")
    EMERITUS = "emeritus", pgettext_lazy("endorsement status", "Emeritus")
    SUPERSEDED = "superseded", pgettext_lazy("endorsement status", "Superseded")
    TRANSFERRED = "transferred", pgettext_lazy("endorsement status", "Transferred")


# Standing that an employer may rely on: the holder is listed in the registry.
CURRENT_ENDORSEMENT_STATUSES = [
    EndorsementStatus.ACTIVE,
    EndorsementStatus.RENEWAL_DUE,
    EndorsementStatus.EMERITUS,
]


class RenewalState(models.TextChoices):
    """A year's renewal of an endorsement (``endorsement.models.Renewal``)."""

    DRAFT = "draft", pgettext_lazy("renewal state", "Being prepared")
    SUBMITTED = "submitted", pgettext_lazy("renewal state", "Waiting for approval")
    RETURNED = "returned", pgettext_lazy("renewal state", "Returned for changes")
    APPROVED = "approved", pgettext_lazy("renewal state", "Approved")


class ApplicationPurpose(models.TextChoices):
    """Why an application was started: a first endorsement in the category, the reinstatement
    of a lapsed endorsement (new work experience, new references and the fee; the same number
    continues), or another category for a holder (the evidence already accepted is carried
    over; on award the new endorsement supersedes the old one)."""

    NEW = "new", pgettext_lazy("application purpose", "New endorsement")
    REINSTATEMENT = "reinstatement", pgettext_lazy("application purpose", "Reinstatement")
    ADDED_CATEGORY = "added_category", pgettext_lazy("application purpose", "Added category")


class TransferState(models.TextChoices):
    """A holder's request to move an endorsement to another association
    (``endorsement.models.EndorsementTransfer``)."""

    REQUESTED = (
        "requested",
        pgettext_lazy("transfer state", "Waiting for the receiving association"),
    )
    ACCEPTED = "accepted", pgettext_lazy("transfer state", "Accepted")
    REFUSED = "refused", pgettext_lazy("transfer state", "Refused")


class EmeritusState(models.TextChoices):
    """A holder's request for emeritus status (``endorsement.models.EmeritusRequest``)."""

    PENDING = "pending", pgettext_lazy("emeritus request", "Waiting for the coordinator")
    APPROVED = "approved", pgettext_lazy("emeritus request", "Approved")
    REFUSED = "refused", pgettext_lazy("emeritus request", "Refused")


class AddOnState(models.TextChoices):
    """A holder's add-on designation (``endorsement.models.EndorsementAddOn``)."""

    APPLIED = "applied", pgettext_lazy("add-on state", "Waiting for the coordinator")
    APPROVED = "approved", pgettext_lazy("add-on state", "Approved")
    REFUSED = "refused", pgettext_lazy("add-on state", "Refused")
    LAPSED = "lapsed", pgettext_lazy("add-on state", "Lapsed with the endorsement")
    ENDED = "ended", pgettext_lazy("add-on state", "Ended with the endorsement")


# An add-on in one of these states is live: the holder may not apply for it again.
LIVE_ADD_ON_STATES = [AddOnState.APPLIED, AddOnState.APPROVED, AddOnState.LAPSED]
