import datetime
from decimal import Decimal

import pytest

from accounts.enums import Role
from billing.services import fee_schedule_save
from tests.factories import ApplicationFactory, UserFactory


def schedule_for(association, *, days_ago=30, fees=None, **flags):
    """A schedule in force since ``days_ago`` days: IFS 15/100 unless ``fees`` says otherwise."""
    return fee_schedule_save(
        association=association,
        by=None,
        effective_from=association.today() - datetime.timedelta(days=days_ago),
        currency="USD",
        membership_fee="60",
        renewal_fee="30",
        late_renewal_fee="25",
        reinstatement_fee="100",
        category_fees=fees if fees is not None else {"IFS": ("15", "100")},
        allow_past=True,
        **flags,
    )


@pytest.fixture(autouse=True)
def manual_gateway(settings):
    """The demo's gateway (refused without DEBUG unless explicitly allowed, as here)."""
    settings.BILLING_GATEWAY = "manual"
    settings.BILLING_MANUAL_GATEWAY_ALLOWED = True


@pytest.fixture
def schedule(association, category):
    return schedule_for(association)


@pytest.fixture
def assoc_admin(make_staff, association):
    return make_staff(
        Role.ASSOCIATION_ADMIN, association, user__email="alex@example.org", user__full_name="Alex"
    )


@pytest.fixture
def other_admin(make_staff, other_association):
    return make_staff(Role.ASSOCIATION_ADMIN, other_association)


@pytest.fixture
def application(association, category, applicant):
    return ApplicationFactory(association=association, category=category, applicant=applicant)


@pytest.fixture
def invoice(schedule, application):
    from billing.enums import FeeType
    from billing.services import invoice_for_application

    return invoice_for_application(application=application, fee_type=FeeType.REGISTRATION)


@pytest.fixture
def stranger(db):
    return UserFactory(email="stranger@example.org")


TEN = Decimal("10.00")
