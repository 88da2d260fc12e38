"""The award: one transaction turns the application "awarded" and creates its Endorsement."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from accounts.enums import Role
from accounts.models import Association
from competencies.enums import RequirementKind
from endorsement.awards import endorsement_award, endorsement_valid_through
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent, Endorsement
from endorsement.services import TransitionNotAllowed
from tests.factories import (
    ApplicationFactory,
    AssociationFactory,
    EndorsementCategoryFactory,
    RequirementFactory,
    UserFactory,
)


def award_on(monkeypatch, day: datetime.date) -> None:
    """The association's "today" for the award (no clock library in this project)."""
    monkeypatch.setattr(Association, "today", lambda self: day)


@pytest.fixture
def northfield(association):
    association.number_prefix = "NFAIMH"
    association.save()
    return association


@pytest.fixture
def imhs(northfield):
    return EndorsementCategoryFactory(framework__association=northfield, code="IMHS")


@pytest.fixture
def ifs(northfield):
    return EndorsementCategoryFactory(framework__association=northfield, code="IFS")


@pytest.fixture
def coordinator(make_staff, northfield):
    return make_staff(Role.COORDINATOR, northfield, user__email="casey@example.org")


@pytest.fixture
def approved(imhs):
    return ApplicationFactory(
        category=imhs, state=S.APPROVED, applicant=UserFactory(email="ana@example.org")
    )


def test_award_creates_the_endorsement_and_awards_the_application(
    monkeypatch, approved, coordinator, northfield, imhs
):
    award_on(monkeypatch, datetime.date(2026, 3, 15))
    endorsement = endorsement_award(application=approved, by=coordinator)
    saved = Endorsement.objects.get()
    assert saved == endorsement
    assert (
        saved.number,
        saved.association,
        saved.application_id,
        saved.holder.email,
        saved.category,
        saved.awarded_on,
        saved.valid_through,
    ) == (
        "NFAIMH-IMHS-2026-0001",
        northfield,
        approved.pk,
        "ana@example.org",
        imhs,
        datetime.date(2026, 3, 15),
        datetime.date(2026, 12, 31),
    )
    assert Application.objects.get(pk=approved.pk).state == S.AWARDED
    event = ApplicationEvent.objects.get(application=approved)
    assert (event.actor, event.from_state, event.to_state, event.note, event.note_is_public) == (
        coordinator,
        S.APPROVED,
        S.AWARDED,
        "Endorsement NFAIMH-IMHS-2026-0001, valid through Dec. 31, 2026.",
        True,
    )


def test_numbers_count_per_association_and_year_across_categories(
    monkeypatch, northfield, imhs, ifs, coordinator, other_association, make_staff
):
    other_association.number_prefix = "LSAIMH"
    other_association.save()
    other_coordinator = make_staff(Role.COORDINATOR, other_association)
    other_ifs = EndorsementCategoryFactory(framework__association=other_association, code="IFS")
    award_on(monkeypatch, datetime.date(2026, 5, 1))
    numbers = [
        endorsement_award(
            application=ApplicationFactory(category=c, state=S.APPROVED), by=by
        ).number
        for c, by in [
            (imhs, coordinator),
            (ifs, coordinator),
            (other_ifs, other_coordinator),
            (imhs, coordinator),
        ]
    ]
    award_on(monkeypatch, datetime.date(2027, 1, 4))
    numbers.append(
        endorsement_award(
            application=ApplicationFactory(category=ifs, state=S.APPROVED), by=coordinator
        ).number
    )
    assert numbers == [
        "NFAIMH-IMHS-2026-0001",
        "NFAIMH-IFS-2026-0002",
        "LSAIMH-IFS-2026-0001",
        "NFAIMH-IMHS-2026-0003",
        "NFAIMH-IFS-2027-0001",
    ]


def test_the_sequence_goes_on_after_the_highest_number(monkeypatch, imhs, coordinator, northfield):
    award_on(monkeypatch, datetime.date(2026, 5, 1))
    Endorsement.objects.create(
        association=northfield,
        application=ApplicationFactory(category=imhs, state=S.AWARDED),
        holder=UserFactory(),
        category=imhs,
        number="NFAIMH-IMHS-2026-0041",
        awarded_on=datetime.date(2026, 2, 1),
        valid_through=datetime.date(2026, 12, 31),
    )
    endorsement = endorsement_award(
        application=ApplicationFactory(category=imhs, state=S.APPROVED), by=coordinator
    )
    assert endorsement.number == "NFAIMH-IMHS-2026-0042"


@pytest.mark.parametrize(
    ("awarded_on", "valid_through"),
    [
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
        (datetime.date(2026, 9, 30), datetime.date(2026, 12, 31)),
        (datetime.date(2026, 10, 1), datetime.date(2027, 12, 31)),
        (datetime.date(2026, 12, 31), datetime.date(2027, 12, 31)),
    ],
)
def test_valid_through_31_december_or_the_next_one_from_1_october(awarded_on, valid_through):
    assert endorsement_valid_through(awarded_on) == valid_through


def test_an_award_from_1_october_is_valid_through_the_next_year(monkeypatch, approved, coordinator):
    award_on(monkeypatch, datetime.date(2026, 10, 1))
    endorsement = endorsement_award(application=approved, by=coordinator)
    assert (endorsement.number, endorsement.awarded_on, endorsement.valid_through) == (
        "NFAIMH-IMHS-2026-0001",
        datetime.date(2026, 10, 1),
        datetime.date(2027, 12, 31),
    )


def test_exam_category_is_refused_until_the_exam_is_passed(monkeypatch, imhs, coordinator):
    RequirementFactory(category=imhs, kind=RequirementKind.EXAM, min_hours=None)
    approved = ApplicationFactory(category=imhs, state=S.APPROVED)
    with pytest.raises(TransitionNotAllowed) as refused:
        endorsement_award(application=approved, by=coordinator)
    assert str(refused.value) == "This category has an exam: the award follows a passed exam."
    assert Endorsement.objects.count() == 0
    assert Application.objects.get(pk=approved.pk).state == S.APPROVED

    award_on(monkeypatch, datetime.date(2026, 6, 1))
    passed = ApplicationFactory(category=imhs, state=S.EXAM_PASSED)
    assert endorsement_award(application=passed, by=coordinator).number == ("NFAIMH-IMHS-2026-0001")


@pytest.mark.parametrize("state", [S.IN_REVIEW, S.EXAM, S.AWARDED, S.WITHDRAWN])
def test_refused_in_other_states(imhs, coordinator, state):
    application = ApplicationFactory(category=imhs, state=state)
    with pytest.raises(TransitionNotAllowed) as refused:
        endorsement_award(application=application, by=coordinator)
    assert str(refused.value) == (
        f"This step is not possible while the application is “{S(state).label}”."
    )
    assert Endorsement.objects.count() == 0
    assert ApplicationEvent.objects.count() == 0


@pytest.mark.parametrize("who", ["applicant", "reviewer", "other coordinator", "anonymous"])
def test_refused_for_anyone_but_a_coordinator_of_the_association(
    approved, make_staff, northfield, other_association, who
):
    by = {
        "applicant": lambda: approved.applicant,
        "reviewer": lambda: make_staff(Role.REVIEWER, northfield),
        "other coordinator": lambda: make_staff(Role.COORDINATOR, other_association),
        "anonymous": AnonymousUser,
    }[who]()
    with pytest.raises(TransitionNotAllowed) as refused:
        endorsement_award(application=approved, by=by)
    assert str(refused.value) == "You may not take this step on this application."
    assert Endorsement.objects.count() == 0
    assert Application.objects.get(pk=approved.pk).state == S.APPROVED


def test_refused_without_anyone_acting(approved):
    with pytest.raises(TransitionNotAllowed):
        endorsement_award(application=approved, by=None)
    assert Endorsement.objects.count() == 0


def test_the_applicant_is_told_the_number_and_date_after_commit(
    monkeypatch, approved, coordinator, django_capture_on_commit_callbacks
):
    award_on(monkeypatch, datetime.date(2026, 3, 15))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        endorsement_award(application=approved, by=coordinator)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    assert message.subject == f"Your endorsement: {approved.category.name} (IMHS)"
    assert "Your endorsement number is NFAIMH-IMHS-2026-0001." in message.body
    assert "It is valid through Dec. 31, 2026;" in message.body


def test_the_award_is_in_the_applicants_language(
    monkeypatch, approved, coordinator, django_capture_on_commit_callbacks
):
    applicant = approved.applicant
    applicant.preferred_language = "es"
    applicant.save()
    award_on(monkeypatch, datetime.date(2026, 3, 15))
    with django_capture_on_commit_callbacks(execute=True):
        endorsement_award(application=approved, by=coordinator)
    (message,) = mail.outbox
    assert "NFAIMH-IMHS-2026-0001" in message.body
    assert "31 de diciembre de 2026" in message.body


def test_a_second_association_with_the_same_prefix_does_not_share_numbers(
    monkeypatch, imhs, coordinator, make_staff
):
    twin = AssociationFactory(slug="twin", number_prefix="NFAIMH")
    twin_category = EndorsementCategoryFactory(framework__association=twin, code="IMHS")
    award_on(monkeypatch, datetime.date(2026, 5, 1))
    first = endorsement_award(
        application=ApplicationFactory(category=twin_category, state=S.APPROVED),
        by=make_staff(Role.COORDINATOR, twin),
    )
    second = endorsement_award(
        application=ApplicationFactory(category=imhs, state=S.APPROVED), by=coordinator
    )
    assert (first.number, second.number) == ("NFAIMH-IMHS-2026-0001", "NFAIMH-IMHS-2026-0001")
