"""Kept for the tests written meanwhile (remove once nothing imports it): the fixtures are in
tests/reviews/conftest.py and tests/conftest.py, the builders in tests/reviews/helpers.py."""

from tests.conftest import applicant, coordinator
from tests.reviews.conftest import (
    approved,
    assigned,
    exam_category,
    grader_a,
    grader_b,
    plain_category,
    registration,
    sitting,
)
from tests.reviews.helpers import exam_rows, in_days

__all__ = [
    "applicant",
    "approved",
    "assigned",
    "coordinator",
    "exam_category",
    "exam_rows",
    "grader_a",
    "grader_b",
    "in_days",
    "plain_category",
    "registration",
    "sitting",
]
