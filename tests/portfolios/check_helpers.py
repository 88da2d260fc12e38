"""Builders shared by the requirement check, summary, submit and query-count tests.

Evidence is created with the models directly (the services would refuse nothing here), so the
tests say exactly what the portfolio holds.
"""

import datetime
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from accounts.enums import MembershipStatus
from accounts.models import Membership
from competencies.models import EndorsementCategory
from endorsement.services import application_register, application_transition
from portfolios.enums import (
    AgreementKind,
    RaterRelationship,
    ReferenceStatus,
    RSCFormat,
    TrainingFormat,
)
from portfolios.models import (
    AgreementText,
    Education,
    Reference,
    RSCEntry,
    Signature,
    Training,
    WorkExperience,
)
from tests.factories import UserFactory


def load_category(association, code: str, version: str = "2025") -> EndorsementCategory:
    """The shipped framework loaded into the association; one of its categories."""
    call_command("load_framework", "--association", association.slug, verbosity=0)
    return EndorsementCategory.objects.get(
        framework__association=association, framework__version=version, code=code
    )


def accepted_application(category, applicant=None):
    applicant = applicant or UserFactory(full_name="Ana Applicant")
    application = application_register(applicant=applicant, category=category)
    return application_transition(application=application, action="accept", by=None)


def add_training(application, hours, *, title="Training", is_dei=False, is_rsc=False, items=()):
    training = Training.objects.create(
        application=application,
        title=title,
        provider="Northfield AIMH",
        date=datetime.date(2025, 3, 1),
        hours=Decimal(str(hours)),
        format=TrainingFormat.WORKSHOP,
        is_dei=is_dei,
        is_rsc=is_rsc,
    )
    if items:
        training.competencies.set(items)
    return training


def add_education(application, level, credential="BA in Psychology"):
    return Education.objects.create(
        application=application,
        level=level,
        credential=credential,
        institution="Northfield State University",
        start=datetime.date(2010, 9, 1),
        end=datetime.date(2014, 5, 31),
    )


def add_work(application, *, start, end, hours_per_week=40, work_kind="paid_infant_family"):
    return WorkExperience.objects.create(
        application=application,
        employer="Early Head Start",
        role="Home visitor",
        start=start,
        end=end,
        hours_per_week=Decimal(str(hours_per_week)),
        population_served="Families with infants and toddlers",
        work_kind=work_kind,
        is_paid=True,
        is_dyadic=True,
    )


def add_rsc(application, hours, *, start, end, about_rsc_provided=False):
    return RSCEntry.objects.create(
        application=application,
        provider_name="Rita Reflective",
        format=RSCFormat.INDIVIDUAL,
        start=start,
        end=end,
        hours=Decimal(str(hours)),
        about_rsc_provided=about_rsc_provided,
    )


_token = iter(range(10**9))


def add_reference(application, relationship, *, status=ReferenceStatus.COMPLETED):
    now = timezone.now()
    n = next(_token)
    return Reference.objects.create(
        application=application,
        rater_name=f"Rater {n}",
        rater_email=f"rater{n}@example.org",
        relationship=relationship,
        status=status,
        token_hash=f"{application.pk:08d}{n:056d}",
        token_expires=now + datetime.timedelta(days=30),
        sent_at=now,
        completed_at=now if status == ReferenceStatus.COMPLETED else None,
    )


def publish_agreements(association, version="2025"):
    return [
        AgreementText.objects.create(
            association=association,
            kind=kind,
            version=version,
            body=f"The {kind} text.",
            effective_from=datetime.date(2025, 1, 1),
        )
        for kind in AgreementKind.values
    ]


def sign(application, text):
    return Signature.objects.create(
        application=application,
        agreement=text,
        typed_name=application.applicant.full_name,
        ip_address="192.0.2.1",
    )


def add_membership(application):
    today = application.association.today()
    return Membership.objects.create(
        association=application.association,
        user=application.applicant,
        status=MembershipStatus.ACTIVE,
        start=datetime.date(today.year, 1, 1),
        end=datetime.date(today.year, 12, 31),
    )


def months_ago(months: int, day: int = 1) -> datetime.date:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, day)


def complete_ifs(application, *, texts=None):
    """Everything an IFS portfolio needs (2025 requirements): every item of the check met.
    ``texts``: the association's agreements when they are published already."""
    add_work(application, start=datetime.date(2020, 1, 1), end=datetime.date(2024, 12, 31))
    add_training(application, 30, title="Foundations of infant mental health")
    add_rsc(application, 24, start=months_ago(18), end=months_ago(1, day=28))
    for relationship in (
        RaterRelationship.CURRENT_SUPERVISOR,
        RaterRelationship.RSC_PROVIDER,
        RaterRelationship.OTHER,
    ):
        add_reference(application, relationship)
    for text in texts or publish_agreements(application.association):
        sign(application, text)
    add_membership(application)


def fill_portfolio(application, items: int):
    """``items`` evidence items, dealt in turn to the five sections (education, work, training,
    RS/C, references), with their related rows: transcripts and certificates (file rows only),
    competency items, ratings. 10 items is 2 in each section; 200 is 40 in each."""
    from competencies.models import Competency
    from portfolios.enums import DocumentKind, RatingScore
    from portfolios.models import Document, ReferenceRating

    competencies = list(Competency.objects.filter(categories=application.category)[:3])

    def document(kind, n):
        return Document.objects.create(
            association=application.association,
            application=application,
            uploaded_by=application.applicant,
            kind=kind,
            file=f"documents/{application.association_id}/bench{application.pk}x{kind}{n}",
            original_name=f"{kind}-{n}.pdf",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
        )

    for i in range(items):
        n, section = divmod(i, 5)
        if section == 0:
            education = add_education(application, "bachelor", f"BA {n}")
            education.transcript = document(DocumentKind.TRANSCRIPT, n)
            education.save()
        elif section == 1:
            add_work(
                application,
                start=datetime.date(2000 + n % 20, 1, 1),
                end=datetime.date(2000 + n % 20, 12, 31),
                hours_per_week=20 + n % 20,
            )
        elif section == 2:
            training = add_training(
                application,
                1 + n % 5,
                title=f"Training {n}",
                is_dei=n % 3 == 0,
                items=competencies[: 1 + n % 3],
            )
            training.certificate = document(DocumentKind.CERTIFICATE, n)
            training.save()
        elif section == 3:
            add_rsc(application, 1, start=months_ago(2 + n % 12), end=months_ago(1 + n % 12))
        else:
            completed = n % 2 == 0
            reference = add_reference(
                application,
                RaterRelationship.values[n % 4],
                status=ReferenceStatus.COMPLETED if completed else ReferenceStatus.INVITED,
            )
            if completed:
                ReferenceRating.objects.bulk_create(
                    ReferenceRating(
                        reference=reference, competency=item, score=RatingScore.COMPETENT
                    )
                    for item in competencies
                )
