"""Fixtures of the review pages' tests: Northfield reads each portfolio with two reviewers; its IFS
``category`` (overriding tests/conftest.py's) is in a framework with competency areas (``areas``,
the ones a reviewer rates); ``application`` is a portfolio of that category, submitted once, and
``assigned`` is (that application, Rita's assignment, Ray's assignment)."""

import pytest

from reviews.models import ReviewAssignment
from reviews.selectors.reviewing import review_areas
from reviews.services.reviewing import review_assign
from tests.reviews.helpers import due, make_framework, submitted


@pytest.fixture
def category(association):
    association.reviewers_per_portfolio = 2
    association.save()
    return make_framework(association)[0]


@pytest.fixture
def areas(category):
    return review_areas(application=submitted(category))


@pytest.fixture
def application(category):
    return submitted(category)


@pytest.fixture
def assigned(application, coordinator, rita, ray):
    review_assign(application=application, reviewers=[rita, ray], due_on=due(), by=coordinator)
    application.refresh_from_db()
    by = {a.reviewer_id: a for a in ReviewAssignment.objects.all()}
    return application, by[rita.pk], by[ray.pk]
