"""Who may act on an endorsement (django-rules), from the predicates of ``accounts.rules``."""

import rules

from accounts.rules import is_coordinator_of
from endorsement.enums import EndorsementStatus


@rules.predicate
def is_endorsement_coordinator(user, endorsement):
    """A coordinator of the endorsement's association."""
    return is_coordinator_of(user, endorsement.association)


@rules.predicate
def endorsement_is_revoked(user, endorsement):
    return endorsement.status == EndorsementStatus.REVOKED


# The revocation page (a revoked endorsement stays revoked: the page then says so).
rules.add_perm("credentials.revoke_endorsement", is_endorsement_coordinator)
