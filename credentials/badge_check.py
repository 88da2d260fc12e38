"""Checking a digital badge (an OpenBadgeCredential as a VC-JWT) the way any verifier would:
the key named by the header's ``kid`` among the published keys (retired ones included), the
EdDSA signature, the issuer the key belongs to, the validity dates, and the endorsement's current
status. Shared by the public "Check a digital badge" page and the API."""

import datetime
import json
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jws import extract_compact

from credentials.badges import JWT_TYPE, issuer_url
from credentials.keys import key_set, registry
from credentials.models import IssuerKey
from credentials.selectors import PublicEndorsement, public_endorsement

# Longer than any credential the portal signs; anything longer is refused unread.
BADGE_MAX_LENGTH = 20_000


@dataclass(frozen=True)
class BadgeCheck:
    """What checking a badge found. ``valid``: the signature is the association's and the
    credential was not changed; ``facts``: the endorsement's current public facts (its status
    may be revoked or lapsed although the signature is valid)."""

    valid: bool
    reason: str = ""
    kid: str = ""
    issuer: str = ""
    issuer_name: str = ""
    holder_name: str = ""
    achievement_name: str = ""
    valid_from: str = ""
    valid_until: str = ""
    expired: bool = False
    facts: PublicEndorsement | None = None

    @property
    def current(self) -> bool:
        return self.valid and not self.expired and self.facts is not None and self.facts.is_current


def _invalid(reason) -> BadgeCheck:
    return BadgeCheck(valid=False, reason=str(reason))


def _number(credential: dict) -> str:
    subject = credential.get("credentialSubject")
    identifiers = subject.get("identifier") if isinstance(subject, dict) else None
    for identifier in identifiers if isinstance(identifiers, list) else []:
        if isinstance(identifier, dict) and identifier.get("identityType") == "identifier":
            value = identifier.get("identityHash")
            return value if isinstance(value, str) else ""
    return ""


def badge_check(token) -> BadgeCheck:
    """Check ``token`` (a compact JWS); never raises for bad input: an invalid badge says why."""
    if not isinstance(token, str):
        return _invalid(_("This is not a digital badge."))
    token = "".join(token.split())  # pasted badges may be wrapped over lines
    if not token:
        return _invalid(_("Paste the badge: the long text in the .jwt file."))
    if len(token) > BADGE_MAX_LENGTH:
        return _invalid(_("This is too long to be one of our digital badges."))
    try:
        header = extract_compact(token.encode("ascii")).headers()
    except (JoseError, ValueError, UnicodeError, TypeError):
        return _invalid(_("This is not a digital badge: it is damaged or incomplete."))
    kid = header.get("kid")
    if not isinstance(kid, str) or header.get("alg") != "EdDSA":
        return _invalid(_("This badge was not signed by an association of this portal."))
    issuer_key = IssuerKey.objects.select_related("association").filter(kid=kid).first()
    if issuer_key is None:
        return _invalid(_("This badge was not signed by an association of this portal."))
    try:
        decoded = jwt.decode(token, key_set([issuer_key]), registry=registry())
    except (JoseError, ValueError, TypeError, json.JSONDecodeError):
        return _invalid(_("The signature does not match: the badge was changed or is damaged."))
    credential = decoded.claims
    association = issuer_key.association
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if (
        decoded.header.get("typ") != JWT_TYPE
        or issuer_id != issuer_url(association)
        or credential.get("iss") != issuer_url(association)
        or "OpenBadgeCredential" not in (credential.get("type") or [])
    ):
        return _invalid(_("The signature is valid but this is not one of our digital badges."))
    subject = credential.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {} if isinstance(subject, dict) else {}
    expires = credential.get("exp")
    expired = isinstance(expires, int) and expires < timezone.now().timestamp()
    number = _number(credential)
    facts = public_endorsement(number) if number else None
    if facts is not None and facts.association_slug != association.slug:
        facts = None
    return BadgeCheck(
        valid=True,
        kid=kid,
        issuer=issuer_id,
        issuer_name=association.name,
        holder_name=str(subject.get("name", "")) if isinstance(subject, dict) else "",
        achievement_name=str(achievement.get("name", "")) if isinstance(achievement, dict) else "",
        valid_from=str(credential.get("validFrom", "")),
        valid_until=str(credential.get("validUntil", "")),
        expired=expired,
        facts=facts,
    )


def as_date(stamp: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(stamp[:10])
    except (TypeError, ValueError):
        return None
