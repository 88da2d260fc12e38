import datetime
import zoneinfo
from decimal import Decimal

import pytest

from accounts.enums import Role
from billing.models import Invoice, Payment
from endorsement.models import ApplicationEvent

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def at(*args) -> datetime.datetime:
    """A moment in New York, where the test association is (its default time zone)."""
    return datetime.datetime(*args, tzinfo=NEW_YORK)


def event(application, to_state: str, moment: datetime.datetime, from_state: str = ""):
    """A step of the application's timeline, dated ``moment`` (the log is append-only for the
    portal: the date is set through the base manager, as the demo does)."""
    row = ApplicationEvent.objects.create(
        application=application, from_state=from_state, to_state=to_state
    )
    ApplicationEvent._base_manager.filter(pk=row.pk).update(at=moment)
    return row


_numbers = iter(range(1, 100000))


def money_row(association, person, *, fee_type, kind, method, amount, moment, currency="USD"):
    """An invoice with one payment, refund or waiver recorded at ``moment`` (written directly:
    the reports read what billing's services write)."""
    invoice = Invoice.objects.create(
        association=association,
        number=next(_numbers),
        person=person,
        fee_type=fee_type,
        amount=Decimal(amount),
        currency=currency,
    )
    payment = Payment.objects.create(
        invoice=invoice, kind=kind, method=method, amount=Decimal(amount), currency=currency
    )
    Payment.objects.filter(pk=payment.pk).update(recorded_at=moment)
    return payment


@pytest.fixture
def assoc_admin(make_staff, association):
    return make_staff(Role.ASSOCIATION_ADMIN, association, user__email="alex@example.org")
