"""Open Badges 3.0: the issuer profile, the OpenBadgeCredential of an endorsement and the
Bitstring Status Lists, each signed as a VC-JWT (JOSE header ``alg: EdDSA``, ``kid``,
``typ: vc+jwt``; the payload is the credential itself, with ``iss``, ``jti``, ``iat``, ``nbf`` and
``exp``) with the association's current key (``credentials.keys``).

A credential is signed when it is downloaded, so the download is always the holder's current
credential (their current name, the category's current wording); its status is not in it but in
the status lists, which the portal computes from the endorsements' statuses when asked.
"""

import base64
import datetime
import gzip
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from joserfc import jwt

from credentials.keys import ALGORITHM, KeyUnavailable, current_key, registry, signing_key
from credentials.links import verification_url
from credentials.models import StatusListEntry
from endorsement.enums import EndorsementStatus

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
JWT_TYPE = "vc+jwt"
MEDIA_TYPE = "application/vc+jwt"

# The status lists' length in bits: the spec's minimum (16 KB), for herd privacy. Indexes are
# drawn at random below it.
STATUS_LIST_BITS = 131_072
# The purposes published, and the endorsement status that sets an entry's bit in each.
STATUS_PURPOSES = {
    "revocation": EndorsementStatus.REVOKED,
    "suspension": EndorsementStatus.LAPSED,
}
# How long a status list stays in the cache (and may be kept by browsers and proxies): emptied
# at once when an endorsement's status changes.
STATUS_LIST_CACHE_SECONDS = 60
# How long the issuer profile and the JWKS may be kept by browsers and proxies.
ISSUER_CACHE_SECONDS = 300


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def issuer_url(association) -> str:
    return absolute(reverse("credentials:issuer", kwargs={"slug": association.slug}))


def jwks_url(association) -> str:
    return absolute(reverse("credentials:issuer.jwks", kwargs={"slug": association.slug}))


def status_list_url(association, purpose: str) -> str:
    return absolute(
        reverse("credentials:status_list", kwargs={"slug": association.slug, "purpose": purpose})
    )


def issuer_profile(association) -> dict:
    """The association as an Open Badges ``Profile`` (no query). ``jwks_uri`` names where its
    public keys are, chosen by the ``kid`` of a credential's header."""
    profile = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer_url(association),
        "type": ["Profile"],
        "name": association.name,
        "url": association.website
        or absolute(reverse("competencies:association", kwargs={"slug": association.slug})),
        "email": association.contact_email,
        "jwks_uri": jwks_url(association),
    }
    return profile


def _issuer_in_credential(association) -> dict:
    profile = issuer_profile(association)
    return {key: profile[key] for key in ("id", "type", "name", "url", "email")}


# --- Status list entries ---------------------------------------------------------------------


class StatusListFull(Exception):
    """No free index is left in the association's status lists."""


def status_list_entry(endorsement) -> StatusListEntry:
    """The endorsement's place in its association's status lists: given on first asking, at a
    random free index (so a list's order says nothing about when anyone was endorsed)."""
    entry = StatusListEntry.objects.filter(endorsement=endorsement).first()
    if entry is not None:
        return entry
    for _attempt in range(20):
        index = secrets.randbelow(STATUS_LIST_BITS)
        try:
            with transaction.atomic():
                return StatusListEntry.objects.create(
                    endorsement=endorsement, association_id=endorsement.association_id, index=index
                )
        except IntegrityError:
            # Taken (or the endorsement got its entry meanwhile): look again.
            entry = StatusListEntry.objects.filter(endorsement=endorsement).first()
            if entry is not None:
                return entry
    raise StatusListFull


# --- The credential --------------------------------------------------------------------------


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def _end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=datetime.UTC)


def _stamp(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def criteria_narrative(requirements) -> str:
    """The requirements of a category in plain sentences, one a line (renewal left out)."""
    from competencies.enums import RequirementKind

    renewal = {RequirementKind.RENEWAL_TRAINING, RequirementKind.RENEWAL_RSC}
    return "\n".join(
        "- " + requirement.describe()
        for requirement in requirements
        if requirement.kind not in renewal
    )


def achievement(category, association) -> dict:
    """The category as an Open Badges ``Achievement``: its name, who it is for, its
    requirements in plain words and its competency areas as alignments (2 queries)."""
    from competencies.selectors import category_areas, category_requirements

    page = absolute(
        reverse("competencies:category", kwargs={"slug": association.slug, "code": category.code})
    )
    name = category.display_name
    description = category.display_summary or name
    narrative = criteria_narrative(category_requirements(category_id=category.pk))
    alignments = [
        {
            "type": ["Alignment"],
            "targetName": group.area.display_name,
            "targetUrl": f"{page}#area-{group.area.code}",
            "targetCode": group.area.code,
            "targetFramework": category.framework.name,
            "targetType": "ext:CompetencyArea",
            "targetDescription": "; ".join(item.display_name for item in group.items),
        }
        for group in category_areas(category=category)
    ]
    result = {
        "id": page,
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": name,
        "description": description,
        "criteria": {"id": page, "narrative": narrative or description},
        "humanCode": category.code,
        "inLanguage": translation.get_language() or settings.LANGUAGE_CODE,
    }
    if alignments:
        result["alignment"] = alignments
    return result


def credential_status(association, index: int) -> list[dict]:
    entries = []
    for purpose in STATUS_PURPOSES:
        url = status_list_url(association, purpose)
        entries.append(
            {
                "id": f"{url}#{index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": purpose,
                "statusListIndex": str(index),
                "statusListCredential": url,
            }
        )
    return entries


def open_badge_credential(endorsement, *, index: int) -> dict:
    """The endorsement as an OpenBadgeCredential (W3C VC 2.0 with the OB 3.0 context), in the
    site's language. Reads the category's requirements and competency areas (2 queries)."""
    association = endorsement.association
    category = endorsement.category
    with translation.override(settings.LANGUAGE_CODE):
        subject_achievement = achievement(category, association)
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": verification_url(endorsement.number),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": subject_achievement["name"],
        "issuer": _issuer_in_credential(association),
        "validFrom": _stamp(_start_of(endorsement.awarded_on)),
        "validUntil": _stamp(_end_of(endorsement.valid_through)),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": endorsement.holder.get_full_name(),
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": endorsement.number,
                    "identityType": "identifier",
                    "hashed": False,
                }
            ],
            "achievement": subject_achievement,
        },
        "credentialStatus": credential_status(association, index),
    }


def sign(payload: dict, issuer_key) -> str:
    """``payload`` as a compact VC-JWT signed with ``issuer_key``."""
    header = {"alg": ALGORITHM, "kid": issuer_key.kid, "typ": JWT_TYPE}
    return jwt.encode(header, payload, signing_key(issuer_key), registry=registry())


@dataclass(frozen=True)
class SignedCredential:
    token: str
    credential: dict
    kid: str


def endorsement_credential(endorsement) -> SignedCredential:
    """The endorsement's OpenBadgeCredential signed now with its association's current key;
    KeyUnavailable when the association has none. ``endorsement`` is read with its association,
    category (and framework) and holder."""
    association = endorsement.association
    issuer_key = current_key(association)
    if issuer_key is None:
        raise KeyUnavailable(f"{association.slug} has no signing key.")
    index = status_list_entry(endorsement).index
    credential = open_badge_credential(endorsement, index=index)
    payload = dict(credential)
    payload.update(
        iss=credential["issuer"]["id"],
        jti=credential["id"],
        iat=int(timezone.now().timestamp()),
        nbf=int(_start_of(endorsement.awarded_on).timestamp()),
        exp=int(_end_of(endorsement.valid_through).timestamp()),
    )
    return SignedCredential(
        token=sign(payload, issuer_key), credential=credential, kid=issuer_key.kid
    )


# --- Bitstring Status Lists ------------------------------------------------------------------


def encode_bits(indexes, size: int = STATUS_LIST_BITS) -> str:
    """The bitstring with the bits at ``indexes`` set (bit 0 is the first byte's highest bit),
    GZIP-compressed, as multibase base64url without padding (prefix "u")."""
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode_bits(encoded: str) -> bytes:
    """The bitstring of an ``encodedList`` (the inverse of ``encode_bits``)."""
    if not encoded.startswith("u"):
        raise ValueError("Not multibase base64url.")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def bit_is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def _generation_key(association_id: int) -> str:
    return f"credentials:statuslist:{association_id}:generation"


def _status_list_cache_key(association_id: int, purpose: str) -> str:
    """The cache key of a list: it names the association's current generation, so a list
    computed before a change and stored after it is never read again."""
    generation = cache.get(_generation_key(association_id), 0)
    return f"credentials:statuslist:{association_id}:{generation}:{purpose}"


def status_list_forget(association_id: int) -> None:
    """The association's cached status lists are no longer read (a new generation)."""
    key = _generation_key(association_id)
    try:
        cache.incr(key)
    except ValueError:  # not in the cache yet
        cache.set(key, 1, None)


def status_list_forget_on_save(sender, instance, **kwargs) -> None:
    """``post_save`` of an endorsement: its bit may have changed. Now, and again once the
    transaction commits (a list read in between may have cached the old bits)."""
    association_id = instance.association_id
    status_list_forget(association_id)
    transaction.on_commit(lambda: status_list_forget(association_id))


def set_indexes(association, purpose: str) -> list[int]:
    """The indexes whose bit is set in the association's list for ``purpose`` (one query)."""
    return list(
        StatusListEntry.objects.filter(
            association=association, endorsement__status=STATUS_PURPOSES[purpose]
        ).values_list("index", flat=True)
    )


def status_list_credential(association, purpose: str) -> str:
    """The association's BitstringStatusListCredential for ``purpose`` as a signed VC-JWT, from
    the cache when it is there; else computed from the endorsements' statuses (two queries: the
    key and the set bits). KeyUnavailable when the association has no key."""
    key = _status_list_cache_key(association.pk, purpose)
    token = cache.get(key)
    if token is not None:
        return token
    issuer_key = current_key(association)
    if issuer_key is None:
        raise KeyUnavailable(f"{association.slug} has no signing key.")
    url = status_list_url(association, purpose)
    now = timezone.now()
    credential = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url(association),
        "validFrom": _stamp(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode_bits(set_indexes(association, purpose)),
        },
    }
    payload = dict(credential, iss=credential["issuer"], jti=url, iat=int(now.timestamp()))
    payload["nbf"] = payload["iat"]
    token = sign(payload, issuer_key)
    cache.set(key, token, STATUS_LIST_CACHE_SECONDS)
    return token
