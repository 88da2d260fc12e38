"""Fixtures of the education tests: each test stores its files in its own temporary folder, with no
virus scanner (``private_storage``, autouse); an accepted IFS ``application``, its ``owner``, a
``coordinator`` of the association (overriding tests/conftest.py's) and one ``education`` entry."""

import pytest

from accounts.enums import Role
from endorsement.enums import ApplicationState
from tests.factories import (
    ApplicationFactory,
    EducationFactory,
    EndorsementCategoryFactory,
    FrameworkFactory,
)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.CLAMAV_SOCKET = ""
    return tmp_path / "private"


@pytest.fixture
def application(association):
    category = EndorsementCategoryFactory(
        framework=FrameworkFactory(association=association), code="IFS"
    )
    return ApplicationFactory(category=category, state=ApplicationState.ACCEPTED)


@pytest.fixture
def owner(application):
    return application.applicant


@pytest.fixture
def coordinator(make_staff, association):
    return make_staff(Role.COORDINATOR, association)


@pytest.fixture
def education(application):
    return EducationFactory(
        application=application,
        credential="BA in Psychology",
        institution="Northfield State University",
    )
