"""Who may download a certificate: its holder, and the coordinators and admins of the
endorsement's association."""

import rules

from accounts.rules import is_association_admin_of, is_coordinator_of


@rules.predicate
def is_certificate_holder(user, certificate) -> bool:
    return user.is_authenticated and certificate.endorsement.holder_id == user.pk


@rules.predicate
def is_certificate_staff(user, certificate) -> bool:
    association = certificate.endorsement.association
    return is_coordinator_of(user, association) or is_association_admin_of(user, association)


rules.add_perm("credentials.download_certificate", is_certificate_holder | is_certificate_staff)
