"""A holder adds a category (IFS → IMHS): the evidence already accepted is carried over (files
copied into the new application's private files, references not), and the award of the new
endorsement supersedes the old one."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from competencies.enums import RequirementKind
from credentials.registry import registry_endorsements
from endorsement.awards import endorsement_award
from endorsement.enums import ApplicationPurpose, ApplicationState
from endorsement.enums import EndorsementStatus as E
from endorsement.models import Endorsement, EndorsementEvent
from endorsement.services import TransitionNotAllowed
from portfolios.continuations import addable_categories, category_add_start
from portfolios.models import Document, Education, Reference, RSCEntry, Training
from portfolios.requirements import requirement_check
from tests.factories import (
    CompetencyAreaFactory,
    CompetencyFactory,
    DocumentFactory,
    EducationFactory,
    EndorsementCategoryFactory,
    EndorsementFactory,
    FrameworkFactory,
    ReferenceFactory,
    RequirementFactory,
    UserFactory,
    endorsement_status_set,
)
from tests.portfolios.references_helpers import set_state


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture
def framework(association):
    return FrameworkFactory(association=association, is_published=True)


@pytest.fixture
def ifs(framework):
    return EndorsementCategoryFactory(framework=framework, code="IFS", order=1)


@pytest.fixture
def imhs(framework):
    category = EndorsementCategoryFactory(framework=framework, code="IMHS", order=2)
    RequirementFactory(
        category=category, kind=RequirementKind.EDUCATION, education_levels=["bachelor"]
    )
    RequirementFactory(category=category, kind=RequirementKind.TRAINING, min_hours=Decimal("30"))
    return category


@pytest.fixture
def holder(db):
    return UserFactory(email="farah@example.org", full_name="Farah Holder")


@pytest.fixture
def endorsement(ifs, holder):
    endorsement = EndorsementFactory(
        category=ifs,
        application__applicant=holder,
        number="NFAIMH-IFS-2025-0003",
        awarded_on=datetime.date(2025, 4, 1),
        valid_through=datetime.date(2026, 12, 31),
    )
    return endorsement_status_set(endorsement, E.ACTIVE, registry_listed=True)


@pytest.fixture
def evidence(endorsement, framework):
    """The awarded application's evidence: a degree with its transcript, two trainings (one
    deleted), an RS/C entry and a reference."""
    source = endorsement.application
    transcript = DocumentFactory(application=source)
    EducationFactory(application=source, transcript=transcript, transcript_status="uploaded")
    item = CompetencyFactory(area=CompetencyAreaFactory(framework=framework))
    other_version_item = CompetencyFactory()
    training = Training.objects.create(
        application=source,
        title="Infant mental health foundations",
        provider="Northfield",
        date=datetime.date(2024, 5, 1),
        hours=Decimal("32"),
        format="workshop",
        is_dei=True,
    )
    training.competencies.set([item, other_version_item])
    Training.objects.create(
        application=source,
        title="Deleted one",
        provider="Northfield",
        date=datetime.date(2024, 6, 1),
        hours=Decimal("10"),
        format="workshop",
        deleted_at=timezone.now(),
    )
    RSCEntry.objects.create(
        application=source,
        provider_name="Rosa Provider",
        format="individual",
        start=datetime.date(2023, 1, 1),
        end=datetime.date(2024, 6, 30),
        hours=Decimal("30"),
    )
    ReferenceFactory(application=source)
    return {"transcript": transcript, "item": item}


def test_adding_a_category_carries_the_accepted_evidence_over(
    endorsement, evidence, imhs, holder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = category_add_start(endorsement=endorsement, category=imhs, by=holder)

    source = endorsement.application
    assert (application.state, application.purpose, application.prior_endorsement_id) == (
        ApplicationState.REGISTERED,
        ApplicationPurpose.ADDED_CATEGORY,
        endorsement.pk,
    )
    assert application.category == imhs
    [education] = Education.objects.filter(application=application)
    assert (education.credential, education.carried_over_from_id) == (
        Education.objects.get(application=source).credential,
        source.pk,
    )
    # The transcript is a copy of its own: the same bytes in another private file.
    copy = education.transcript
    assert copy.application_id == application.pk
    assert copy.pk != evidence["transcript"].pk
    assert copy.file.name != evidence["transcript"].file.name
    with copy.file.open("rb") as new, evidence["transcript"].file.open("rb") as old:
        assert new.read() == old.read()
    assert (copy.sha256, copy.original_name) == (
        evidence["transcript"].sha256,
        evidence["transcript"].original_name,
    )
    [training] = Training.objects.filter(application=application)
    assert (training.title, training.hours, training.is_dei, training.carried_over_from_id) == (
        "Infant mental health foundations",
        Decimal("32"),
        True,
        source.pk,
    )
    # Only the competency items of the new category's framework version.
    assert list(training.competencies.all()) == [evidence["item"]]
    [rsc] = RSCEntry.objects.filter(application=application)
    assert (rsc.provider_name, rsc.hours, rsc.carried_over_from_id) == (
        "Rosa Provider",
        Decimal("30"),
        source.pk,
    )
    # References are never reused.
    assert not Reference.objects.filter(application=application).exists()
    assert Document.objects.filter(application=application).count() == 1

    # The requirement check counts what was carried over.
    check = requirement_check(application=application, sections=["education", "training"])
    assert [(item.section, item.met) for item in check.items] == [
        ("education", True),
        ("training", True),
    ]


def test_only_other_open_categories_of_the_association_are_offered(
    endorsement, imhs, framework, association
):
    EndorsementCategoryFactory(framework=framework, code="ERS", is_add_on=True)
    EndorsementCategoryFactory(framework=framework, code="OLD", is_open=False)
    assert [c.code for c in addable_categories(endorsement=endorsement)] == ["IMHS"]


def test_refusals(endorsement, ifs, imhs, holder, other_association):
    elsewhere = EndorsementCategoryFactory(
        framework=FrameworkFactory(association=other_association), code="IMHS"
    )
    cases = [
        (ifs, holder, "You already hold the IFS endorsement."),
        (
            elsewhere,
            holder,
            "Choose a category of Northfield Association for Infant Mental Health.",
        ),
        (imhs, UserFactory(), "Only the holder may add a category to their endorsement."),
    ]
    for category, person, sentence in cases:
        with pytest.raises(TransitionNotAllowed) as refused:
            category_add_start(endorsement=endorsement, category=category, by=person)
        assert str(refused.value) == sentence
    endorsement_status_set(endorsement, E.LAPSED)
    with pytest.raises(TransitionNotAllowed) as refused:
        category_add_start(endorsement=endorsement, category=imhs, by=holder)
    assert str(refused.value) == (
        "Endorsement NFAIMH-IFS-2025-0003 is lapsed: another category can be added only to an "
        "endorsement in good standing."
    )
    assert not endorsement.later_applications.exists()


def test_the_award_supersedes_the_old_endorsement(
    client,
    association,
    endorsement,
    evidence,
    imhs,
    holder,
    coordinator,
    django_capture_on_commit_callbacks,
):
    application = category_add_start(endorsement=endorsement, category=imhs, by=holder)
    set_state(application, ApplicationState.APPROVED)
    assert list(registry_endorsements(association=association)) == [endorsement]

    with django_capture_on_commit_callbacks(execute=True):
        new = endorsement_award(application=application, by=coordinator)

    old = Endorsement.objects.get(pk=endorsement.pk)
    assert (old.status, old.continued_by_id, old.number) == (
        E.SUPERSEDED,
        new.pk,
        "NFAIMH-IFS-2025-0003",
    )
    event = EndorsementEvent.objects.get(endorsement=old)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "supersede",
        E.ACTIVE,
        E.SUPERSEDED,
        None,
    )
    assert event.note_values == {"number": new.number}
    assert new.category == imhs and new.status == E.ACTIVE
    # The registry drops the old one and lists the new one once the holder lists it.
    Endorsement.objects.filter(pk=new.pk).update(registry_listed=True)
    assert list(registry_endorsements(association=association)) == [new]

    # The old number's public page says by which it is superseded, with a link.
    page = client.get(f"/verify/{old.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        f'Superseded by endorsement <a href="/verify/{new.number}/">{new.number}</a> in another '
        "category: verify that one."
    ) in html


def test_an_award_after_a_revocation_leaves_the_old_revoked(
    endorsement, evidence, imhs, holder, coordinator
):
    application = category_add_start(endorsement=endorsement, category=imhs, by=holder)
    set_state(application, ApplicationState.APPROVED)
    endorsement_status_set(endorsement, E.REVOKED, status_reason="Misconduct")
    new = endorsement_award(application=application, by=coordinator)
    old = Endorsement.objects.get(pk=endorsement.pk)
    assert (old.status, old.continued_by_id) == (E.REVOKED, None)
    assert new.status == E.ACTIVE
