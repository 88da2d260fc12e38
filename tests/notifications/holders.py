"""Many holders whose renewal reminder is due today, made with bulk_create: the worker tests
(``test_worker_exactly_once``) and the benchmark (``bench/reminders.py``) share them."""

import datetime

from accounts.models import Association, User
from endorsement.enums import ApplicationState
from endorsement.models import Application, Endorsement
from tests.factories import EndorsementCategoryFactory

# The renewal reminder "30 days before the end of validity" (a default day count) falls due
# today for an endorsement valid through today + 30 days; its 60- and 7-day reminders do not
# (one a month past the catch-up window, the other in three weeks).
DAYS_BEFORE = 30


def holders_due(association: Association, count: int, *, batch: int = 2000) -> list[Endorsement]:
    """``count`` holders of the association (verified accounts are not needed: the reminder
    goes to the holder's address) with an active endorsement whose 30-day renewal reminder
    is due today in the association's calendar."""
    category = EndorsementCategoryFactory(framework__association=association, code="IFS")
    valid_through = association.today() + datetime.timedelta(days=DAYS_BEFORE)
    awarded_on = valid_through - datetime.timedelta(days=300)
    users = User.objects.bulk_create(
        [
            User(email=f"holder{i:05d}@example.org", full_name=f"Holder {i:05d}", password="!")
            for i in range(count)
        ],
        batch_size=batch,
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                association=association,
                applicant=user,
                category=category,
                state=ApplicationState.AWARDED,
            )
            for user in users
        ],
        batch_size=batch,
    )
    return Endorsement.objects.bulk_create(
        [
            Endorsement(
                association=association,
                application=application,
                holder=application.applicant,
                category=category,
                number=f"{association.number_prefix}-IFS-{i:05d}",
                awarded_on=awarded_on,
                valid_through=valid_through,
            )
            for i, application in enumerate(applications)
        ],
        batch_size=batch,
    )
