"""Who may do what with the credentials (django-rules): the holder changes their own registry
listing; the association's coordinators export its registry."""

import rules

from accounts.rules import is_coordinator_of


@rules.predicate
def is_endorsement_holder(user, endorsement):
    """The person the endorsement was awarded to."""
    return user.is_authenticated and endorsement.holder_id == user.pk


rules.add_perm("credentials.change_registry_listing", is_endorsement_holder)
rules.add_perm("credentials.export_registry", is_coordinator_of)
