"""Who may see and change a portfolio (an Application and its evidence)."""

import rules

from accounts.rules import is_advisor_in, is_coordinator_of, is_reviewer_in
from endorsement.enums import ApplicationState

# States in which the applicant may add, change and delete evidence.
EDITABLE_STATES = {
    ApplicationState.REGISTERED,
    ApplicationState.RETURNED,
    ApplicationState.ACCEPTED,
    ApplicationState.DEFERRED,
}


@rules.predicate
def is_portfolio_owner(user, application):
    return user.is_authenticated and application.applicant_id == user.pk


@rules.predicate
def is_coordinator_of_application(user, application):
    return is_coordinator_of(user, application.association)


@rules.predicate
def portfolio_is_editable(user, application):
    return application.state in EDITABLE_STATES


@rules.predicate
def is_advisor_of_application(user, application):
    """The advisor the coordinator assigned, while they hold the advisor role there."""
    return (
        user.is_authenticated
        and application.advisor_id == user.pk
        and is_advisor_in(user, application.association)
    )


@rules.predicate
def is_assigned_reviewer(user, application):
    """A reviewer assigned to this portfolio (any round), while they hold the role there."""
    return (
        user.is_authenticated
        and is_reviewer_in(user, application.association)
        and application.review_assignments.filter(reviewer=user).exists()
    )


can_view_portfolio = (
    is_portfolio_owner
    | is_coordinator_of_application
    | is_advisor_of_application
    | is_assigned_reviewer
)
can_edit_portfolio = is_portfolio_owner & portfolio_is_editable

rules.add_perm("portfolios.view_portfolio", can_view_portfolio)
rules.add_perm("portfolios.edit_portfolio", can_edit_portfolio)
# Coordinator-only marks on evidence, e.g. "official transcript received".
rules.add_perm("portfolios.verify_evidence", is_coordinator_of_application)
