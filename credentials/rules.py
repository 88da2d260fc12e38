"""Who may act on an endorsement (django-rules), from the predicates of ``accounts.rules``."""

import rules

from accounts.rules import is_coordinator_of


@rules.predicate
def is_endorsement_coordinator(user, endorsement):
    """A coordinator of the endorsement's association."""
    return is_coordinator_of(user, endorsement.association)


# The revocation page (revoking a revoked endorsement changes nothing: the page says so).
rules.add_perm("credentials.revoke_endorsement", is_endorsement_coordinator)
