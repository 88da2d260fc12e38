"""Open Badges 3.0: the issuer profile and JWKS, the OpenBadgeCredential signed as a VC-JWT, the
Bitstring Status Lists, the holder's download and the badge check (page and API).

Every signature here is verified the way an outside verifier would: the JWKS fetched from the
served URL, the key chosen by the header's kid, through joserfc."""

import datetime
import io
import json
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import KeySet

from accounts.enums import Role
from accounts.models import User
from credentials.badges import (
    OB_CONTEXT,
    STATUS_LIST_BITS,
    VC_CONTEXT,
    bit_is_set,
    decode_bits,
    encode_bits,
)
from credentials.keys import registry
from credentials.models import StatusListEntry
from credentials.revocation import endorsement_revoke
from endorsement.enums import ApplicationState, EndorsementStatus
from endorsement.models import Application, Endorsement
from tests.factories import (
    CompetencyAreaFactory,
    CompetencyFactory,
    EndorsementFactory,
    RequirementFactory,
    UserFactory,
    endorsement_status_set,
)

SCRIPT_NAME = '<script>alert("x")</script> Farah & Co'


@pytest.fixture
def endorsement(db, association):
    endorsement = EndorsementFactory(
        application__association=association,
        application__applicant=UserFactory(full_name=SCRIPT_NAME),
        category__framework__association=association,
        category__code="IFS",
        category__name="Infant Family Specialist",
        category__names={"es": "Especialista en Familia e Infancia"},
        category__summary="For those who work with families.",
        number="NORTHFIELD-IFS-2026-0007",
        awarded_on=datetime.date(2026, 3, 2),
        valid_through=datetime.date(2027, 3, 1),
    )
    category = endorsement.category
    RequirementFactory(category=category, kind="training", min_hours=30)
    area = CompetencyAreaFactory(framework=category.framework, code="theory", name="Theory")
    CompetencyFactory(area=area, name="Pregnancy and early parenthood").categories.add(category)
    return endorsement


@pytest.fixture
def key(endorsement):
    call_command("credential_keys", "--association", "northfield", stdout=io.StringIO())
    return endorsement.association.issuer_keys.get()


def served_key_set(client, slug="northfield") -> KeySet:
    profile = client.get(reverse("credentials:issuer", kwargs={"slug": slug})).json()
    assert profile["jwks_uri"] == f"http://127.0.0.1:8000/a/{slug}/issuer/jwks.json"
    return KeySet.import_key_set(client.get(urlsplit(profile["jwks_uri"]).path).json())


def verify(client, token: str):
    """The token checked with the served JWKS, the key chosen by kid (joserfc)."""
    return jwt.decode(token, served_key_set(client), registry=registry())


def download(client, endorsement) -> str:
    client.force_login(endorsement.holder)
    response = client.get(reverse("credentials:badge.download", kwargs={"pk": endorsement.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert "attachment" in response["Content-Disposition"]
    client.logout()
    return response.content.decode()


def status_bit(client, endorsement, purpose: str) -> bool:
    """The endorsement's bit in the served status list, its signature checked."""
    url = reverse(
        "credentials:status_list", kwargs={"slug": endorsement.association.slug, "purpose": purpose}
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    token = verify(client, response.content.decode())
    subject = token.claims["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"]) == ("BitstringStatusList", purpose)
    assert token.claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    bits = decode_bits(subject["encodedList"])
    assert len(bits) * 8 >= 131_072
    return bit_is_set(bits, endorsement.status_list_entry.index)


# --- Publishing ------------------------------------------------------------------------------


def test_the_issuer_profile_and_jwks_are_public_json(client, key, association):
    response = client.get(reverse("credentials:issuer", kwargs={"slug": "northfield"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "max-age" in response["Cache-Control"] and "public" in response["Cache-Control"]
    profile = response.json()
    assert profile["type"] == ["Profile"]
    assert profile["name"] == association.name
    assert profile["email"] == association.contact_email
    assert profile["id"] == "http://127.0.0.1:8000/a/northfield/issuer/"
    jwks = client.get(reverse("credentials:issuer.jwks", kwargs={"slug": "northfield"})).json()
    assert [k["kid"] for k in jwks["keys"]] == [key.kid]
    assert all("d" not in k for k in jwks["keys"])


def test_unknown_associations_and_purposes_get_404(client, key):
    assert client.get("/a/nowhere/issuer/").status_code == 404
    assert client.get("/a/nowhere/issuer/jwks.json").status_code == 404
    assert client.get("/a/northfield/issuer/status/whatever/").status_code == 404
    assert client.get("/a/nowhere/issuer/status/revocation/").status_code == 404


def test_no_key_no_status_list_and_no_badge(client, endorsement):
    assert client.get("/a/northfield/issuer/status/revocation/").status_code == 404
    client.force_login(endorsement.holder)
    url = reverse("credentials:badge.download", kwargs={"pk": endorsement.pk})
    assert client.get(url).status_code == 404


# --- The credential --------------------------------------------------------------------------


def test_the_credential_verifies_with_the_served_jwks(client, key, endorsement):
    token = verify(client, download(client, endorsement))
    assert token.header == {"alg": "EdDSA", "kid": key.kid, "typ": "vc+jwt"}
    vc = token.claims
    assert vc["@context"] == [VC_CONTEXT, OB_CONTEXT]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["issuer"]["id"] == vc["iss"] == "http://127.0.0.1:8000/a/northfield/issuer/"
    assert vc["validFrom"] == "2026-03-02T00:00:00Z"
    assert vc["validUntil"] == "2027-03-01T23:59:59Z"
    assert vc["nbf"] == int(datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC).timestamp())
    assert vc["jti"] == vc["id"] == "http://127.0.0.1:8000/verify/NORTHFIELD-IFS-2026-0007/"
    achievement = vc["credentialSubject"]["achievement"]
    assert achievement["name"] == "Infant Family Specialist"
    assert achievement["description"] == "For those who work with families."
    assert "30 hours" in achievement["criteria"]["narrative"]
    assert [a["targetName"] for a in achievement["alignment"]] == ["Theory"]
    area_url = achievement["alignment"][0]["targetUrl"]
    page = client.get(urlsplit(area_url).path).content.decode()
    assert f'id="{urlsplit(area_url).fragment}"' in page
    statuses = {entry["statusPurpose"]: entry for entry in vc["credentialStatus"]}
    index = str(endorsement.status_list_entry.index)
    assert set(statuses) == {"revocation", "suspension"}
    for purpose, entry in statuses.items():
        assert entry["type"] == "BitstringStatusListEntry"
        assert entry["statusListIndex"] == index
        assert entry["statusListCredential"].endswith(f"/a/northfield/issuer/status/{purpose}/")


def test_the_holders_name_stays_text_in_the_json(client, key, endorsement):
    token = download(client, endorsement)
    assert verify(client, token).claims["credentialSubject"]["name"] == SCRIPT_NAME
    client.force_login(endorsement.holder)
    body = client.get(reverse("credentials:badge.json", kwargs={"pk": endorsement.pk}))
    assert body["Content-Type"].startswith("application/json")
    assert body["X-Content-Type-Options"] == "nosniff"
    assert json.loads(body.content)["credentialSubject"]["name"] == SCRIPT_NAME


def test_the_index_is_stable_and_unique_per_association(client, key, endorsement, association):
    download(client, endorsement)
    first = StatusListEntry.objects.get(endorsement=endorsement).index
    download(client, endorsement)
    assert StatusListEntry.objects.get(endorsement=endorsement).index == first
    other = EndorsementFactory(application__association=association, category=endorsement.category)
    download(client, other)
    assert StatusListEntry.objects.get(endorsement=other).index != first


def test_after_rotation_old_credentials_verify_and_new_ones_use_the_new_kid(
    client, key, endorsement
):
    old_token = download(client, endorsement)
    call_command("credential_keys", "--association", "northfield", "--rotate", stdout=io.StringIO())
    new_token = download(client, endorsement)
    assert verify(client, old_token).header["kid"] == key.kid
    new_kid = verify(client, new_token).header["kid"]
    assert new_kid != key.kid
    assert new_kid == endorsement.association.issuer_keys.get(retired_at__isnull=True).kid


def test_the_download_is_the_holders_current_name(client, key, endorsement):
    holder = endorsement.holder
    holder.full_name = "Farah Renamed"
    holder.save()
    assert verify(client, download(client, endorsement)).claims["credentialSubject"]["name"] == (
        "Farah Renamed"
    )


# --- Status lists ------------------------------------------------------------------------------


def test_the_revocation_bit_flips_on_revocation(client, key, endorsement, coordinator):
    download(client, endorsement)
    endorsement.refresh_from_db()
    assert status_bit(client, endorsement, "revocation") is False
    endorsement_revoke(endorsement=endorsement, by=coordinator, reason="Board decision.")
    assert status_bit(client, endorsement, "revocation") is True
    assert status_bit(client, endorsement, "suspension") is False


def test_the_suspension_bit_flips_on_lapse(client, key, endorsement):
    download(client, endorsement)
    endorsement.refresh_from_db()
    assert status_bit(client, endorsement, "suspension") is False
    endorsement_status_set(endorsement, EndorsementStatus.LAPSED, status_since=timezone.now())
    assert status_bit(client, endorsement, "suspension") is True
    assert status_bit(client, endorsement, "revocation") is False
    endorsement_status_set(endorsement, EndorsementStatus.ACTIVE)
    assert status_bit(client, endorsement, "suspension") is False


def test_the_bitstring_encoding_round_trips():
    encoded = encode_bits([0, 9, STATUS_LIST_BITS - 1])
    assert encoded.startswith("u") and "=" not in encoded
    bits = decode_bits(encoded)
    assert len(bits) == STATUS_LIST_BITS // 8
    assert bits[0] == 0x80 and bits[1] == 0x40 and bits[-1] == 0x01
    assert [i for i in range(16) if bit_is_set(bits, i)] == [0, 9]


def _many_with_entries(first, count: int) -> None:
    users = User.objects.bulk_create(
        User(email=f"holder{n}@example.org", full_name=f"Holder {n}") for n in range(count)
    )
    applications = Application.objects.bulk_create(
        Application(
            association=first.association,
            category=first.category,
            applicant=user,
            state=ApplicationState.AWARDED,
        )
        for user in users
    )
    statuses = [EndorsementStatus.ACTIVE, EndorsementStatus.REVOKED, EndorsementStatus.LAPSED]
    endorsements = Endorsement.objects.bulk_create(
        Endorsement(
            association=first.association,
            application=application,
            holder=application.applicant,
            category=first.category,
            number=f"BULK-IFS-2026-{n:04d}",
            awarded_on=first.awarded_on,
            valid_through=first.valid_through,
            status=statuses[n % 3],
        )
        for n, application in enumerate(applications)
    )
    StatusListEntry.objects.bulk_create(
        StatusListEntry(endorsement=e, association=first.association, index=n + 1)
        for n, e in enumerate(endorsements)
    )


@pytest.mark.parametrize("size", [10, 600])
def test_the_status_list_reads_the_same_few_queries_at_any_size(
    client, key, endorsement, size, django_assert_max_num_queries
):
    _many_with_entries(endorsement, size)
    url = reverse("credentials:status_list", kwargs={"slug": "northfield", "purpose": "revocation"})
    with django_assert_max_num_queries(3) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(captured) == 3  # the association, its key, the set bits
    bits = decode_bits(
        verify(client, response.content.decode()).claims["credentialSubject"]["encodedList"]
    )
    assert sum(bit_is_set(bits, n + 1) for n in range(size)) == len(range(1, size, 3))
    with django_assert_max_num_queries(1):  # the association; the list is cached
        client.get(url)


# --- Who may download ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["badge.download", "badge.json"])
def test_only_the_holder_their_coordinator_and_admin_download(
    client, key, endorsement, make_staff, other_association, name
):
    url = reverse(f"credentials:{name}", kwargs={"pk": endorsement.pk})
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    allowed = [
        endorsement.holder,
        make_staff(Role.COORDINATOR, endorsement.association),
        make_staff(Role.ASSOCIATION_ADMIN, endorsement.association),
    ]
    refused = [
        UserFactory(),
        make_staff(Role.REVIEWER, endorsement.association),
        make_staff(Role.COORDINATOR, other_association),
    ]
    for user in allowed:
        client.force_login(user)
        assert client.get(url).status_code == 200, user
    for user in refused:
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.force_login(endorsement.holder)
    assert client.get(reverse(f"credentials:{name}", kwargs={"pk": 99999})).status_code == 404


def test_the_holder_dashboard_and_the_application_page_link_the_badge(
    client, key, endorsement, coordinator
):
    from credentials.models import Certificate, CertificateState

    Certificate.objects.create(
        endorsement=endorsement,
        state=CertificateState.READY,
        file="certificates/x.pdf",
        holder_name="Farah",
    )
    url = reverse("credentials:badge.download", kwargs={"pk": endorsement.pk})
    client.force_login(endorsement.holder)
    assert url in client.get(reverse("accounts:dashboard.applicant")).content.decode()
    client.force_login(coordinator)
    detail = reverse("endorsement:detail", kwargs={"application_id": endorsement.application_id})
    assert url in client.get(detail).content.decode()


# --- Checking a badge ------------------------------------------------------------------------

API = "/api/v1/credentials/verify"


def test_the_api_says_a_genuine_badge_is_valid_with_its_current_status(
    client, key, endorsement, coordinator
):
    token = download(client, endorsement)
    answer = client.post(API, {"credential": token}, content_type="application/json")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["valid"], body["current"], body["kid"]) == (True, True, key.kid)
    assert body["holder_name"] == SCRIPT_NAME
    assert body["endorsement"]["status"] == "active"
    endorsement_revoke(endorsement=endorsement, by=coordinator, reason="Board decision.")
    body = client.post(API, {"credential": token}, content_type="application/json").json()
    assert (body["valid"], body["current"]) == (True, False)
    assert body["endorsement"]["status"] == "revoked"


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    import base64

    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["name"] = "Someone Else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


@pytest.mark.parametrize(
    "bad",
    [
        "tampered",
        "truncated",
        "garbage",
        "",
        "a.b.c",
        "eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.",
        "unknown kid",
        "\u00e9\u00e9.\u00e9.\u00e9",
    ],
)
def test_a_bad_badge_is_invalid_never_a_500(client, key, endorsement, bad):
    token = download(client, endorsement)
    if bad == "tampered":
        bad = _tampered(token)
    elif bad == "truncated":
        bad = token[: len(token) // 2]
    elif bad == "garbage":
        bad = "not a badge at all"
    elif bad == "unknown kid":
        header = token.split(".")[0]
        bad = token.replace(header, "eyJhbGciOiJFZERTQSIsImtpZCI6Im5vcGUifQ", 1)
    answer = client.post(API, {"credential": bad}, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["valid"] is False and answer.json()["reason"]
    page = client.post(reverse("credentials:badge.check"), {"badge": bad})
    assert page.status_code == 400


@pytest.mark.parametrize(
    "body", [{}, {"credential": 5}, {"credential": ["x"]}, {"credential": "x" * 20_001}, "[]"]
)
def test_a_malformed_request_gets_422(client, db, body):
    payload = body if isinstance(body, str) else json.dumps(body)
    answer = client.post(API, payload, content_type="application/json")
    assert answer.status_code == 422


def test_the_check_page_shows_a_valid_badge_with_the_name_as_text(client, key, endorsement):
    token = download(client, endorsement)
    page = client.get(reverse("credentials:badge.check"))
    assert page.status_code == 200
    answer = client.post(reverse("credentials:badge.check"), {"badge": token})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'data-valid="true"' in html
    assert "&lt;script&gt;" in html and SCRIPT_NAME not in html
    assert reverse("credentials:verify", kwargs={"number": endorsement.number}) in html


def test_the_verification_page_links_the_issuer_and_the_check(client, key, endorsement):
    html = client.get(
        reverse("credentials:verify", kwargs={"number": endorsement.number})
    ).content.decode()
    assert "/a/northfield/issuer/" in html
    assert "/a/northfield/issuer/jwks.json" in html
    assert reverse("credentials:badge.check") in html


def test_a_list_computed_before_a_change_and_stored_after_it_is_not_served(
    client, key, endorsement, monkeypatch
):
    """A request that read the bits, then a revocation commits, then the request stores its
    list: the stale list must not be served."""
    from credentials import badges

    download(client, endorsement)
    endorsement.refresh_from_db()
    real = badges.set_indexes

    def read_then_change(association, purpose):
        indexes = real(association, purpose)
        endorsement_status_set(
            endorsement, EndorsementStatus.REVOKED
        )  # forgets (post_save) while the list is being built
        return indexes

    monkeypatch.setattr(badges, "set_indexes", read_then_change)
    assert status_bit(client, endorsement, "revocation") is False  # computed before the change
    monkeypatch.setattr(badges, "set_indexes", real)
    assert status_bit(client, endorsement, "revocation") is True


def test_an_unreadable_key_gives_404_not_500(client, key, endorsement, settings):
    settings.CREDENTIAL_KEYS_SECRET = "not the secret the key was stored with"
    client.force_login(endorsement.holder)
    url = reverse("credentials:badge.download", kwargs={"pk": endorsement.pk})
    assert client.get(url).status_code == 404
    assert client.get("/a/northfield/issuer/status/revocation/").status_code == 404


def test_an_award_takes_its_place_in_the_status_lists_so_a_revocation_shows_before_any_download(
    client, key, association, make_staff, django_capture_on_commit_callbacks, eager
):
    from endorsement.awards import endorsement_award
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(
        association=association,
        category__framework__association=association,
        state=ApplicationState.APPROVED,
    )
    coordinator = make_staff(Role.COORDINATOR, association)
    with django_capture_on_commit_callbacks(execute=True):
        awarded = endorsement_award(application=application, by=coordinator)
    assert StatusListEntry.objects.filter(endorsement=awarded).exists()
    assert status_bit(client, awarded, "revocation") is False
    endorsement_revoke(endorsement=awarded, by=coordinator, reason="Board decision.")
    assert status_bit(client, awarded, "revocation") is True
