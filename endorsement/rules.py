"""The predicates about an application that every app uses (django-rules), defined once here.

The transition methods on ``Application`` name these as their ``permission``; the one writer,
``endorsement.services.application_transition``, checks them for every person who acts.
``by=None`` is the portal itself (scheduled tasks, computed exam results) and is not checked.
``portfolios.rules`` and ``reviews.rules`` combine them with their own.
"""

import rules

from accounts.rules import (
    is_advisor_in,
    is_association_admin_of,
    is_coordinator_of,
    is_exam_grader_in,
)
from endorsement.enums import BUILDING_STATES, CLOSED_STATES


@rules.predicate
def is_applicant(user, application):
    """The person whose application (and portfolio) it is."""
    return user.is_authenticated and application.applicant_id == user.pk


@rules.predicate
def is_application_coordinator(user, application):
    """A coordinator of the application's association."""
    return is_coordinator_of(user, application.association)


@rules.predicate
def is_application_exam_grader(user, application):
    return is_exam_grader_in(user, application.association)


@rules.predicate
def is_application_advisor(user, application):
    """The advisor the coordinator assigned, while they hold the advisor role there."""
    return (
        user.is_authenticated
        and application.advisor_id == user.pk
        and is_advisor_in(user, application.association)
    )


@rules.predicate
def application_is_open(user, application):
    """Not finished (awarded, withdrawn or denied)."""
    return application.state not in CLOSED_STATES


@rules.predicate
def application_is_building(user, application):
    """The portfolio is being built: the applicant may add, change and delete evidence."""
    return application.state in BUILDING_STATES


@rules.predicate
def nobody(user, application):
    """Steps only the portal takes (the inactivity hold)."""
    return False


@rules.predicate
def was_held_while_building(user, application):
    """Put on hold for inactivity while the portfolio was being built (not during review)."""
    return application.state_before_hold in BUILDING_STATES


coordinator_only = is_application_coordinator
applicant_only = is_applicant
applicant_or_coordinator = is_applicant | is_application_coordinator
exam_result = is_application_coordinator | is_application_exam_grader
resume = (is_applicant & was_held_while_building) | is_application_coordinator

rules.add_perm("endorsement.view_application", is_applicant | is_application_coordinator)
rules.add_perm("endorsement.view_private_timeline", is_application_coordinator)
rules.add_perm("endorsement.coordinate_application", is_application_coordinator)


# --- The endorsement after the award (emeritus, the renewal desk) ---


@rules.predicate
def is_holder(user, endorsement):
    """The person the endorsement was awarded to."""
    return user.is_authenticated and endorsement.holder_id == user.pk


@rules.predicate
def is_transfer_holder(user, transfer):
    return user.is_authenticated and transfer.from_endorsement.holder_id == user.pk


@rules.predicate
def is_receiving_coordinator(user, transfer):
    return is_coordinator_of(user, transfer.to_association)


@rules.predicate
def is_sending_coordinator(user, transfer):
    return is_coordinator_of(user, transfer.from_association)


rules.add_perm("endorsement.request_transfer", is_holder)
rules.add_perm(
    "endorsement.view_transfer",
    is_transfer_holder | is_receiving_coordinator | is_sending_coordinator,
)
rules.add_perm("endorsement.decide_transfer", is_receiving_coordinator)


@rules.predicate
def is_emeritus_request_coordinator(user, request):
    """A coordinator of the association of the request's endorsement (the one writer lets only
    coordinators retire an endorsement)."""
    return is_coordinator_of(user, request.endorsement.association)


rules.add_perm("endorsement.request_emeritus", is_holder)
rules.add_perm("endorsement.decide_emeritus", is_emeritus_request_coordinator)
# The renewal desk of an association: its coordinators and admins read it (and its CSV); its
# coordinators act on it (reminders, audits).
rules.add_perm("endorsement.view_renewal_desk", is_coordinator_of | is_association_admin_of)
rules.add_perm("endorsement.act_on_renewal_desk", is_coordinator_of)


# --- Add-on designations (``endorsement.models.EndorsementAddOn``) ---

is_endorsement_holder = is_holder


@rules.predicate
def is_endorsement_coordinator(user, endorsement):
    return is_coordinator_of(user, endorsement.association)


@rules.predicate
def is_add_on_holder(user, holding):
    """The holder of the endorsement the add-on is on."""
    return user.is_authenticated and holding.endorsement.holder_id == user.pk


@rules.predicate
def is_add_on_coordinator(user, holding):
    """A coordinator of the endorsement's association."""
    return is_coordinator_of(user, holding.endorsement.association)


rules.add_perm("endorsement.apply_add_on", is_endorsement_holder)
rules.add_perm("endorsement.view_add_on", is_add_on_holder | is_add_on_coordinator)
rules.add_perm("endorsement.decide_add_on", is_add_on_coordinator)
