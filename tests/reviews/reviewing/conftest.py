"""Fixtures of the portfolio-review service tests: Northfield reads each portfolio with two
reviewers; its IFS ``category`` (overriding tests/conftest.py's) is in a framework with competency
areas (``areas``, see tests/reviews/helpers.make_framework); ``application`` is a portfolio of that
category, submitted once."""

import pytest

from tests.reviews.helpers import make_framework, submitted


@pytest.fixture
def setup(association):
    association.reviewers_per_portfolio = 2
    association.save()
    category, areas = make_framework(association)
    return category, areas


@pytest.fixture
def category(setup):
    return setup[0]


@pytest.fixture
def areas(setup):
    return setup[1]


@pytest.fixture
def application(category):
    return submitted(category)
