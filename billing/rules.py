"""Who may see and record what in billing (django-rules): a person sees their own invoices and
receipts; the association's admins and coordinators see its invoices; only its admins edit the
fee schedule and record payments, refunds and waivers."""

import rules

from accounts.rules import is_association_admin_of, is_coordinator_of


@rules.predicate
def is_invoice_person(user, invoice) -> bool:
    return user.is_authenticated and invoice.person_id == user.pk


@rules.predicate
def is_invoice_admin(user, invoice) -> bool:
    return is_association_admin_of(user, invoice.association)


@rules.predicate
def is_invoice_coordinator(user, invoice) -> bool:
    return is_coordinator_of(user, invoice.association)


rules.add_perm(
    "billing.view_invoice", is_invoice_person | is_invoice_admin | is_invoice_coordinator
)
rules.add_perm("billing.pay_invoice", is_invoice_person)
rules.add_perm("billing.record_payment", is_invoice_admin)
# About an association: its fee schedule and its invoice list.
rules.add_perm("billing.manage_fees", is_association_admin_of)


# --- Proof of membership of another association (``billing.membership_proofs``) -------------


@rules.predicate
def is_proof_person(user, proof) -> bool:
    return user.is_authenticated and proof.user_id == user.pk


@rules.predicate
def is_proof_coordinator(user, proof) -> bool:
    return is_coordinator_of(user, proof.association)


rules.add_perm("billing.view_membership_proof", is_proof_person | is_proof_coordinator)
rules.add_perm("billing.decide_membership_proof", is_proof_coordinator)
