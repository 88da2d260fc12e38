"""An applicant's own data as one zip (the right of access): a README, JSON of everything, CSV of
the tables, their uploaded files and their certificates.

Only rows reached from the person themselves are read (their account, their memberships, the
applications where they are the applicant, the invoices made out to them, the endorsements they
hold, the e-mails addressed to them), so nobody else's data can enter the archive. What the
applicant may not see in the portal stays out: a rater's ratings and comments when the applicant
waived the right to see them (as ``portfolios.reference_status`` decides), the notes a
coordinator kept private on a step, the reviewers' own rubric and comments (the applicant reads
the decision and what to amend, in the step's note).

The zip is built synchronously in a spooled temporary file (memory up to a few MB, then disk):
a 200-item portfolio takes well under a second (``tests/rights/test_export.py`` measures it), so
no background task is needed.
"""

import csv
import datetime
import io
import json
import logging
import os
import tempfile
import zipfile
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import get_valid_filename

from accounts.models import Membership, MembershipProof, User, WorkforceProfile
from billing.models import Invoice, Payment, WaiverRequest
from credentials.models import Certificate
from endorsement.models import Application, ApplicationEvent, Endorsement, EndorsementEvent
from notifications.models import OutboxMessage
from portfolios.models import (
    Document,
    Education,
    Reference,
    RSCEntry,
    Signature,
    Training,
    WorkExperience,
)
from portfolios.reference_status import RATED_STATUSES
from reviews.models import Comment, ExamRegistration

logger = logging.getLogger(__name__)

SPOOL_BYTES = 8 * 1024 * 1024

# Columns never exported: secrets (a rater's link), the unsent rating draft, the password.
NEVER = {"password", "token_hash", "rating_draft", "idempotency_key", "dedupe_key", "last_error"}

README = """\
Your data from the endorsement portal
=====================================

Person: {name} <{email}>
Made on: {made} (UTC)

This archive holds everything the portal keeps about you that you may see:

account.json          your account (name, e-mail addresses, language, time zone, when you
                      joined and last logged in) and your workforce profile
memberships.json/.csv your association memberships, and any proof of membership elsewhere
applications.json     each application: category, state, dates, the steps of its timeline
                      with the notes meant for you, your signed agreements, exam results and
                      the comments exchanged with your advisor
portfolio/*.csv       your evidence, one table per section: education, work, trainings,
                      RS/C, references (a rater's ratings and comments only where you did not
                      waive the right to see them)
billing.json, invoices.csv, payments.csv
                      invoices made out to you, their payments, refunds and waiver requests
endorsements.json     endorsements you hold, their history and renewals
emails.json, emails/  the e-mails the portal sent to you, as sent (personal links such as a
                      rater's may be masked)
documents/            the files you uploaded, named <application>-<document id>-<file name>
certificates/         your certificates (PDF)

Dates and times are in UTC (ISO 8601). Codes (states, kinds) are the portal's own values; the
portal's pages show them in words. Notes a coordinator kept internal, reviewers' own scoring
sheets and ratings you waived the right to see are not included.
"""


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def row(obj, *, exclude=()) -> dict:
    """Every column of ``obj`` as plain JSON values (foreign keys as ids), secrets left out."""
    return {
        field.attname: _plain(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if field.attname not in NEVER and field.name not in exclude
    }


def _csv(rows: list[dict]) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    columns = list(dict.fromkeys(key for r in rows for key in r))
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return out.getvalue()


def _json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def _reference_row(reference: Reference) -> dict:
    data = row(reference, exclude=("comment",))
    visible = reference.status in RATED_STATUSES and not reference.applicant_waived_right_to_see
    if visible:
        data["comment"] = reference.comment
        data["ratings"] = {
            rating.competency.name: rating.score for rating in reference.ratings.all()
        }
    else:
        data["ratings"] = None
    return data


def _training_row(training: Training) -> dict:
    data = row(training)
    data["competencies"] = "; ".join(sorted(c.name for c in training.competencies.all()))
    return data


def _event_row(event) -> dict:
    return {
        "at": _plain(event.at),
        "from_state": event.from_state,
        "to_state": event.to_state,
        "note": event.note_text if event.note_is_public else "",
    }


def export_data(*, user: User) -> dict:
    """Every table of the archive (``name -> list of rows``), read from ``user`` outwards."""
    applications = list(
        Application.objects.filter(applicant=user)
        .select_related("association", "category")
        .order_by("created", "pk")
    )
    app_ids = [a.pk for a in applications]
    events: dict[int, list] = {}
    for event in ApplicationEvent.objects.filter(application_id__in=app_ids).order_by("at", "pk"):
        events.setdefault(event.application_id, []).append(_event_row(event))
    signatures: dict[int, list] = {}
    for signature in Signature.objects.filter(application_id__in=app_ids).select_related(
        "agreement"
    ):
        signatures.setdefault(signature.application_id, []).append(
            {
                "agreement": signature.agreement.kind,
                "version": signature.agreement.version,
                "typed_name": signature.typed_name,
                "signed_at": _plain(signature.signed_at),
            }
        )
    exams: dict[int, list] = {}
    for registration in ExamRegistration.objects.filter(application_id__in=app_ids).select_related(
        "sitting"
    ):
        exams.setdefault(registration.application_id, []).append(
            {
                "sitting": _plain(registration.sitting.starts_at),
                "attempt": registration.attempt,
                "part1_correct": registration.part1_correct,
                "result": registration.result,
                "decided_at": _plain(registration.decided_at),
            }
        )
    comments: dict[int, list] = {}
    for comment in (
        Comment.objects.filter(application_id__in=app_ids)
        .select_related("author")
        .order_by("created", "pk")
    ):
        comments.setdefault(comment.application_id, []).append(
            {
                "id": comment.pk,
                "reply_to": comment.parent_id,
                "author": "you" if comment.author_id == user.pk else comment.author.get_full_name(),
                "section": comment.section,
                "body": comment.body,
                "created": _plain(comment.created),
                "resolved_at": _plain(comment.resolved_at),
            }
        )
    application_rows = []
    for application in applications:
        data = row(application)
        data["association_name"] = application.association.name
        data["category_code"] = application.category.code
        data["category_name"] = application.category.name
        data["timeline"] = events.get(application.pk, [])
        data["agreements_signed"] = signatures.get(application.pk, [])
        data["exams"] = exams.get(application.pk, [])
        data["comments"] = comments.get(application.pk, [])
        application_rows.append(data)

    by_app = Q(application_id__in=app_ids)
    invoices = list(Invoice.objects.filter(person=user).order_by("issued_at", "pk"))
    invoice_ids = [i.pk for i in invoices]
    endorsements = list(
        Endorsement.objects.filter(holder=user)
        .prefetch_related("renewals")
        .order_by("awarded_on", "pk")
    )
    endorsement_events: dict[int, list] = {}
    for event in EndorsementEvent.objects.filter(endorsement__holder=user).order_by("at", "pk"):
        endorsement_events.setdefault(event.endorsement_id, []).append(
            {
                "at": _plain(event.at),
                "action": event.action,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "valid_through": _plain(event.valid_through),
                "note": event.note_text,
            }
        )
    endorsement_rows = []
    for endorsement in endorsements:
        data = row(endorsement)
        data["history"] = endorsement_events.get(endorsement.pk, [])
        data["renewals"] = [row(r, exclude=("audit_selected",)) for r in endorsement.renewals.all()]
        endorsement_rows.append(data)
    profile = WorkforceProfile.objects.filter(user=user).first()
    mails = OutboxMessage.objects.filter(Q(recipient_user=user) | Q(recipient__iexact=user.email))
    return {
        "account": {
            "user": row(user, exclude=("is_superuser", "is_staff", "groups", "user_permissions")),
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
            "workforce_profile": row(profile) if profile else None,
        },
        "memberships": [row(m) for m in Membership.objects.filter(user=user).order_by("start")],
        "membership_proofs": [
            row(p) for p in MembershipProof.objects.filter(user=user).order_by("created")
        ],
        "applications": application_rows,
        "education": [row(e) for e in Education.objects.filter(by_app).order_by("pk")],
        "work": [row(w) for w in WorkExperience.objects.filter(by_app).order_by("pk")],
        "trainings": [
            _training_row(t)
            for t in Training.objects.filter(Q(application_id__in=app_ids))
            .prefetch_related("competencies")
            .order_by("pk")
        ],
        "rsc": [row(r) for r in RSCEntry.objects.filter(by_app).order_by("pk")],
        "references": [
            _reference_row(r)
            for r in Reference.objects.filter(by_app)
            .prefetch_related("ratings__competency")
            .order_by("pk")
        ],
        "documents": [
            row(d) for d in Document.objects.filter(by_app).order_by("application_id", "pk")
        ],
        "invoices": [row(i) for i in invoices],
        "payments": [
            row(p, exclude=("recorded_by",))
            for p in Payment.objects.filter(invoice_id__in=invoice_ids).order_by("recorded_at")
        ],
        "waiver_requests": [
            row(w, exclude=("decided_by",))
            for w in WaiverRequest.objects.filter(invoice_id__in=invoice_ids).order_by("pk")
        ],
        "endorsements": endorsement_rows,
        "certificates": [
            row(c)
            for c in Certificate.objects.filter(endorsement__holder=user)
            .exclude(file="")
            .order_by("created")
        ],
        "emails": [
            {
                "id": m.pk,
                "created": _plain(m.created),
                "sent_at": _plain(m.sent_at),
                "state": m.state,
                "to": m.recipient,
                "from": m.sender,
                "subject": m.subject,
                "text": m.text_shown or m.text_body,
                "url": m.url,
                "kind": m.key,
            }
            for m in mails.order_by("created", "pk")
        ],
    }


def _copy_file(archive: zipfile.ZipFile, field: FieldFile, arcname: str) -> bool:
    """The stored file into the archive; a file missing from storage is noted, not fatal."""
    try:
        with field.open("rb") as source, archive.open(arcname, "w") as target:
            while chunk := source.read(1024 * 1024):
                target.write(chunk)
    except (FileNotFoundError, OSError):
        logger.warning("data export: file %s missing from storage", field.name)
        return False
    return True


def _safe(name: str) -> str:
    base = os.path.basename(name or "") or "file"
    return get_valid_filename(base)[:120] or "file"


def export_zip(*, user: User):
    """The archive as a file object positioned at its start (a spooled temporary file)."""
    data = export_data(user=user)
    # Returned open: the response closes it once sent.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                name=user.get_full_name(),
                email=user.email,
                made=timezone.now().replace(microsecond=0).isoformat(),
            ),
        )
        archive.writestr("account.json", _json(data["account"]))
        archive.writestr(
            "memberships.json",
            _json({"memberships": data["memberships"], "proofs": data["membership_proofs"]}),
        )
        archive.writestr("memberships.csv", _csv(data["memberships"]))
        archive.writestr("applications.json", _json(data["applications"]))
        portfolio = {
            key: data[key] for key in ("education", "work", "trainings", "rsc", "references")
        }
        archive.writestr("portfolio/portfolio.json", _json(portfolio))
        for key in ("education", "work", "trainings", "rsc"):
            archive.writestr(f"portfolio/{key}.csv", _csv(data[key]))
        archive.writestr(
            "portfolio/references.csv",
            _csv([{k: v for k, v in r.items() if k != "ratings"} for r in data["references"]]),
        )
        archive.writestr(
            "billing.json",
            _json({key: data[key] for key in ("invoices", "payments", "waiver_requests")}),
        )
        archive.writestr("invoices.csv", _csv(data["invoices"]))
        archive.writestr("payments.csv", _csv(data["payments"]))
        archive.writestr("endorsements.json", _json(data["endorsements"]))
        archive.writestr("documents.json", _json(data["documents"]))
        archive.writestr("emails.json", _json(data["emails"]))
        for mail in data["emails"]:
            archive.writestr(
                f"emails/{mail['id']:06d}.txt",
                f"Subject: {mail['subject']}\nTo: {mail['to']}\nFrom: {mail['from']}\n"
                f"Date: {mail['sent_at'] or mail['created']}\n\n{mail['text']}\n",
            )
        for document in Document.objects.filter(application__applicant=user).order_by("pk"):
            _copy_file(
                archive,
                document.file,
                f"documents/{document.application_id}-{document.pk}-{_safe(document.original_name)}",
            )
        for proof in MembershipProof.objects.filter(user=user).exclude(file="").order_by("pk"):
            _copy_file(
                archive, proof.file, f"documents/membership-{proof.pk}-{_safe(proof.original_name)}"
            )
        for certificate in Certificate.objects.filter(endorsement__holder=user).exclude(file=""):
            _copy_file(archive, certificate.file, f"certificates/certificate-{certificate.pk}.pdf")
    spool.seek(0)
    return spool
