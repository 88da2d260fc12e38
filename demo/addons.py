"""The demo's add-on designation: Northfield's Endorsed Reflective Supervisor add-on (for IFS
and IMHS holders who provide reflective supervision/consultation), and Farah holding it,
approved by the coordinator. Safe to run twice."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Association, User
from endorsement.addons import add_on_decide
from endorsement.enums import LIVE_ADD_ON_STATES, EndorsementStatus
from endorsement.models import AddOn, Endorsement
from portfolios.add_ons import add_on_apply_with_document

ERS = {
    "code": "ers",
    "name": "Endorsed Reflective Supervisor",
    "names": {"es": "Supervisor/a Reflexivo/a Endosado/a"},
    "description": (
        "For holders of the IFS or IMHS endorsement who provide reflective "
        "supervision/consultation (RS/C) to others. Employers and funders look for it when "
        "they need an RS/C provider."
    ),
    "category_codes": ["IFS", "IMHS"],
    "min_rsc_provided_hours": Decimal("24"),
    "min_rsc_training_hours": Decimal("15"),
    "document_required": True,
    "document_note": (
        "A letter from your own RS/C provider about the reflective supervision/consultation "
        "you give"
    ),
    "attestation": (
        "I provide reflective supervision/consultation to others and receive RS/C about it."
    ),
}

LETTER = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def add_ons_seed(association: Association, coordinator: User) -> None:
    """Northfield defines the add-on; Farah (IFS, active) holds it, approved."""
    if association.slug != "northfield":
        return
    fields = dict(ERS)
    add_on, _created = AddOn.objects.get_or_create(
        association=association, code=fields.pop("code"), defaults=fields
    )
    endorsement = (
        Endorsement.objects.filter(
            association=association,
            holder__email=f"farah@{association.slug}.example.org",
            status__in=[EndorsementStatus.ACTIVE, EndorsementStatus.RENEWAL_DUE],
        )
        .select_related("holder", "application")
        .first()
    )
    if endorsement is None or endorsement.add_ons.filter(state__in=LIVE_ADD_ON_STATES).exists():
        return
    holding = add_on_apply_with_document(
        endorsement=endorsement,
        add_on=add_on,
        by=endorsement.holder,
        rsc_provided_hours=Decimal("36"),
        rsc_training_hours=Decimal("18"),
        attested=True,
        evidence_note="I lead a monthly reflective group for home visitors.",
        upload=SimpleUploadedFile("letter-from-my-rsc-provider.pdf", LETTER, "application/pdf"),
    )
    add_on_decide(holding=holding, by=coordinator, approve=True)
