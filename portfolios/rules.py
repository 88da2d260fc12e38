"""Who may see and change a portfolio (an Application and its evidence).

The applicant, the coordinators of its association and its advisor read it; later apps add
readers (``reviews`` adds the assigned reviewers) with ``portfolio_readers.append`` when they load,
so this app never imports them.
"""

import rules

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
