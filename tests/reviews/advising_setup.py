"""Fixtures of the advising tests: an accepted application in Northfield with its people."""

import pytest

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from tests.factories import ApplicationFactory, EndorsementCategoryFactory, UserFactory


def fresh(application) -> Application:
    return Application.objects.select_related("association", "advisor").get(pk=application.pk)


@pytest.fixture
def category(association):
    return EndorsementCategoryFactory(
        framework__association=association, code="IFS", name="Infant Family Specialist"
    )


@pytest.fixture
def applicant(db):
    return UserFactory(full_name="Ana Applicant", email="ana@example.org")


@pytest.fixture
def application(category, applicant):
    return ApplicationFactory(category=category, applicant=applicant, state=S.ACCEPTED)


@pytest.fixture
def coordinator(make_staff, association):
    user = make_staff(Role.COORDINATOR, association, user__full_name="Casey Coordinator")
    return user


@pytest.fixture
def advisor(make_staff, association):
    return make_staff(Role.ADVISOR, association, user__full_name="Avery Advisor")


@pytest.fixture
def advised(application, advisor):
    """The application with its advisor assigned."""
    Application.objects.filter(pk=application.pk).update(advisor=advisor)
    return fresh(application)
