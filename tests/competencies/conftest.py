import copy

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from competencies.framework_data import framework_data_read
from competencies.services import framework_load
from endorsement.services import application_register, application_transition
from tests.factories import RoleGrantFactory, UserFactory

_SHIPPED = framework_data_read()


@pytest.fixture
def framework_data():
    """The shipped framework file, parsed; a deep copy each time, so tests may change it."""
    return copy.deepcopy(_SHIPPED)


@pytest.fixture
def loaded(association, framework_data):
    """The association with the shipped framework loaded: {version: Framework}."""
    frameworks = framework_load(association=association, data=framework_data)
    return {framework.version: framework for framework in frameworks}


@pytest.fixture
def submit_application(only_the_workflow):
    """submit_application(category) -> an application accepted, then submitted (a bare
    portfolio: the conditions of later apps are left out)."""

    def _submit(category):
        applicant = UserFactory()
        coordinator = RoleGrantFactory(association=category.framework.association).user
        application = application_register(applicant=applicant, category=category)
        application = application_transition(
            application=application, action="accept", by=coordinator
        )
        return application_transition(application=application, action="submit", by=applicant)

    return _submit


@pytest.fixture
def superuser_client(client, db):
    """A client logged in as a superuser who has set up TOTP (the admin requires it)."""
    user = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    client.user = user
    return client
