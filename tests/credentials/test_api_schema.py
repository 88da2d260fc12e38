"""Schemathesis against the OpenAPI document the portal serves: generated requests to every
operation get no server error and no response that breaks the document."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from endorsement.enums import EndorsementStatus
from tests.factories import EndorsementFactory

CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def api_schema(db, settings):
    """The served document, called through the WSGI application in this test's transaction."""
    settings.API_RATE_LIMIT_GET = "100000/m"
    settings.API_RATE_LIMIT_LOOKUP = "100000/m"
    # As Django's test client does: a request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_generated_requests_get_no_server_error_and_conform(api_schema):
    # Hypothesis driven here rather than with schemathesis.pytest.from_fixture, whose lazy
    # loading does not run under pytest 9 (it sets the node's private ``_nodeid``).
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {(op.method.upper(), op.path) for op in operations} == {
        ("GET", "/api/v1/endorsements/{number}"),
        ("POST", "/api/v1/endorsements/lookup"),
        ("POST", "/api/v1/credentials/verify"),
    }
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(checks=CHECKS)

        check()


def test_real_endorsements_conform(api_schema):
    revoked = EndorsementFactory(status=EndorsementStatus.REVOKED, status_reason="<b>Ethics</b>")
    active = EndorsementFactory()
    one = api_schema["/api/v1/endorsements/{number}"]["GET"]
    for number in (revoked.number, active.number, "NOPE-2026-0001"):
        response = one.Case(path_parameters={"number": number}).call_and_validate(checks=CHECKS)
        assert response.status_code == (404 if number.startswith("NOPE") else 200)
    many = api_schema["/api/v1/endorsements/lookup"]["POST"]
    body = {"numbers": [revoked.number, active.number, "NOPE-2026-0001"]}
    response = many.Case(body=body, media_type="application/json").call_and_validate(checks=CHECKS)
    assert len(response.json()["found"]) == 2
