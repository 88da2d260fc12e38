"""An application for an add-on designation with its document (``endorsement.addons`` decides
what is required; the document is stored here, privately, with the same checks as the
portfolio's)."""

from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from endorsement.addons import add_on_apply
from endorsement.models import AddOn, Endorsement, EndorsementAddOn
from portfolios.documents import document_store
from portfolios.enums import DocumentKind


@transaction.atomic
def add_on_apply_with_document(
    *,
    endorsement: Endorsement,
    add_on: AddOn,
    by: User,
    rsc_provided_hours: Decimal | None = None,
    rsc_training_hours: Decimal | None = None,
    attested: bool = False,
    evidence_note: str = "",
    upload: UploadedFile | None = None,
) -> EndorsementAddOn:
    """Apply (``add_on_apply``) and store the document with the application, in one
    transaction: a refused application or a refused file leaves nothing behind."""
    holding = add_on_apply(
        endorsement=endorsement,
        add_on=add_on,
        by=by,
        rsc_provided_hours=rsc_provided_hours,
        rsc_training_hours=rsc_training_hours,
        has_document=bool(upload),
        attested=attested,
        evidence_note=evidence_note,
    )
    if upload:
        document_store(
            application=endorsement.application,
            uploaded_file=upload,
            kind=DocumentKind.ADD_ON,
            by=by,
            add_on=holding,
        )
    return holding
