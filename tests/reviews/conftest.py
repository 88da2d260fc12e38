"""Fixtures of the review-workflow tests. Northfield's IFS ``category``, the ``applicant`` (Ana)
and the ``coordinator`` (Casey) come from tests/conftest.py; a test module may override any of
them (the portfolio-review tests use a category with competency areas, see helpers.py)."""

import pytest

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    UserFactory,
    VignetteScoreFactory,
)
from tests.reviews.helpers import exam_rows, fresh, in_days, reviewer, sitting_started

# --- people -------------------------------------------------------------------------------------


@pytest.fixture
def advisor(make_staff, association):
    return make_staff(Role.ADVISOR, association, user__full_name="Avery Advisor")


@pytest.fixture
def rita(make_staff, association):
    return reviewer(make_staff, association, "Rita Reviewer", "rita@example.org")


@pytest.fixture
def ray(make_staff, association):
    return reviewer(make_staff, association, "Ray Reviewer", "ray@example.org")


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


# --- advising -----------------------------------------------------------------------------------


@pytest.fixture
def application(category, applicant):
    """Ana's accepted IFS application (she is preparing her portfolio)."""
    return ApplicationFactory(category=category, applicant=applicant, state=S.ACCEPTED)


@pytest.fixture
def advised(application, advisor):
    """The application with its advisor assigned."""
    Application.objects.filter(pk=application.pk).update(advisor=advisor)
    return fresh(application)


# --- exams --------------------------------------------------------------------------------------


@pytest.fixture
def exam_category(association):
    """An IMHM-C-like category with both exam parts."""
    category = EndorsementCategoryFactory(
        framework__association=association, code="IMHM-C", name="Infant Mental Health Mentor"
    )
    return exam_rows(category)


@pytest.fixture
def plain_category(category):
    """A category without an exam (IFS)."""
    return category


@pytest.fixture
def approved(exam_category, applicant):
    return ApplicationFactory(category=exam_category, applicant=applicant, state=S.APPROVED)


@pytest.fixture
def sitting(association):
    """A sitting in 30 days with two places (``registration`` lets it take place)."""
    return ExamSittingFactory(association=association, starts_at=in_days(30), capacity=2)


@pytest.fixture
def registration(sitting, exam_category, applicant):
    """Ana registered at the sitting, her application in the exam; the sitting has started
    since, so the scores can be entered (``registration_ahead`` is at a sitting to come)."""
    application = ApplicationFactory(category=exam_category, applicant=applicant, state=S.EXAM)
    registration = ExamRegistrationFactory(sitting=sitting, application=application, attempt=1)
    sitting_started(registration.sitting)
    return registration


@pytest.fixture
def registration_ahead(exam_category, association):
    """Bea registered at a sitting still to come (in 30 days), her application in the exam."""
    sitting = ExamSittingFactory(association=association, starts_at=in_days(30), capacity=2)
    application = ApplicationFactory(
        category=exam_category,
        applicant=UserFactory(email="bea@example.org", full_name="Bea Ahead"),
        state=S.EXAM,
    )
    return ExamRegistrationFactory(sitting=sitting, application=application, attempt=1)


@pytest.fixture
def assigned(registration, grader_a, grader_b):
    """Both graders assigned to Ana's vignettes: (row of grader A, row of grader B)."""
    return (
        VignetteScoreFactory(registration=registration, grader=grader_a),
        VignetteScoreFactory(registration=registration, grader=grader_b),
    )
