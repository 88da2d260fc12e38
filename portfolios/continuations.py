"""A holder applies for another category (e.g. IFS → IMHS) of the same association.

``category_add_start`` registers an application with ``purpose=ADDED_CATEGORY`` naming the
endorsement held (``prior_endorsement``) and copies into its portfolio the evidence the awarded
application had: education, trainings (with the competency items of the new category's
framework) and RS/C entries, each marked ``carried_over_from`` the awarded application. Files
(transcripts, training certificates) are copied, not shared, into a new private, server-named
file of the new application, so each application's documents stay its own (permissions, deletion).
References are never carried over: the new category needs new ratings. The holder then adds what
the new category needs; the usual workflow follows (accept, submit, review, award) and the award
supersedes the old endorsement (``endorsement.awards``).

The reinstatement of a lapsed endorsement starts in ``endorsement.continuations``.
"""

import logging

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from competencies.models import EndorsementCategory
from competencies.selectors import framework_in_force
from endorsement.enums import ApplicationPurpose, EndorsementStatus
from endorsement.models import Application, Endorsement
from endorsement.services import TransitionNotAllowed, application_register
from portfolios.models import Document, Education, RSCEntry, Training

logger = logging.getLogger(__name__)

E = EndorsementStatus
# A holder adds a category to an endorsement in good standing.
ADDABLE_FROM = [E.ACTIVE, E.RENEWAL_DUE]


def standing_refusal(endorsement: Endorsement) -> str:
    """Why no category can be added to ``endorsement`` now ("" when one can)."""
    if endorsement.status in ADDABLE_FROM:
        return ""
    return _(
        "Endorsement %(number)s is %(status)s: another category can be added only to an "
        "endorsement in good standing."
    ) % {"number": endorsement.number, "status": E(endorsement.status).label.lower()}


def category_add_refusal(*, endorsement: Endorsement, category: EndorsementCategory | None) -> str:
    """Why the holder cannot apply for ``category`` on the strength of ``endorsement``."""
    refusal = standing_refusal(endorsement)
    if refusal:
        return refusal
    if category is None:
        return _("Choose a category.")
    if category.framework.association_id != endorsement.association_id:
        return _("Choose a category of %(association)s.") % {
            "association": endorsement.association.name
        }
    if category.is_add_on or not category.is_open:
        return _("%(code)s is not open to applications.") % {"code": category.code}
    if category.code == endorsement.category.code:
        return _("You already hold the %(code)s endorsement.") % {"code": category.code}
    return ""


def _document_copy(*, document: Document | None, application: Application) -> Document | None:
    """A copy of ``document`` (its bytes in a new server-named private file) belonging to
    ``application``; None when there is none or its file is gone from storage."""
    if document is None:
        return None
    copy = Document(
        association_id=application.association_id,
        application=application,
        uploaded_by_id=document.uploaded_by_id,
        kind=document.kind,
        original_name=document.original_name,
        content_type=document.content_type,
        size=document.size,
        sha256=document.sha256,
    )
    try:
        with document.file.open("rb") as source:
            # The name given here is not used: document_path generates one.
            copy.file.save("copy", File(source), save=False)
    except (FileNotFoundError, OSError):
        logger.warning("Document %s not found in storage: not carried over.", document.pk)
        return None
    try:
        copy.save()
    except BaseException:
        copy.file.delete(save=False)
        raise
    return copy


def evidence_carry_over(*, source: Application, target: Application) -> dict[str, int]:
    """Copy the live education, trainings and RS/C entries of ``source`` into ``target``,
    marked as carried over; returns how many of each."""
    counts = {"education": 0, "training": 0, "rsc": 0}
    for row in Education.objects.filter(application=source).live().select_related("transcript"):
        Education.objects.create(
            application=target,
            carried_over_from=source,
            level=row.level,
            credential=row.credential,
            institution=row.institution,
            start=row.start,
            end=row.end,
            transcript=_document_copy(document=row.transcript, application=target),
            transcript_status=row.transcript_status,
        )
        counts["education"] += 1
    framework_id = target.category.framework_id
    trainings = (
        Training.objects.filter(application=source)
        .live()
        .select_related("certificate")
        .prefetch_related("competencies__area")
    )
    for row in trainings:
        copy = Training.objects.create(
            application=target,
            carried_over_from=source,
            title=row.title,
            provider=row.provider,
            date=row.date,
            hours=row.hours,
            format=row.format,
            is_dei=row.is_dei,
            is_rsc=row.is_rsc,
            certificate=_document_copy(document=row.certificate, application=target),
        )
        # The items of the new category's framework (another version has items of its own).
        items = [item for item in row.competencies.all() if item.area.framework_id == framework_id]
        copy.competencies.set(items)
        counts["training"] += 1
    RSCEntry.objects.bulk_create(
        RSCEntry(
            application=target,
            carried_over_from=source,
            provider_name=row.provider_name,
            provider_endorsement_number=row.provider_endorsement_number,
            format=row.format,
            start=row.start,
            end=row.end,
            hours=row.hours,
            about_rsc_provided=row.about_rsc_provided,
        )
        for row in RSCEntry.objects.filter(application=source).live()
    )
    counts["rsc"] = RSCEntry.objects.filter(application=target, carried_over_from=source).count()
    return counts


def addable_categories(*, endorsement: Endorsement) -> list[EndorsementCategory]:
    """The categories of the association's framework in force open to applications that the
    holder may add: not the one held, not an add-on designation."""
    framework = framework_in_force(association=endorsement.association)
    if framework is None:
        return []
    return list(
        EndorsementCategory.objects.filter(framework=framework, is_open=True, is_add_on=False)
        .exclude(code=endorsement.category.code)
        .select_related("framework")
        .order_by("order", "code")
    )


@transaction.atomic
def category_add_start(
    *, endorsement: Endorsement, category: EndorsementCategory, by: User, note: str = ""
) -> Application:
    """The holder of ``endorsement`` applies for ``category``: an application registered as
    usual (the coordinator accepts it), with the evidence already accepted carried over.
    Refused with a sentence for anyone but the holder, an endorsement not in good standing, a
    category of another association or the one held, and while another application is open."""
    endorsement = (
        Endorsement.objects.select_for_update(of=("self",))
        .select_related("association", "category", "application")
        .get(pk=endorsement.pk)
    )
    if by is None or endorsement.holder_id != by.pk:
        raise TransitionNotAllowed(_("Only the holder may add a category to their endorsement."))
    refusal = category_add_refusal(endorsement=endorsement, category=category)
    if refusal:
        raise TransitionNotAllowed(refusal, reasons=("category",))
    application = application_register(
        applicant=by,
        category=category,
        note=note,
        purpose=ApplicationPurpose.ADDED_CATEGORY,
        prior_endorsement=endorsement,
    )
    evidence_carry_over(source=endorsement.application, target=application)
    return application
