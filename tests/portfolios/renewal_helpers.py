"""Shared set-up of the renewal tests: a holder whose IFS endorsement is due for renewal this
year (valid through 31 December), with the category's renewal requirements as data."""

import datetime
from decimal import Decimal

from competencies.enums import RequirementKind, TrainingTopic
from endorsement.enums import EndorsementStatus
from portfolios.models import RSCEntry, Training
from portfolios.renewals import renewal_open
from tests.factories import (
    EndorsementFactory,
    MembershipFactory,
    RequirementFactory,
    UserFactory,
    endorsement_status_set,
)
from tests.portfolios.training_helpers import item, make_category


def this_year() -> int:
    return datetime.date.today().year


def renewal_category(association, code="IFS"):
    """IFS with the framework's renewal rows: 15 hours, 1 on DEI; 12 RS/C hours."""
    category = make_category(association, code=code)
    RequirementFactory(category=category, kind=RequirementKind.RENEWAL_TRAINING, min_hours=15)
    RequirementFactory(
        category=category,
        kind=RequirementKind.RENEWAL_TRAINING,
        min_hours=1,
        topic=TrainingTopic.DEI,
        order=1,
    )
    RequirementFactory(category=category, kind=RequirementKind.RENEWAL_RSC, min_hours=12)
    return category


def due_endorsement(association, category, *, holder=None, year=None, member=True):
    """An endorsement of ``category`` valid through 31 December of ``year`` (this year), due."""
    year = year or this_year()
    holder = holder or UserFactory(email="farah@example.org", full_name="Farah Holder")
    endorsement = EndorsementFactory(
        application__association=association,
        application__applicant=holder,
        category=category,
        awarded_on=datetime.date(year - 1, 5, 2),
        valid_through=datetime.date(year, 12, 31),
    )
    endorsement_status_set(endorsement, EndorsementStatus.RENEWAL_DUE)
    if member:
        today = datetime.date.today()
        MembershipFactory(
            association=association,
            user=holder,
            start=datetime.date(today.year, 1, 1),
            end=datetime.date(today.year, 12, 31),
        )
    return endorsement


def training(renewal, *, hours="6", dei=False, rsc=False, day=None, title="Attachment update"):
    """A training entered for the renewal, dated 2 January of the renewal's hours year."""
    endorsement = renewal.endorsement
    row = Training.objects.create(
        application=endorsement.application,
        renewal=renewal,
        title=title,
        provider="Northfield AIMH",
        date=day or datetime.date(endorsement.valid_through.year, 1, 2),
        hours=Decimal(hours),
        format="workshop",
        is_dei=dei,
        is_rsc=rsc,
    )
    row.competencies.add(item("Cultural competence"))
    return row


def rsc_entry(renewal, *, hours="12"):
    endorsement = renewal.endorsement
    year = endorsement.valid_through.year
    return RSCEntry.objects.create(
        application=endorsement.application,
        renewal=renewal,
        provider_name="Dr. Reflective",
        format="group",
        start=datetime.date(year, 1, 1),
        end=datetime.date(year, 1, 2),
        hours=Decimal(hours),
    )


def complete(renewal):
    """Enter what the checklist asks (no fee schedule: nothing to pay) and sign."""
    from portfolios.renewals import renewal_ethics_sign

    training(renewal, hours="14")
    training(renewal, hours="1", dei=True, title="Equity in practice")
    rsc_entry(renewal)
    return renewal_ethics_sign(renewal=renewal, typed_name="Farah Holder", by=None)


def opened(endorsement):
    return renewal_open(endorsement=endorsement, by=endorsement.holder)
