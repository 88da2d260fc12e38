"""Who may do what with the credentials (django-rules): the coordinator revokes an
endorsement; the holder changes their own registry listing; the association's coordinators
export its registry; a certificate is downloaded by its holder and the coordinators and admins
of the endorsement's association, who also decide the holder's change of name and produce a
failed certificate again."""

import rules

from accounts.rules import is_association_admin_of, is_coordinator_of


@rules.predicate
def is_endorsement_holder(user, endorsement):
    """The person the endorsement was awarded to."""
    return user.is_authenticated and endorsement.holder_id == user.pk


@rules.predicate
def is_certificate_holder(user, certificate) -> bool:
    return user.is_authenticated and certificate.endorsement.holder_id == user.pk


@rules.predicate
def is_certificate_staff(user, certificate) -> bool:
    association = certificate.endorsement.association
    return is_coordinator_of(user, association) or is_association_admin_of(user, association)


@rules.predicate
def is_endorsement_coordinator(user, endorsement):
    """A coordinator of the endorsement's association."""
    return is_coordinator_of(user, endorsement.association)


@rules.predicate
def is_name_change_staff(user, request) -> bool:
    """A coordinator or admin of the association of the request's endorsement."""
    association = request.endorsement.association
    return is_coordinator_of(user, association) or is_association_admin_of(user, association)


rules.add_perm("credentials.change_registry_listing", is_endorsement_holder)
rules.add_perm("credentials.export_registry", is_coordinator_of)
rules.add_perm("credentials.download_certificate", is_certificate_holder | is_certificate_staff)
# The revocation page (revoking a revoked endorsement changes nothing: the page says so).
rules.add_perm("credentials.revoke_endorsement", is_endorsement_coordinator)


@rules.predicate
def is_endorsement_staff(user, endorsement) -> bool:
    """A coordinator or admin of the endorsement's association."""
    association = endorsement.association
    return is_coordinator_of(user, association) or is_association_admin_of(user, association)


# The endorsement's Open Badges credential (signed on download).
rules.add_perm("credentials.download_badge", is_endorsement_holder | is_endorsement_staff)
# A holder asks for a change of their name on the certificate; the association decides.
rules.add_perm("credentials.request_name_change", is_endorsement_holder)
rules.add_perm("credentials.decide_name_change", is_name_change_staff)
# Producing a failed certificate again (the application page's "Try again").
rules.add_perm("credentials.retry_certificate", is_certificate_staff)
