"""Shared set-up of the exam tests: an IMHM-C-like category with both exam parts, people."""

import datetime

import pytest
from django.utils import timezone

from accounts.enums import Role
from competencies.enums import ExamKind, RequirementKind
from endorsement.enums import ApplicationState as S
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    RequirementFactory,
    UserFactory,
    VignetteScoreFactory,
)


def in_days(days: int) -> datetime.datetime:
    return timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)


def exam_rows(category, *, part1=True, part2=True, max_attempts=3, graders=2):
    if part1:
        RequirementFactory(
            category=category,
            kind=RequirementKind.EXAM,
            min_hours=None,
            exam_part=1,
            exam_kind=ExamKind.MULTIPLE_CHOICE,
            questions=60,
            minutes=90,
            pass_percent=80,
            retake_wait_months=12,
            max_attempts=max_attempts,
        )
    if part2:
        RequirementFactory(
            category=category,
            kind=RequirementKind.EXAM,
            min_hours=None,
            exam_part=2,
            exam_kind=ExamKind.VIGNETTES,
            graders=graders,
            pass_percent=80,
            retake_wait_months=12,
        )
    return category


@pytest.fixture
def exam_category(association):
    category = EndorsementCategoryFactory(
        framework__association=association, code="IMHM-C", name="Infant Mental Health Mentor"
    )
    return exam_rows(category)


@pytest.fixture
def plain_category(association):
    """A category without an exam (IFS)."""
    return EndorsementCategoryFactory(framework__association=association, code="IFS")


@pytest.fixture
def applicant(db):
    return UserFactory(email="ana@example.org", full_name="Ana Applicant")


@pytest.fixture
def approved(exam_category, applicant):
    return ApplicationFactory(category=exam_category, applicant=applicant, state=S.APPROVED)


@pytest.fixture
def coordinator(make_staff, association):
    return make_staff(
        Role.COORDINATOR, association, user__email="casey@example.org", user__full_name="Casey C"
    )


@pytest.fixture
def grader_a(make_staff, association):
    return make_staff(
        Role.EXAM_GRADER, association, user__email="gail@example.org", user__full_name="Gail G"
    )


@pytest.fixture
def grader_b(make_staff, association):
    return make_staff(
        Role.EXAM_GRADER, association, user__email="gus@example.org", user__full_name="Gus G"
    )


@pytest.fixture
def sitting(association):
    return ExamSittingFactory(association=association, starts_at=in_days(30), capacity=2)


@pytest.fixture
def registration(sitting, exam_category, applicant):
    """Ana registered at the sitting, her application in the exam."""
    application = ApplicationFactory(category=exam_category, applicant=applicant, state=S.EXAM)
    return ExamRegistrationFactory(sitting=sitting, application=application, attempt=1)


@pytest.fixture
def assigned(registration, grader_a, grader_b):
    """Both graders assigned to Ana's vignettes: (row of grader A, row of grader B)."""
    return (
        VignetteScoreFactory(registration=registration, grader=grader_a),
        VignetteScoreFactory(registration=registration, grader=grader_b),
    )
