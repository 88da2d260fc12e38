"""Exam scores can be entered only once the sitting has started: the registration the scoring
tests use is at a sitting that has started, and ``registration_ahead`` is at one still to come.

Import the fixtures into a test module (``from tests.reviews.exam_timing import *``); the
``registration`` here wraps the one of tests/reviews/conftest.py.
"""

import datetime

import pytest
from django.utils import timezone

from endorsement.enums import ApplicationState as S
from tests.factories import (
    ApplicationFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    UserFactory,
)
from tests.reviews.helpers import in_days

__all__ = ["registration", "registration_ahead", "sitting_started"]


def sitting_started(sitting, *, hours_ago: int = 1):
    """Let time pass: the sitting started ``hours_ago`` (a sitting is created in the future)."""
    sitting.starts_at = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=hours_ago)
    sitting.save(update_fields=["starts_at"])
    return sitting


@pytest.fixture
def registration(registration):
    """Ana registered at the sitting, her application in the exam; the sitting has started
    since, so the scores can be entered."""
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
