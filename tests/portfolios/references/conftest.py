"""Fixtures of the references tests: a ``category`` (code IFS, overriding tests/conftest.py's) with
one reference row per kind and competency items to rate, and Ana's accepted ``application`` to it
(see tests/portfolios/references_helpers.py); ``invite`` asks a rater through the service."""

import pytest

from portfolios.enums import RaterRelationship
from portfolios.references import reference_invite
from tests.portfolios.references_helpers import last_token, make_application, make_category


@pytest.fixture
def category(association):
    return make_category(association)


@pytest.fixture
def application(category):
    return make_application(category)


@pytest.fixture
def invite(application, django_capture_on_commit_callbacks):
    """invite(**overrides) -> (reference, token): through the service, e-mail sent."""

    def _invite(**kwargs):
        values = {
            "application": application,
            "rater_name": "Grace Supervisor",
            "rater_email": "grace@example.org",
            "relationship": RaterRelationship.CURRENT_SUPERVISOR,
            "waive": False,
            "by": application.applicant,
            **kwargs,
        }
        with django_capture_on_commit_callbacks(execute=True):
            reference = reference_invite(**values)
        return reference, last_token()

    return _invite
