import pytest

from config.celery import app as celery_app


@pytest.fixture
def eager():
    """Tasks run where they are sent (the test settings send them to Redis)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before
