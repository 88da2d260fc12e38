"""The verification API: the page's public facts as JSON, bulk look-ups, clear 4xx answers to
bad requests (never a 500) and a per-IP rate limit."""

import json

import pytest

from endorsement.enums import EndorsementStatus
from tests.factories import EndorsementFactory

LOOKUP = "/api/v1/endorsements/lookup"


def get(client, number, **headers):
    return client.get(f"/api/v1/endorsements/{number}", headers=headers)


def lookup(client, body):
    return client.post(LOOKUP, data=json.dumps(body), content_type="application/json")


def test_an_endorsement_s_public_facts(client, db, settings):
    settings.SITE_URL = "https://portal.example.org"
    endorsement = EndorsementFactory(
        status=EndorsementStatus.REVOKED, status_reason="Ethics finding."
    )
    response = get(client, endorsement.number)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["number"] == endorsement.number
    assert body["holder_name"] == endorsement.holder.get_full_name()
    assert body["category"] == {
        "code": endorsement.category.code,
        "name": endorsement.category.display_name,
    }
    assert body["association"] == {
        "name": endorsement.association.name,
        "slug": endorsement.association.slug,
    }
    assert (body["status"], body["status_label"], body["status_reason"]) == (
        "revoked",
        "Revoked",
        "Ethics finding.",
    )
    assert body["awarded_on"] == endorsement.awarded_on.isoformat()
    assert body["valid_through"] == endorsement.valid_through.isoformat()
    assert body["verification_url"] == (f"https://portal.example.org/verify/{endorsement.number}/")
    assert "email" not in json.dumps(body)


def test_the_category_and_status_in_the_language_asked_for(client, db):
    endorsement = EndorsementFactory(category__names={"es": "Especialista en Bebés y Familias"})
    body = get(client, endorsement.number, accept_language="es").json()
    assert body["category"]["name"] == "Especialista en Bebés y Familias"
    assert body["status_label"] == "Activo"
    assert body["status_reason"] == ""


def test_a_name_with_markup_comes_back_as_the_same_text(client, db):
    name = '<script>alert("x")</script> & <b>Ana</b>'
    endorsement = EndorsementFactory()
    endorsement.holder.full_name = name
    endorsement.holder.save()
    response = get(client, endorsement.number)
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["holder_name"] == name
    assert "&lt;" not in response.content.decode()


@pytest.mark.parametrize(
    "number",
    [
        "TEST-IFS-2026-9999",
        "..%2F..%2Fetc",
        "../../etc/passwd",
        "A" * 300,
        "A" * 5000 + "-2026-0001",
        "Señora-2026-0001",
        "TEST-IFS-%D9%A2%D9%A0%D9%A2%D9%A6-0001",  # Arabic-Indic digits
        "%00",
        "TEST-IFS-2026-0001%00",
        "%E2%80%AE",
        "%ff%fe",
        "a/b/c",
        "TEST-IFS-2026-0001/extra",
    ],
)
def test_unknown_and_malformed_numbers_are_a_json_404(client, db, number):
    response = get(client, number)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "No endorsement has this number."}


def test_a_bulk_lookup_lists_found_and_not_found(client, db):
    first, second = EndorsementFactory(), EndorsementFactory()
    response = lookup(
        client, {"numbers": [second.number, "NOPE-2026-0001", first.number, second.number, "<x>"]}
    )
    assert response.status_code == 200
    body = response.json()
    assert [item["number"] for item in body["found"]] == [second.number, first.number]
    assert body["found"][0] == get(client, second.number).json()
    assert body["not_found"] == ["NOPE-2026-0001", "<x>"]


def test_the_lookup_costs_one_query_for_1_or_500_numbers(client, db, django_assert_num_queries):
    endorsements = EndorsementFactory.create_batch(3)
    numbers = [e.number for e in endorsements] + [f"NOPE-2026-{n:04d}" for n in range(497)]
    for wanted in (numbers[:1], numbers):
        with django_assert_num_queries(1):
            response = lookup(client, {"numbers": wanted})
        assert response.status_code == 200
    assert len(response.json()["found"]) == 3
    assert len(response.json()["not_found"]) == 497


@pytest.mark.parametrize(
    "body",
    [
        {"numbers": [f"NOPE-2026-{n:04d}" for n in range(501)]},
        {"numbers": [f"NOPE-2026-{n:04d}" for n in range(10_000)]},
        {"numbers": [1, 2]},
        {"numbers": [None]},
        {"numbers": [["TEST-IFS-2026-0001"]]},
        {"numbers": "TEST-IFS-2026-0001"},
        {"numbers": []},
        {"numbers": ["A" * 61]},
        {},
        [],
        "numbers",
    ],
)
def test_bad_lookups_are_a_422(client, db, django_assert_num_queries, body):
    with django_assert_num_queries(0):
        response = lookup(client, body)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


@pytest.mark.parametrize("data", ["{not json", b"\xff\xfe", "[" * 5000 + "]" * 5000, "numbers=X"])
def test_a_body_that_is_not_json_is_a_400(client, db, data):
    response = client.post(LOOKUP, data=data, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=xx",
        "application/xml",
        "",
    ],
)
def test_a_body_not_sent_as_json_is_a_415_that_says_what_to_send(
    client, db, content_type, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.post(
            LOOKUP, data='{"numbers": ["TEST-IFS-2026-0001"]}', content_type=content_type
        )
    assert response.status_code == 415
    assert response.json() == {
        "detail": "Send the numbers as JSON, with Content-Type: application/json."
    }


def test_an_empty_body_is_a_4xx_that_says_why(client, db):
    declared = client.generic("POST", LOOKUP, b"", CONTENT_TYPE="application/json")
    assert declared.status_code == 422
    assert declared.json()["detail"][0]["msg"] == "Field required"
    undeclared = client.generic("POST", LOOKUP, b"")
    assert undeclared.status_code == 415


def test_json_with_a_charset_is_json(client, db):
    endorsement = EndorsementFactory()
    response = client.post(
        LOOKUP,
        data=json.dumps({"numbers": [endorsement.number]}),
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 200
    assert [item["number"] for item in response.json()["found"]] == [endorsement.number]


@pytest.mark.parametrize("item", [None, 1, {"number": "TEST-IFS-2026-0001"}, [[["x"]]], True])
def test_ten_thousand_non_strings_are_a_422_that_says_why(client, db, item):
    response = lookup(client, {"numbers": [item] * 10_000})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == (
        "List should have at most 500 items after validation, not 10000"
    )


@pytest.mark.parametrize(
    "number",
    ["a\u0000b-2026-0001", "TEST-IFS-2026-0001\n", "Señora-2026-0001", "../../etc/passwd", "😀"],
)
def test_odd_strings_in_a_lookup_are_not_found(client, db, number):
    EndorsementFactory(number="TEST-IFS-2026-0001")
    response = lookup(client, {"numbers": [number]})
    assert response.status_code == 200
    assert response.json() == {"found": [], "not_found": [number]}


def test_the_lookup_takes_only_post(client, db):
    response = client.get(LOOKUP)
    assert response.status_code == 405


def test_a_body_above_the_upload_limit_is_a_413(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = lookup(client, {"numbers": ["NOPE-2026-0001"] * 200})
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large."}


def test_the_rate_limits_answer_429_with_retry_after(client, db, settings):
    settings.API_RATE_LIMIT_GET = "3/m"
    settings.API_RATE_LIMIT_LOOKUP = "2/m"
    assert [get(client, "NOPE-2026-0001").status_code for _ in range(4)] == [404, 404, 404, 429]
    refused = get(client, "NOPE-2026-0001")
    assert refused.status_code == 429
    assert refused.json() == {"detail": "Too many requests: try again later."}
    assert 0 < int(refused["Retry-After"]) <= 60
    body = {"numbers": ["NOPE-2026-0001"]}
    assert [lookup(client, body).status_code for _ in range(3)] == [200, 200, 429]
    other = client.get("/api/v1/endorsements/NOPE-2026-0001", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 404  # another address has its own count


def test_the_rate_limit_ignores_a_forged_forwarded_for(client, db, settings):
    settings.API_RATE_LIMIT_GET = "1/m"
    assert get(client, "NOPE-2026-0001").status_code == 404
    assert get(client, "NOPE-2026-0001", x_forwarded_for="10.1.2.3").status_code == 429


def test_behind_a_proxy_the_limit_counts_the_address_it_forwards(client, db, settings):
    settings.API_RATE_LIMIT_GET = "1/m"
    settings.TRUSTED_PROXY_COUNT = 1

    def from_client(address, forged=""):
        chain = f"{forged}, {address}" if forged else address
        return get(client, "NOPE-2026-0001", x_forwarded_for=chain).status_code

    assert from_client("203.0.113.5") == 404
    assert from_client("203.0.113.5", forged="10.9.9.9") == 429
    assert from_client("203.0.113.6") == 404


def test_the_openapi_document_and_the_docs_page_are_served(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/endorsements/{number}",
        "/api/v1/endorsements/lookup",
        "/api/v1/credentials/verify",
    }
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "/api/v1/openapi.json" in html


def test_the_api_answers_in_spanish_too(client, db):
    response = get(client, "NOPE-2026-0001", accept_language="es")
    assert response.json() == {"detail": "Ningún Endoso tiene este número."}
    assert response["Content-Language"] == "es"
