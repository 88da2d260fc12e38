"""Agreements: the association's Code of Ethics and Endorsement Agreement, and signing them.

An association keeps versions of each text (``AgreementText``), one row per language. The
version in force is the one with the latest ``effective_from`` on or before today; a signature
of that version in any language counts. Signing means typing one's full name as on the account;
the version, time and IP address are recorded.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Association, User
from endorsement.models import Application
from portfolios.enums import AgreementKind
from portfolios.models import AgreementText, Signature
from portfolios.services import portfolio_assert_editable

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "agreements.yaml"
FALLBACK_LANGUAGE = "en"


class SignatureRefused(Exception):
    """Raised with a message a person can read."""


@dataclass
class AgreementStatus:
    kind: str
    label: str
    text: AgreementText | None  # the version in force, in the reader's language if there is one
    signature: Signature | None  # of the version in force
    earlier: Signature | None  # the latest signature of an earlier version, if not signed now

    @property
    def is_signed(self) -> bool:
        return self.signature is not None


def normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def agreement_texts_in_force(
    *, association: Association, language: str, on: datetime.date
) -> dict[str, AgreementText]:
    """{kind: the text of the version in force on ``on``}, in ``language`` when that version
    has it, else in English, else in any language (1 query)."""
    texts = AgreementText.objects.filter(association=association, effective_from__lte=on).order_by(
        "kind", "-effective_from", "-id"
    )
    versions: dict[str, list[AgreementText]] = {}
    for text in texts:
        rows = versions.setdefault(text.kind, [])
        if not rows or rows[0].version == text.version:
            rows.append(text)
    current = {}
    for kind, rows in versions.items():
        by_language = {row.language: row for row in reversed(rows)}
        current[kind] = by_language.get(language) or by_language.get(FALLBACK_LANGUAGE) or rows[0]
    return current


def agreement_text_of_version(*, current: AgreementText, agreement_id: int) -> AgreementText | None:
    """The text ``agreement_id`` if it is ``current`` or ``current``'s version in another
    language; ``None`` otherwise (e.g. an older version, or another association's text)."""
    if agreement_id == current.pk:
        return current
    return AgreementText.objects.filter(
        pk=agreement_id,
        association_id=current.association_id,
        kind=current.kind,
        version=current.version,
    ).first()


def agreement_statuses(*, application: Application, language: str) -> list[AgreementStatus]:
    """Each kind of agreement with its text in force and the portfolio's signature (2 queries)."""
    association = application.association
    current = agreement_texts_in_force(
        association=association, language=language, on=association.today()
    )
    signatures = list(
        Signature.objects.filter(application=application)
        .select_related("agreement")
        .order_by("-signed_at", "-id")
    )
    statuses = []
    for kind, label in AgreementKind.choices:
        text = current.get(kind)
        of_kind = [s for s in signatures if s.agreement.kind == kind]
        signature = None
        if text is not None:
            signature = next((s for s in of_kind if s.agreement.version == text.version), None)
        statuses.append(
            AgreementStatus(
                kind=kind,
                label=label,
                text=text,
                signature=signature,
                earlier=None if signature else next(iter(of_kind), None),
            )
        )
    return statuses


@transaction.atomic
def agreement_sign(
    *,
    application: Application,
    agreement: AgreementText,
    by: User,
    typed_name: str,
    ip_address: str | None,
) -> Signature:
    """Record the signature of the portfolio's owner; the typed name must match the account's."""
    portfolio_assert_editable(application=application)
    if agreement.association_id != application.association_id:
        raise SignatureRefused(_("This text belongs to another association."))
    if application.applicant_id != by.pk:
        raise SignatureRefused(_("Only the applicant may sign."))
    if not by.full_name.strip():
        raise SignatureRefused(
            _("Your account has no full name yet. Add it to your profile, then sign.")
        )
    if normalise_name(typed_name) != normalise_name(by.full_name):
        raise SignatureRefused(
            _("Type your full name exactly as it is on your account: %(name)s.")
            % {"name": by.full_name}
        )
    existing = (
        Signature.objects.filter(
            application=application,
            agreement__kind=agreement.kind,
            agreement__version=agreement.version,
            agreement__association_id=agreement.association_id,
        )
        .select_related("agreement")
        .first()
    )
    if existing is not None:
        return existing
    return Signature.objects.create(
        application=application,
        agreement=agreement,
        typed_name=" ".join(typed_name.split()),
        ip_address=ip_address or None,
    )


def agreements_data_read(path: Path | str = DEFAULT_PATH) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    texts = data.get("texts") if isinstance(data, dict) else None
    if not isinstance(texts, list):
        raise ValueError(f"{path}: expected a list under 'texts'.")
    languages = dict(settings.LANGUAGES)
    for entry in texts:
        if entry.get("kind") not in AgreementKind.values:
            raise ValueError(f"{path}: unknown kind {entry.get('kind')!r}.")
        if not isinstance(entry.get("effective_from"), datetime.date):
            raise ValueError(f"{path}: {entry['kind']} needs a date in effective_from.")
        for language in entry.get("body") or {}:
            if language not in languages:
                raise ValueError(f"{path}: unknown language {language!r}.")
    return texts


@transaction.atomic
def agreements_load(*, association: Association, texts: list[dict]) -> list[AgreementText]:
    """Add the texts the association does not have yet; returns those added. Existing rows
    (same kind, version and language) are kept as the association left them."""
    added = []
    for entry in texts:
        for language, body in entry["body"].items():
            text, created = AgreementText.objects.get_or_create(
                association=association,
                kind=entry["kind"],
                version=str(entry["version"]),
                language=language,
                defaults={"body": body.strip(), "effective_from": entry["effective_from"]},
            )
            if created:
                added.append(text)
    return added
