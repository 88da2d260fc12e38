"""Erasing an applicant (the right to erasure), by an admin of their association.

Only a person who never reached the award may be erased: an endorsement is a public record
(verification, the registry, certificates) that must outlive the account. A person who is also
staff somewhere, or whose records belong to another association too, is left to the platform
admin, so that one association's admin never removes another association's data.

What goes: uploaded files and their rows (documents, membership proofs), the evidence (education,
work, trainings, RS/C), references with the raters' ratings, signatures, drafts and the evidence
history, the advising comments, the reviewers' written comments on them, the workforce profile,
the texts of the e-mails sent to them or about their applications, their e-mail addresses and
authenticators; the account itself is kept but anonymised (name, address, no password,
inactive). What stays, for the association's statistics and accounts: the application rows
(category, state, dates), their timeline of steps (append-only), review recommendations and exam
results without comments, memberships, invoices and payments (financial records) — all now
pointing to "Erased applicant #<id>".
"""

import logging

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import (
    Association,
    EmailOptOut,
    Membership,
    MembershipProof,
    RoleGrant,
    User,
    WorkforceProfile,
)
from accounts.signed_in_pages import signed_in_pages_forget
from audit.enums import DATA_ERASE
from audit.services import audit_record
from billing.models import Invoice, WaiverRequest
from endorsement.models import Application, ApplicationEvent, Endorsement
from endorsement.notes import note_render, register_note
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from portfolios.models import (
    Document,
    Education,
    EvidenceChange,
    FormDraft,
    Reference,
    RSCEntry,
    Signature,
    Training,
    WorkExperience,
)
from reviews.models import AreaRating, Comment, ConflictDeclaration, ReviewAssignment, VignetteScore

logger = logging.getLogger(__name__)

ERASED_NOTE = "erased"


@register_note(ERASED_NOTE)
def erased_note(values: dict) -> str:
    return _("The applicant's personal data was erased; the application is kept for statistics.")


class ErasureError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@invalid"


def is_erased(person: User) -> bool:
    return person.email == erased_email(person.pk)


def erasure_refusal(*, association: Association, person: User) -> str:
    """Why ``person`` may not be erased by an admin of ``association`` ("" when they may)."""
    if is_erased(person):
        return _("This applicant's data is already erased.")
    if Endorsement.objects.filter(holder=person).exists():
        return _(
            "This person holds an endorsement (current or past): it is a public record that "
            "must be kept, so their data cannot be erased here."
        )
    if person.is_staff or person.is_superuser or RoleGrant.objects.filter(user=person).exists():
        return _(
            "This person holds a role in the portal: take their roles away first, or ask the "
            "platform admin."
        )
    elsewhere = Q(association=association)
    if (
        Application.objects.filter(applicant=person).exclude(elsewhere).exists()
        or Membership.objects.filter(user=person).exclude(elsewhere).exists()
    ):
        return _(
            "This person also has applications or memberships with another association: ask "
            "the platform admin to erase them."
        )
    return ""


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("erasure: could not delete file %s", name)


@transaction.atomic
def applicant_erase(*, association: Association, person: User, by: User) -> int:
    """Remove ``person``'s personal data, keep anonymised statistics; returns how many
    applications were kept. Files leave storage once the transaction commits."""
    person = User.objects.select_for_update().get(pk=person.pk)
    refusal = erasure_refusal(association=association, person=person)
    if refusal:
        raise ErasureError(refusal)
    old_email = person.email
    # Its update() calls send no signal.
    signed_in_pages_forget()
    applications = list(
        Application.objects.select_for_update().filter(applicant=person, association=association)
    )
    app_ids = [a.pk for a in applications]
    by_app = Q(application_id__in=app_ids)

    documents = Document.objects.filter(by_app)
    proofs = MembershipProof.objects.filter(user=person)
    files = [d.file.name for d in documents if d.file] + [p.file.name for p in proofs if p.file]
    # Evidence first (its foreign keys to documents), then the documents themselves.
    Reference.objects.filter(by_app).update(replaces=None)
    for model in (Education, WorkExperience, Training, RSCEntry, Reference):
        model.objects.filter(by_app).delete()
    for model in (Signature, FormDraft, EvidenceChange):
        model.objects.filter(by_app).delete()
    documents.delete()
    proofs.delete()
    Comment.objects.filter(by_app).delete()
    ReviewAssignment.objects.filter(by_app).update(comments="", amendments="")
    AreaRating.objects.filter(assignment__application_id__in=app_ids).update(note="")
    VignetteScore.objects.filter(registration__application_id__in=app_ids).update(comments="")
    WaiverRequest.objects.filter(invoice__in=Invoice.objects.filter(person=person)).update(
        reason=""
    )
    Application.objects.filter(pk__in=app_ids).update(registration_note="")
    WorkforceProfile.objects.filter(user=person).delete()

    new_email = erased_email(person.pk)
    application_type = ContentType.objects.get_for_model(Application)
    to_them = Q(recipient_user=person) | Q(recipient__iexact=old_email)
    mails = OutboxMessage.objects.filter(
        to_them | Q(concerns_type=application_type, concerns_id__in=app_ids)
    )
    # Not sent yet: never sent now. The rest keep their row (what was sent, when) without text;
    # the ids are taken first, as changing the address takes some rows out of ``mails``.
    mails.filter(state__in=[MessageState.QUEUED, MessageState.SENDING]).delete()
    mail_ids = list(mails.values_list("pk", flat=True))
    OutboxMessage.objects.filter(pk__in=mail_ids).filter(to_them).update(recipient=new_email)
    OutboxMessage.objects.filter(pk__in=mail_ids).update(
        subject="", text_body="", html_body="", text_shown="", url="", last_error=""
    )
    ConflictDeclaration.objects.filter(person_email__iexact=old_email).update(
        person_email=new_email
    )
    EmailOptOut.objects.filter(email__iexact=old_email).delete()
    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()

    # Stored, not shown through translation: the same words whatever the admin's language.
    person.full_name = f"Erased applicant #{person.pk}"
    person.email = new_email
    person.set_unusable_password()
    person.is_active = False
    person.save()

    for application in applications:
        ApplicationEvent.objects.create(
            application=application,
            actor=by,
            from_state=application.state,
            to_state=application.state,
            note=note_render(ERASED_NOTE, {}, language=settings.LANGUAGE_CODE),
            note_is_public=False,
            note_key=ERASED_NOTE,
        )
    audit_record(
        action=DATA_ERASE,
        actor=by,
        object_type=person._meta.label_lower,
        object_id=person.pk,
        object_label=person.email,  # already the erased address
        association=association,
        details={"applications": [application.pk for application in applications]},
    )
    logger.info(
        "data rights: applicant %s erased by user %s in association %s (%d applications kept)",
        person.pk,
        by.pk,
        association.slug,
        len(applications),
    )
    transaction.on_commit(lambda: _delete_files(files))
    return len(applications)
