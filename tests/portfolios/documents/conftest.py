"""Fixtures of the document tests: each test stores its files in its own temporary folder, with no
virus scanner (``private_storage``, autouse); an accepted ``application`` and its ``owner``."""

import pytest

from endorsement.enums import ApplicationState
from tests.factories import ApplicationFactory, EndorsementCategoryFactory, FrameworkFactory


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test stores its files in its own temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.CLAMAV_SOCKET = ""
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = ""
    return tmp_path / "private"


@pytest.fixture
def application(association):
    category = EndorsementCategoryFactory(framework=FrameworkFactory(association=association))
    return ApplicationFactory(category=category, state=ApplicationState.ACCEPTED)


@pytest.fixture
def owner(application):
    return application.applicant
