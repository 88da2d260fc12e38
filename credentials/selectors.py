"""Reads of endorsements as the public may see them: the same facts on the verification page,
in the API and in the registry, and nothing else personal."""

import datetime
import re
from dataclasses import dataclass

from endorsement.addons import PublicAddOn, public_add_ons_of, with_public_add_ons
from endorsement.enums import CURRENT_ENDORSEMENT_STATUSES, EndorsementStatus
from endorsement.models import Endorsement

# What an endorsement number looks like ("NORTHFIELD-IFS-2026-0001"): anything else is malformed
# and never reaches the database. ASCII digits only, and the whole string (no trailing newline).
NUMBER = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*-\d{4}-\d{4}", re.ASCII)


def number_is_well_formed(number: str) -> bool:
    return isinstance(number, str) and len(number) <= 60 and bool(NUMBER.fullmatch(number))


@dataclass(frozen=True)
class PublicEndorsement:
    """The public facts of one endorsement. ``category_name`` is in the language active when it
    was read; ``status_reason`` is only given for a revocation."""

    number: str
    holder_name: str
    category_code: str
    category_name: str
    association_name: str
    association_slug: str
    status: str
    status_label: str
    status_since: datetime.datetime
    status_reason: str
    awarded_on: datetime.date
    valid_through: datetime.date
    # The association's time zone (an IANA name): where the page shows the dates.
    association_time_zone: str = "UTC"
    # Transferred or superseded: the endorsement that continues it, its number and association.
    continued_by_number: str = ""
    continued_by_association: str = ""
    # Its approved add-on designations (e.g. Endorsed Reflective Supervisor), with their date.
    add_ons: tuple[PublicAddOn, ...] = ()

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_ENDORSEMENT_STATUSES


# Standing that points to the endorsement continuing this one (``Endorsement.continued_by``).
CONTINUED_STATUSES = [EndorsementStatus.TRANSFERRED, EndorsementStatus.SUPERSEDED]


def public_endorsement_from(
    endorsement: Endorsement, add_ons: tuple[PublicAddOn, ...] = ()
) -> PublicEndorsement:
    status = EndorsementStatus(endorsement.status)
    continued_by = endorsement.continued_by if status in CONTINUED_STATUSES else None
    return PublicEndorsement(
        number=endorsement.number,
        holder_name=endorsement.holder.get_full_name(),
        category_code=endorsement.category.code,
        category_name=endorsement.category.display_name,
        association_name=endorsement.association.name,
        association_slug=endorsement.association.slug,
        status=status.value,
        status_label=str(status.label),
        status_since=endorsement.status_since,
        status_reason=endorsement.status_reason if status == EndorsementStatus.REVOKED else "",
        awarded_on=endorsement.awarded_on,
        valid_through=endorsement.valid_through,
        association_time_zone=endorsement.association.time_zone,
        continued_by_number=continued_by.number if continued_by is not None else "",
        continued_by_association=(
            continued_by.association.name if continued_by is not None else ""
        ),
        add_ons=add_ons,
    )


def public_endorsements(numbers: list[str]) -> dict[str, PublicEndorsement]:
    """The public facts of each well-formed number that exists, by number (one query on
    PostgreSQL, their approved add-ons read in it)."""
    wanted = [number for number in numbers if number_is_well_formed(number)]
    if not wanted:
        return {}
    rows = with_public_add_ons(
        Endorsement.objects.filter(number__in=wanted).select_related(
            "holder", "category", "association", "continued_by__association"
        )
    )
    return {row.number: public_endorsement_from(row, public_add_ons_of(row)) for row in rows}


def public_endorsement(number: str) -> PublicEndorsement | None:
    """One endorsement's public facts; None when the number is malformed or unknown."""
    return public_endorsements([number]).get(number)


# --- Certificates ------------------------------------------------------------------------------


def _certificates():
    from credentials.models import Certificate

    return Certificate.objects.select_related(
        "endorsement__association", "endorsement__category", "endorsement__holder"
    )


def certificate_by_id(pk: int):
    """One certificate with what its permission and page read (one query), or None."""
    return _certificates().filter(pk=pk).first()


def holder_certificates(*, user) -> list:
    """The person's current certificates (one per endorsement, not superseded), newest first."""
    return list(_certificates().filter(endorsement__holder=user, superseded_at__isnull=True))


def application_certificate(*, application_id: int):
    """The current certificate of the application's endorsement, or None."""
    return (
        _certificates()
        .filter(endorsement__application_id=application_id, superseded_at__isnull=True)
        .first()
    )


def certificate_by_code(*, number: str, code: str):
    """The certificate ``code`` of the endorsement ``number`` (only what the public page says:
    when it was made and whether it was replaced), or None (one query)."""
    from credentials.models import Certificate

    return (
        Certificate.objects.filter(code=code, endorsement__number=number)
        .only("pk", "created", "superseded_at")
        .first()
    )


# --- Changes of name ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CoordinatorTask:
    """A change of name to decide (``kind`` "name_change", ``object_id`` the request), a
    certificate to produce again ("certificate_failed", the certificate) or an application for
    an add-on designation to decide ("add_on", the ``EndorsementAddOn``; ``add_on`` its name)."""

    kind: str
    object_id: int
    application_id: int
    holder: str
    code: str
    since: datetime.datetime
    add_on: str = ""


def association_certificate_tasks(*, association) -> list[CoordinatorTask]:
    """What waits for the association's coordinators about endorsements and their holders: the
    changes of name and requests for emeritus status (``endorsement.emeritus``) waiting for a
    decision, the current certificates that could not be produced, the transfers into the
    association waiting for a decision ("transfer", the request), the proofs of membership
    elsewhere to confirm ("membership_proof", the proof, without an application: 0) and the
    applications for add-on designations ("add_on"); oldest first; one UNION query whatever the
    data (the dashboard stays within its query budget)."""
    from django.db.models import CharField, F, IntegerField, Value

    from accounts.enums import MembershipProofState
    from accounts.models import MembershipProof
    from credentials.models import (
        Certificate,
        CertificateState,
        NameChangeRequest,
        NameChangeState,
    )
    from endorsement.enums import AddOnState, EmeritusState, TransferState
    from endorsement.models import EmeritusRequest, EndorsementAddOn, EndorsementTransfer

    def columns(qs, *, kind: str, endorsement: str, since: str = "created", add_on=None):
        return qs.order_by().values_list(
            Value(kind, output_field=CharField()),
            "pk",
            f"{endorsement}application_id",
            f"{endorsement}application__applicant__full_name",
            f"{endorsement}category__code",
            since,
            add_on if add_on is not None else Value("", output_field=CharField()),
        )

    names = NameChangeRequest.objects.filter(
        endorsement__association=association, state=NameChangeState.PENDING
    )
    failed = Certificate.objects.filter(
        endorsement__association=association,
        state=CertificateState.FAILED,
        superseded_at__isnull=True,
    )
    emeritus = EmeritusRequest.objects.filter(
        endorsement__association=association, state=EmeritusState.PENDING
    )
    transfers = EndorsementTransfer.objects.filter(
        to_association=association, state=TransferState.REQUESTED
    )
    add_ons = EndorsementAddOn.objects.filter(
        endorsement__association=association, state=AddOnState.APPLIED
    )
    proofs = MembershipProof.objects.filter(
        association=association, state=MembershipProofState.PENDING
    ).values_list(
        Value("membership_proof", output_field=CharField()),
        "pk",
        Value(0, output_field=IntegerField()),
        "user__full_name",
        Value("", output_field=CharField()),
        "created",
        Value("", output_field=CharField()),
    )
    rows = columns(names, kind="name_change", endorsement="endorsement__").union(
        columns(failed, kind="certificate_failed", endorsement="endorsement__"),
        columns(transfers, kind="transfer", endorsement="from_endorsement__"),
        columns(emeritus, kind="emeritus", endorsement="endorsement__"),
        columns(
            add_ons,
            kind="add_on",
            endorsement="endorsement__",
            since="applied_at",
            add_on=F("add_on__name"),
        ),
        proofs.order_by(),
        all=True,
    )
    tasks = [CoordinatorTask(*row) for row in rows]
    return sorted(tasks, key=lambda task: (task.since, task.object_id))


def endorsement_name_change_pending(*, endorsement_id: int):
    """The endorsement's request waiting for a decision, or None (one query)."""
    from credentials.models import NameChangeRequest, NameChangeState

    return NameChangeRequest.objects.filter(
        endorsement_id=endorsement_id, state=NameChangeState.PENDING
    ).first()
