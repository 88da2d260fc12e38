"""Kept for the tests written meanwhile (remove once nothing imports it): the fixtures are in
tests/reviews/conftest.py and tests/conftest.py, the builders in tests/reviews/helpers.py."""

from tests.conftest import applicant, category, coordinator
from tests.reviews.conftest import advised, advisor, application
from tests.reviews.helpers import fresh

__all__ = ["advised", "advisor", "applicant", "application", "category", "coordinator", "fresh"]
