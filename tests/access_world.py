"""The one data set of the access-control walk (tests/test_access_walk.py): an association
with one person (the owner) at every stage the portal has pages for, everyone around her, a
second association with its staff; and the fingerprint of the data the walk must not change.

Ana (the owner) has an IMHM-C application in the exam (a portfolio with one item of each kind,
an advisor and their comments, two reviewers' submitted reviews, an exam sitting with her
registration and its two graders, an invoice with a payment, a checkout and a waiver request);
she holds an IFS endorsement due for renewal (its renewal open with a training and an RS/C
entry, a certificate, a badge key, a request to change her name, one to move the endorsement to
the other association, one for emeritus status, an add-on applied for with its letter) and sent
a proof of membership elsewhere. Another applicant holds an IFS endorsement of his own. The
staff have an open invitation, the outbox a message.
"""

import datetime
import hashlib
from decimal import Decimal

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from accounts.enums import Role
from accounts.models import MembershipProof, StaffInvitation
from billing.enums import FeeType, PaymentMethod
from billing.models import CheckoutSession, WaiverRequest
from billing.services import fee_schedule_save, invoice_for_application, payment_record
from competencies.enums import ExamKind, RequirementKind
from competencies.models import EndorsementCategory
from competencies.selectors import framework_in_force
from credentials.badges import status_list_entry
from credentials.keys import key_generate
from credentials.models import Certificate, CertificateState, NameChangeRequest
from endorsement.enums import ApplicationState as S
from endorsement.models import AddOn, ApplicationEvent, EmeritusRequest, EndorsementTransfer
from notifications.enums import MessageState
from notifications.models import OutboxMessage
from portfolios.add_ons import add_on_apply_with_document
from portfolios.models import RSCEntry, Training
from reviews.enums import Recommendation, RubricScore
from reviews.models import AreaRating
from tests.factories import (
    PDF_BYTES,
    ApplicationFactory,
    CommentFactory,
    CompetencyAreaFactory,
    CompetencyFactory,
    ConflictDeclarationFactory,
    DocumentFactory,
    EducationFactory,
    EndorsementCategoryFactory,
    EndorsementFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    FrameworkFactory,
    MembershipFactory,
    ReferenceFactory,
    RequirementFactory,
    ReviewAssignmentFactory,
    RoleGrantFactory,
    UserFactory,
    VignetteScoreFactory,
    WorkExperienceFactory,
)
from tests.portfolios.renewal_helpers import due_endorsement, opened, renewal_category
from tests.portfolios.renewal_helpers import rsc_entry as renewal_rsc_entry
from tests.portfolios.renewal_helpers import training as renewal_training

ANONYMOUS = "anonymous"

# Everyone the walk sends: the owner and the staff around her application (who may reach some
# pages and must be refused on the others; each reviewer and grader assigned must be refused
# the other's review or score), the association's staff without the assignment,
# the other association's staff, other people, and anonymous visitors.
PERSONAS = (
    "owner",
    "advisor",
    "reviewer",
    "second reviewer",
    "grader",
    "second grader",
    "coordinator",
    "association admin",
    "another applicant",
    "unassigned advisor",
    "unassigned reviewer",
    "unassigned grader",
    "member without roles",
    "coordinator of another association",
    "admin of another association",
    "staff of another association",
    "platform admin",
    ANONYMOUS,
)

# The apps whose tables the walk must leave as they were (log-ins only touch ``last_login``).
WATCHED_APPS = (
    "accounts",
    "notifications",
    "competencies",
    "endorsement",
    "portfolios",
    "reviews",
    "credentials",
    "billing",
)
# Rows of these tables are written by a log-in or a look, not by a person's action.
IGNORED_COLUMNS = {"accounts_user": {"last_login"}}

# A token that names nothing: the token pages (a rater's link, an invitation, an
# unsubscribe link) answer everyone alike, and a POST with it must change nothing.
UNKNOWN_TOKEN = "not-a-token-of-anyone"


def imhm_category(association):
    """IMHM-C with two competency areas (the review's rubric) and both exam parts."""
    framework = FrameworkFactory(association=association)
    category = EndorsementCategoryFactory(framework=framework, code="IMHM-C", is_mentor=True)
    areas = []
    for order, name in enumerate(("Theoretical Foundations", "Reflection"), start=1):
        area = CompetencyAreaFactory(framework=framework, name=name, order=order)
        CompetencyFactory(area=area).categories.add(category)
        areas.append(area)
    for part, kind in ((1, ExamKind.MULTIPLE_CHOICE), (2, ExamKind.VIGNETTES)):
        RequirementFactory(
            category=category,
            kind=RequirementKind.EXAM,
            min_hours=None,
            exam_part=part,
            exam_kind=kind,
            questions=60 if part == 1 else None,
            graders=2 if part == 2 else None,
            pass_percent=80,
            retake_wait_months=12,
            max_attempts=3,
        )
    return category, areas


def make_people(association, other_association, make_staff) -> dict:
    superuser = UserFactory(is_staff=True, is_superuser=True, full_name="Pat Platform")
    TOTP.activate(superuser, generate_totp_secret())
    people = {
        "owner": UserFactory(full_name="Ana Applicant", email="ana.owner@example.org"),
        "advisor": make_staff(Role.ADVISOR, association),
        "reviewer": make_staff(Role.REVIEWER, association),
        "second reviewer": make_staff(Role.REVIEWER, association),
        "grader": make_staff(Role.EXAM_GRADER, association),
        "second grader": make_staff(Role.EXAM_GRADER, association),
        "coordinator": make_staff(Role.COORDINATOR, association),
        "association admin": make_staff(Role.ASSOCIATION_ADMIN, association),
        "another applicant": UserFactory(),
        "unassigned advisor": make_staff(Role.ADVISOR, association),
        "unassigned reviewer": make_staff(Role.REVIEWER, association),
        "unassigned grader": make_staff(Role.EXAM_GRADER, association),
        "member without roles": MembershipFactory(association=association).user,
        "coordinator of another association": make_staff(Role.COORDINATOR, other_association),
        "admin of another association": make_staff(Role.ASSOCIATION_ADMIN, other_association),
        "staff of another association": make_staff(Role.REVIEWER, other_association),
        "platform admin": superuser,
    }
    for role in (Role.ADVISOR, Role.EXAM_GRADER):
        RoleGrantFactory(
            role=role, association=other_association, user=people["staff of another association"]
        )
    return people


def build_world(association, other_association, make_staff) -> tuple[dict, dict]:
    """(people, objects): see the module's docstring."""
    people = make_people(association, other_association, make_staff)
    owner = people["owner"]
    category, areas = imhm_category(association)
    theirs = ApplicationFactory(
        category=category, applicant=people["another applicant"], state=S.ACCEPTED
    )

    # The application in the exam, its portfolio and its review.
    application = ApplicationFactory(
        category=category,
        applicant=owner,
        advisor=people["advisor"],
        state=S.EXAM,
        submitted_at=timezone.now() - datetime.timedelta(days=60),
    )
    ApplicationEvent.objects.create(
        application=application, actor=owner, from_state=S.ACCEPTED, to_state=S.SUBMITTED
    )
    document = DocumentFactory(application=application)
    objects = {
        "association": association,
        "another application": theirs,
        "category": category,
        "application": application,
        "document": document,
        "education": EducationFactory(application=application, transcript=document),
        "work": WorkExperienceFactory(application=application),
        "training": Training.objects.create(
            application=application,
            title="Attachment basics",
            provider="Northfield AIMH",
            date=datetime.date(2025, 3, 1),
            hours=Decimal("6"),
            format="workshop",
        ),
        "rsc": RSCEntry.objects.create(
            application=application,
            provider_name="Dr. Reflective",
            format="group",
            start=datetime.date(2025, 1, 1),
            end=datetime.date(2025, 6, 30),
            hours=Decimal("12"),
        ),
        "reference": ReferenceFactory(application=application),
    }
    assignments = []
    for who in ("reviewer", "second reviewer"):
        assignment = ReviewAssignmentFactory(
            application=application,
            reviewer=people[who],
            assigned_by=people["coordinator"],
            recommendation=Recommendation.APPROVE,
            comments="Ready for the exam.",
            submitted_at=timezone.now() - datetime.timedelta(days=30),
        )
        for area in areas:
            AreaRating.objects.create(assignment=assignment, area=area, score=RubricScore.MEETS)
        assignments.append(assignment)
    objects["assignment"] = assignments[0]
    comment = CommentFactory(application=application, author=people["advisor"])
    CommentFactory(application=application, author=owner, parent=comment)
    objects["comment"] = comment
    objects["conflict"] = ConflictDeclarationFactory(
        association=association, reviewer=people["reviewer"]
    )
    sitting = ExamSittingFactory(
        association=association, starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    registration = ExamRegistrationFactory(
        sitting=sitting, application=application, registered_by=people["coordinator"]
    )
    objects["sitting"] = sitting
    objects["registration"] = registration
    objects["score"] = VignetteScoreFactory(registration=registration, grader=people["grader"])
    VignetteScoreFactory(registration=registration, grader=people["second grader"])

    # Her IFS endorsement, due for renewal, and everything about it; the fees are set first (a
    # renewal, once open, invoices its fee).
    ifs = renewal_category(association)
    fee_schedule_save(
        association=association,
        by=None,
        effective_from=association.today() - datetime.timedelta(days=30),
        currency="USD",
        membership_fee="60",
        renewal_fee="30",
        late_renewal_fee="25",
        reinstatement_fee="100",
        category_fees={"IFS": ("15", "100"), "IMHM-C": ("25", "400")},
        allow_past=True,
    )
    endorsement = due_endorsement(association, ifs, holder=owner)
    renewal = opened(endorsement)
    # Another applicant holds an endorsement too: holding one opens nobody else's.
    EndorsementFactory(
        category=ifs,
        application__applicant=people["another applicant"],
        registry_listed=True,
        registry_place="Lakeview",
    )
    objects |= {
        "endorsement": endorsement,
        "renewal": renewal,
        "renewal training": renewal_training(renewal, hours="3"),
        "renewal rsc": renewal_rsc_entry(renewal, hours="2"),
    }
    key_generate(association=association)
    status_list_entry(endorsement)  # her badge's place in the status list, given when first issued
    certificate = Certificate.objects.create(
        endorsement=endorsement,
        holder_name=owner.get_full_name(),
        state=CertificateState.READY,
    )
    certificate.file.save("certificate.pdf", ContentFile(PDF_BYTES))
    objects["certificate"] = certificate
    objects["name change"] = NameChangeRequest.objects.create(
        endorsement=endorsement, holder=owner, requested_name="Ana Beltrán", reason="Married."
    )
    objects["transfer"] = EndorsementTransfer.objects.create(
        from_endorsement=endorsement,
        from_association=association,
        to_association=other_association,
        requested_by=owner,
        reason="Moving to the lake.",
    )
    objects["emeritus"] = EmeritusRequest.objects.create(endorsement=endorsement, holder=owner)
    add_on = AddOn.objects.create(
        association=association,
        code="ers",
        name="Endorsed Reflective Supervisor",
        description="For holders who provide RS/C.",
        category_codes=["IFS"],
        min_rsc_provided_hours=Decimal("24"),
        min_rsc_training_hours=Decimal("15"),
        document_required=True,
        document_note="A letter from your RS/C provider",
        attestation="I provide RS/C to others.",
    )
    holding = add_on_apply_with_document(
        endorsement=endorsement,
        add_on=add_on,
        by=owner,
        rsc_provided_hours=Decimal("30"),
        rsc_training_hours=Decimal("15"),
        attested=True,
        upload=SimpleUploadedFile("letter.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    objects |= {"add-on": add_on, "holding": holding, "add-on document": holding.documents.get()}

    # Billing: her registration invoice, paid in part, a checkout and a waiver request.
    invoice = invoice_for_application(application=application, fee_type=FeeType.REGISTRATION)
    objects["invoice"] = invoice
    objects["payment"] = payment_record(
        invoice=invoice, amount="5", currency="USD", method=PaymentMethod.CASH, by=None
    )
    objects["checkout"] = CheckoutSession.objects.create(
        invoice=invoice,
        gateway="manual",
        session_id="man_walk",
        amount=invoice.amount,
        currency="USD",
        started_by=owner,
    )
    objects["waiver request"] = WaiverRequest.objects.create(invoice=invoice, reason="Hardship")
    proof = MembershipProof(
        association=association,
        user=owner,
        other_association="Lakeshore AIMH",
        end=association.today(),
        original_name="card.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
    )
    proof.file.save("upload", ContentFile(PDF_BYTES), save=True)
    objects["proof"] = proof

    # The staff's pages: an open invitation; the outbox's message to her.
    objects["invitation"] = StaffInvitation.objects.create(
        association=association,
        email="new.reviewer@example.org",
        roles=[Role.REVIEWER],
        token_hash=hashlib.sha256(b"walk").hexdigest(),
        expires=timezone.now() + datetime.timedelta(days=7),
        invited_by=people["association admin"],
        sent_at=timezone.now(),
    )
    objects["message"] = OutboxMessage.objects.create(
        association=association,
        recipient=owner.email,
        recipient_user=owner,
        sender='"Northfield" <noreply@localhost>',
        subject="Your exam",
        text_body="Hello Ana,\nyour exam.\n",
        key="reference_invitation",
        state=MessageState.SENT,
    )
    objects["staff person"] = people["unassigned reviewer"]
    # The public category page and the registration form show the framework in force.
    objects["category in force"] = EndorsementCategory.objects.filter(
        framework=framework_in_force(association=association)
    ).first()
    return people, objects


def watched_tables() -> list[tuple[str, list[str]]]:
    """(table, columns) of every model of the watched apps, its many-to-many tables included."""
    tables = {}
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            table = model._meta.db_table
            ignored = IGNORED_COLUMNS.get(table, set())
            tables[table] = [
                field.column for field in model._meta.concrete_fields if field.column not in ignored
            ]
    return sorted(tables.items())


def fingerprint_sql() -> str:
    """One query: each watched table's row count and a hash of its rows."""
    quote = connection.ops.quote_name
    parts = []
    for table, columns in watched_tables():
        row = "ROW(" + ", ".join(quote(column) for column in columns) + ")::text"
        parts.append(
            f"SELECT '{table}' AS name, count(*) AS n, "  # noqa: S608 (models' names)
            f"md5(coalesce(string_agg({row}, '|' ORDER BY {row}), '')) AS h "
            f"FROM {quote(table)}"
        )
    return " UNION ALL ".join(parts)


def fingerprint(sql: str) -> dict[str, tuple[int, str]]:
    """{table: (rows, hash of the rows)} of the watched tables, as they are now."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {name: (count, digest) for name, count, digest in cursor.fetchall()}
