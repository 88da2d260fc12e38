"""Two applicants of Northfield with a portfolio each (every kind of row the data-rights pages
read), their files in a temporary private storage."""

import datetime
from decimal import Decimal

import pytest

from accounts.enums import Role
from billing.enums import FeeType
from billing.models import Invoice, Payment
from endorsement.enums import ApplicationState
from endorsement.models import ApplicationEvent
from notifications.models import OutboxMessage
from portfolios.enums import ReferenceStatus
from portfolios.models import ReferenceRating, RSCEntry, Training
from tests.factories import (
    ApplicationFactory,
    CommentFactory,
    CompetencyFactory,
    DocumentFactory,
    EducationFactory,
    ReferenceFactory,
    UserFactory,
    WorkExperienceFactory,
)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def build_portfolio(*, applicant, category, marker: str, trainings: int = 1):
    """An application with evidence, a transcript file, two rated references (one waived), a
    comment, timeline notes (public and private), an e-mail and a paid invoice. ``marker`` is
    written into every text so a test can look for it."""
    application = ApplicationFactory(
        applicant=applicant,
        category=category,
        state=ApplicationState.SUBMITTED,
        registration_note=f"{marker} registration note",
    )
    document = DocumentFactory(application=application, original_name=f"{marker}-transcript.pdf")
    EducationFactory(application=application, transcript=document, institution=f"{marker} U")
    WorkExperienceFactory(application=application, employer=f"{marker} employer")
    competency = CompetencyFactory(area__framework=category.framework)
    for n in range(trainings):
        training = Training.objects.create(
            application=application,
            title=f"{marker} training {n}",
            provider="Provider",
            date=datetime.date(2025, 3, 1),
            hours=Decimal("3"),
            format="workshop",
        )
        training.competencies.add(competency)
    RSCEntry.objects.create(
        application=application,
        provider_name=f"{marker} supervisor",
        format="individual",
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 12, 31),
        hours=Decimal("24"),
    )
    seen = ReferenceFactory(
        application=application,
        status=ReferenceStatus.COMPLETED,
        comment=f"{marker} visible rating comment",
    )
    ReferenceRating.objects.create(reference=seen, competency=competency, score="3")
    waived = ReferenceFactory(
        application=application,
        status=ReferenceStatus.COMPLETED,
        applicant_waived_right_to_see=True,
        comment=f"{marker} WAIVED rating comment",
    )
    ReferenceRating.objects.create(reference=waived, competency=competency, score="1")
    CommentFactory(application=application, author=applicant, body=f"{marker} question")
    ApplicationEvent.objects.create(
        application=application,
        from_state=ApplicationState.ACCEPTED,
        to_state=ApplicationState.SUBMITTED,
        note=f"{marker} public note",
    )
    ApplicationEvent.objects.create(
        application=application,
        from_state=ApplicationState.SUBMITTED,
        to_state=ApplicationState.SUBMITTED,
        note=f"{marker} PRIVATE note",
        note_is_public=False,
    )
    OutboxMessage.objects.create(
        association=application.association,
        recipient=applicant.email,
        recipient_user=applicant,
        sender="portal@example.org",
        subject=f"{marker} subject",
        text_body=f"Dear {marker}, your portfolio is submitted.",
        state="sent",
    )
    invoice = Invoice.objects.create(
        association=application.association,
        number=applicant.pk,
        person=applicant,
        application=application,
        fee_type=FeeType.PROCESSING,
        amount=Decimal("100.00"),
        currency="USD",
        status="paid",
    )
    Payment.objects.create(
        invoice=invoice,
        kind="payment",
        method="cheque",
        amount=Decimal("100.00"),
        currency="USD",
        reference=f"{marker} cheque",
    )
    return application


@pytest.fixture
def ana(db):
    return UserFactory(email="ana@example.org", full_name="Ana Applicant")


@pytest.fixture
def bob(db):
    return UserFactory(email="bob@example.org", full_name="Bob Other")


@pytest.fixture
def ana_application(ana, category):
    return build_portfolio(applicant=ana, category=category, marker="ANA")


@pytest.fixture
def bob_application(bob, category):
    return build_portfolio(applicant=bob, category=category, marker="BOB")


@pytest.fixture
def assoc_admin(make_staff, association):
    return make_staff(Role.ASSOCIATION_ADMIN, association, user__email="adam@example.org")


@pytest.fixture
def other_admin(make_staff, other_association):
    return make_staff(Role.ASSOCIATION_ADMIN, other_association, user__email="olga@example.org")
