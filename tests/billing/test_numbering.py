"""Invoice numbers taken at the same moment by several connections: no duplicate, no gap."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from billing.enums import NumberSeries
from billing.models import NumberCounter
from billing.services import number_allocate
from tests.factories import AssociationFactory

WORKERS = 6
EACH = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocation_gives_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    association = AssociationFactory()
    taken: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)
    lock = threading.Lock()

    def work():
        try:
            start.wait()
            for _ in range(EACH):
                with transaction.atomic():
                    number = number_allocate(association=association, series=NumberSeries.INVOICE)
                with lock:
                    taken.append(number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(taken) == list(range(1, WORKERS * EACH + 1))
    assert NumberCounter.objects.get(association=association).last_number == WORKERS * EACH


@pytest.mark.django_db(transaction=True)
def test_allocation_outside_a_transaction_is_refused():
    association = AssociationFactory()
    with pytest.raises(RuntimeError):
        number_allocate(association=association, series=NumberSeries.INVOICE)
    assert NumberCounter.objects.count() == 0
