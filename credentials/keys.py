"""The associations' signing keys for Open Badges credentials: Ed25519 (JOSE "EdDSA", through
joserfc), the private key encrypted at rest, the public keys published as a JWKS.

The encryption key is derived (HKDF-SHA256) from ``settings.CREDENTIAL_KEYS_SECRET``, or from
``SECRET_KEY`` when that is unset; either way it never sits in the database next to the keys.
Generating and rotating is the ``credential_keys`` management command's work.
"""

import base64
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from joserfc.jwk import KeySet, OKPKey
from joserfc.jws import JWSRegistry

from joserfc._rfc8037.jws_eddsa import EdDSAAlgorithm  # isort: skip

ALGORITHM = "EdDSA"
CURVE = "Ed25519"


class _EdDSA(EdDSAAlgorithm):
    """JOSE "EdDSA" limited by us to Ed25519 keys: joserfc warns that RFC 9864 deprecates the
    name because it does not say the curve; the VC-JWT and Open Badges verifiers in use still
    expect it, and every key here is Ed25519 (checked on import)."""

    security_warning = None


class _Registry(JWSRegistry):
    algorithms = {**JWSRegistry.algorithms, ALGORITHM: _EdDSA()}


def registry() -> JWSRegistry:
    """The JWS registry that signs and verifies the portal's credentials: "EdDSA" only."""
    return _Registry(algorithms=[ALGORITHM])


class KeyUnavailable(Exception):
    """The association has no current key, or its stored private key cannot be decrypted."""


def _fernet() -> Fernet:
    secret = settings.CREDENTIAL_KEYS_SECRET or settings.SECRET_KEY
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"endorsement-portal",
        info=b"credentials.issuer-keys",
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _new_kid(association) -> str:
    return f"{association.slug}-{timezone.now():%Y%m%d}-{secrets.token_hex(4)}"


def public_jwk(key: OKPKey, kid: str) -> dict:
    jwk = key.as_dict(private=False)
    jwk.update(kid=kid, alg=ALGORITHM, use="sig")
    return jwk


@transaction.atomic
def key_generate(*, association, rotate: bool = False):
    """The association's current key: a new one when it has none or ``rotate`` (the current one
    is then retired, still published). Returns ``(key, created)``."""
    from credentials.models import IssuerKey

    current = (
        IssuerKey.objects.select_for_update()
        .filter(association=association, retired_at__isnull=True)
        .first()
    )
    if current is not None and not rotate:
        return current, False
    if current is not None:
        current.retired_at = timezone.now()
        current.save(update_fields=["retired_at"])
    kid = _new_kid(association)
    key = OKPKey.generate_key(CURVE)
    private_pem = key.as_pem(private=True)
    issuer_key = IssuerKey.objects.create(
        association=association,
        kid=kid,
        public_jwk=public_jwk(key, kid),
        private_key_encrypted=_fernet().encrypt(private_pem).decode(),
    )
    return issuer_key, True


def current_key(association):
    """The association's current key (one query), or None."""
    from credentials.models import IssuerKey

    return IssuerKey.objects.filter(association=association, retired_at__isnull=True).first()


def signing_key(issuer_key) -> OKPKey:
    """The private key of ``issuer_key``, decrypted; KeyUnavailable when it cannot be."""
    try:
        pem = _fernet().decrypt(issuer_key.private_key_encrypted.encode())
    except InvalidToken as exc:
        raise KeyUnavailable(
            "The key cannot be decrypted: was CREDENTIAL_KEYS_SECRET changed?"
        ) from exc
    key = OKPKey.import_key(pem, parameters={"kid": issuer_key.kid})
    if key.curve_name != CURVE:  # pragma: no cover - only Ed25519 keys are ever stored
        raise KeyUnavailable("Not an Ed25519 key.")
    return key


def published_keys(association) -> list:
    """Every key of the association, current first then retired (one query)."""
    from credentials.models import IssuerKey

    return list(
        IssuerKey.objects.filter(association=association).order_by(
            F("retired_at").desc(nulls_first=True), "-id"
        )
    )


def jwks(association) -> dict:
    """The association's JSON Web Key Set: every key's public JWK, retired ones included."""
    return {"keys": [key.public_jwk for key in published_keys(association)]}


def key_set(issuer_keys) -> KeySet:
    return KeySet.import_key_set({"keys": [key.public_jwk for key in issuer_keys]})
