"""Kept for the tests written meanwhile (remove once nothing imports it): the builders are in
tests/reviews/helpers.py, the fixtures (``rita``, ``ray``, the ``coordinator``) in
tests/reviews/conftest.py and tests/conftest.py."""

from tests.reviews.helpers import AREA_NAMES, MENTOR_AREA, due, make_framework, reviewer, submitted

__all__ = ["AREA_NAMES", "MENTOR_AREA", "due", "make_framework", "reviewer", "submitted"]
