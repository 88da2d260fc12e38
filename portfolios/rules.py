"""Who may see and change a portfolio (an Application and its evidence).

The applicant, the coordinators of its association and its advisor read it; later apps add
readers (``reviews`` adds the assigned reviewers) with ``portfolio_readers.append`` when they load,
so this app never imports them.
"""

import rules

from accounts.rules import is_coordinator_of
from endorsement.rules import (
    application_is_building,
    is_applicant,
    is_application_advisor,
    is_application_coordinator,
)

# Predicates (user, application) of people other apps let read the portfolio.
portfolio_readers: list = []


@rules.predicate
def is_registered_reader(user, application):
    return any(predicate(user, application) for predicate in portfolio_readers)


can_view_portfolio = (
    is_applicant | is_application_coordinator | is_application_advisor | is_registered_reader
)
can_edit_portfolio = is_applicant & application_is_building

rules.add_perm("portfolios.view_portfolio", can_view_portfolio)
rules.add_perm("portfolios.edit_portfolio", can_edit_portfolio)
# Coordinator-only marks on evidence, e.g. "official transcript received".
rules.add_perm("portfolios.verify_evidence", is_application_coordinator)


# A year's renewal of an endorsement (``portfolios.renewals``): its holder prepares and submits
# it; the coordinators of the endorsement's association read it and decide.
@rules.predicate
def is_endorsement_holder(user, endorsement):
    return user.is_authenticated and endorsement.holder_id == user.pk


@rules.predicate
def is_endorsement_coordinator(user, endorsement):
    return is_coordinator_of(user, endorsement.association)


rules.add_perm("portfolios.renew_endorsement", is_endorsement_holder)
rules.add_perm("portfolios.view_renewal", is_endorsement_holder | is_endorsement_coordinator)
rules.add_perm("portfolios.decide_renewal", is_endorsement_coordinator)
