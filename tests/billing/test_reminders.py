"""Billing's reminders (``billing.reminders``): the membership ending in 30 days (to the member,
with the link to renew online; not once the next membership is recorded) and the invoice still
to pay 14 days after it was issued (to the person billed, with the invoice's page; not once
paid, waived or while a waiver request waits). Sent on the due day, once, with the
association's own day counts; essential."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import formats, translation

from accounts.enums import MembershipStatus
from billing.enums import FeeType, PaymentMethod
from billing.models import Invoice
from billing.services import payment_record, waiver_record, waiver_request
from notifications.models import OutboxMessage, Reminder, ReminderSchedule
from notifications.reminders import REMINDERS, reminders_scan, schedules
from tests.factories import MembershipFactory, UserFactory

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def scan(association, day, kind):
    return reminders_scan(today=day, associations=[association], kinds=[kind])


def english_date(day: datetime.date) -> str:
    with translation.override("en"):
        return formats.date_format(day, "DATE_FORMAT")


# --- the membership ending ----------------------------------------------------------------------

END = datetime.date(2026, 12, 31)
DUE = END - datetime.timedelta(days=30)


@pytest.fixture
def member(association):
    user = UserFactory(email="mia@example.org", full_name="Mia Member")
    MembershipFactory(association=association, user=user, start=datetime.date(2026, 1, 1), end=END)
    return user


def test_the_member_is_reminded_30_days_before_the_membership_ends_once(
    member, association, other_association, django_capture_on_commit_callbacks
):
    # Another person's membership ending later, and one in another association: not due.
    MembershipFactory(
        association=association, start=datetime.date(2026, 10, 1), end=datetime.date(2027, 12, 31)
    )
    MembershipFactory(association=other_association, start=datetime.date(2026, 1, 1), end=END)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, DUE - datetime.timedelta(days=1), "membership_expiring") == {}
        assert scan(association, DUE, "membership_expiring") == {"membership_expiring": 1}
        assert scan(association, DUE, "membership_expiring") == {}
        assert scan(association, DUE + datetime.timedelta(days=3), "membership_expiring") == {}
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject == (
        f"Your membership of Northfield Association for Infant Mental Health ends on "
        f"{english_date(END)}"
    )
    assert "30 days from now" in message.body
    assert "/billing/membership/northfield/" in message.body
    assert reverse("billing:membership", kwargs={"slug": "northfield"}) in message.body
    outbox = OutboxMessage.objects.get(key="reminder.membership_expiring")
    assert outbox.concerns.user == member
    assert list(Reminder.objects.values_list("kind", "due", "days")) == [
        ("membership_expiring", DUE, 30)
    ]


def test_a_renewed_membership_is_not_reminded(
    member, association, django_capture_on_commit_callbacks
):
    MembershipFactory(
        association=association,
        user=member,
        start=datetime.date(2027, 1, 1),
        end=datetime.date(2027, 12, 31),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, DUE, "membership_expiring") == {}
    assert mail.outbox == []


@pytest.mark.parametrize("status", [MembershipStatus.CANCELLED, MembershipStatus.PENDING])
def test_a_membership_not_active_is_not_reminded(
    member, association, status, django_capture_on_commit_callbacks
):
    member.memberships.update(status=status)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, DUE, "membership_expiring") == {}
    assert mail.outbox == []


def test_a_next_membership_still_to_pay_does_not_stop_the_reminder(
    member, association, django_capture_on_commit_callbacks
):
    MembershipFactory(
        association=association,
        user=member,
        status=MembershipStatus.PENDING,
        start=datetime.date(2027, 1, 1),
        end=datetime.date(2027, 12, 31),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, DUE, "membership_expiring") == {"membership_expiring": 1}


def test_the_associations_own_days_for_the_membership_and_it_is_essential(
    member, association, django_capture_on_commit_callbacks
):
    ReminderSchedule.objects.create(
        association=association, kind="membership_expiring", days="60, 7", active=False
    )
    schedule = {s.kind.kind: s for s in schedules(association)}["membership_expiring"]
    assert (schedule.active, schedule.days) == (True, (7, 60))
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, DUE, "membership_expiring") == {}
        assert scan(association, END - datetime.timedelta(days=60), "membership_expiring") == {
            "membership_expiring": 1
        }
        assert scan(association, END - datetime.timedelta(days=7), "membership_expiring") == {
            "membership_expiring": 1
        }
    assert ["60 days" in m.body for m in mail.outbox] == [True, False]


def test_the_membership_reminder_in_spanish(
    member, association, django_capture_on_commit_callbacks
):
    member.preferred_language = "es"
    member.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        scan(association, DUE, "membership_expiring")
    (message,) = mail.outbox
    assert message.subject == (
        "Su membresía de Northfield Association for Infant Mental Health termina el "
        "31 de diciembre de 2026"
    )
    assert "Renueve su membresía en línea aquí:" in message.body


# --- the invoice still to pay -------------------------------------------------------------------

ISSUED_ON = datetime.date(2026, 3, 1)
INVOICE_DUE = ISSUED_ON + datetime.timedelta(days=14)


@pytest.fixture
def unpaid(invoice):
    # 22:00 in New York on 1 March is 2 March in UTC: the days count in the association's
    # calendar.
    issued = datetime.datetime(2026, 3, 1, 22, 0, tzinfo=NEW_YORK)
    Invoice.objects.filter(pk=invoice.pk).update(issued_at=issued)
    return Invoice.objects.select_related("association").get(pk=invoice.pk)


def test_an_invoice_unpaid_14_days_after_issue_reminds_the_person_once(
    unpaid, association, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, INVOICE_DUE - datetime.timedelta(days=1), "invoice_unpaid") == {}
        assert scan(association, INVOICE_DUE, "invoice_unpaid") == {"invoice_unpaid": 1}
        assert scan(association, INVOICE_DUE, "invoice_unpaid") == {}
        assert scan(association, INVOICE_DUE + datetime.timedelta(days=2), "invoice_unpaid") == {}
    (message,) = mail.outbox
    assert message.to == [applicant.email]
    assert message.subject == f"Reminder: invoice {unpaid.display_number} is still to pay"
    assert f"sent you on {english_date(ISSUED_ON)} is still to pay" in message.body
    assert "For: Registration fee (IFS)" in message.body
    assert "Still to pay: 15.00 USD" in message.body
    assert reverse("billing:invoice", kwargs={"pk": unpaid.pk}) in message.body
    assert OutboxMessage.objects.get(key="reminder.invoice_unpaid").concerns == unpaid
    assert list(Reminder.objects.values_list("kind", "concerns_id", "due")) == [
        ("invoice_unpaid", unpaid.pk, INVOICE_DUE)
    ]


def test_the_reminder_says_what_is_left_after_a_part_payment(
    unpaid, association, django_capture_on_commit_callbacks
):
    payment_record(invoice=unpaid, amount="5", currency="USD", method=PaymentMethod.CHEQUE, by=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, INVOICE_DUE, "invoice_unpaid") == {"invoice_unpaid": 1}
    reminder = next(m for m in mail.outbox if m.subject.startswith("Reminder"))
    assert "Still to pay: 10.00 USD" in reminder.body


def test_a_paid_invoice_is_not_reminded(unpaid, association, django_capture_on_commit_callbacks):
    payment_record(
        invoice=unpaid, amount="15", currency="USD", method=PaymentMethod.CHEQUE, by=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, INVOICE_DUE, "invoice_unpaid") == {}
    assert Reminder.objects.count() == 0


def test_a_waived_invoice_is_not_reminded(unpaid, association, django_capture_on_commit_callbacks):
    waiver_record(invoice=unpaid, method=PaymentMethod.WAIVER, reason="Hardship", by=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, INVOICE_DUE, "invoice_unpaid") == {}
    assert Reminder.objects.count() == 0


def test_an_invoice_whose_waiver_request_waits_is_not_chased(
    unpaid, association, applicant, django_capture_on_commit_callbacks
):
    waiver_request(invoice=unpaid, by=applicant, reason="I lost my job.")
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, INVOICE_DUE, "invoice_unpaid") == {}
    assert Reminder.objects.count() == 0


def test_the_associations_own_days_for_the_invoice_and_it_is_essential(
    unpaid, association, django_capture_on_commit_callbacks
):
    ReminderSchedule.objects.create(
        association=association, kind="invoice_unpaid", days="7, 30", active=False
    )
    assert REMINDERS["invoice_unpaid"].essential
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, ISSUED_ON + datetime.timedelta(days=6), "invoice_unpaid") == {}
        assert scan(association, ISSUED_ON + datetime.timedelta(days=7), "invoice_unpaid") == {
            "invoice_unpaid": 1
        }
        assert scan(association, INVOICE_DUE, "invoice_unpaid") == {}  # not the default 14
        assert scan(association, ISSUED_ON + datetime.timedelta(days=30), "invoice_unpaid") == {
            "invoice_unpaid": 1
        }
    assert sorted(Reminder.objects.values_list("days", flat=True)) == [7, 30]


def test_a_membership_invoice_is_reminded_too_in_the_persons_language(
    schedule, association, django_capture_on_commit_callbacks
):
    from billing.services import invoice_issue

    person = UserFactory(email="pia@example.org", preferred_language="es")
    invoice = invoice_issue(
        association=association,
        person=person,
        fee_type=FeeType.MEMBERSHIP,
        amount=Decimal("60.00"),
        currency="USD",
        schedule=schedule,
        by=person,
    )
    Invoice.objects.filter(pk=invoice.pk).update(
        issued_at=datetime.datetime(2026, 3, 1, 12, 0, tzinfo=NEW_YORK)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(association, INVOICE_DUE, "invoice_unpaid") == {"invoice_unpaid": 1}
    (message,) = mail.outbox
    assert message.subject == (
        f"Recordatorio: la factura {invoice.display_number} sigue pendiente de pago"
    )
    assert "Pendiente de pago: 60.00 USD" in message.body
    assert "1 de marzo de 2026" in message.body


def test_finding_costs_one_query_whatever_the_number_of_invoices(
    schedule, association, django_assert_num_queries
):
    from billing.services import invoice_issue

    for n in range(3):
        person = UserFactory(email=f"payer{n}@example.org")
        invoice_issue(
            association=association,
            person=person,
            fee_type=FeeType.MEMBERSHIP,
            amount=Decimal("60.00"),
            currency="USD",
            schedule=schedule,
            by=person,
        )
        MembershipFactory(
            association=association, user=person, start=datetime.date(2026, 1, 1), end=END
        )
    Invoice.objects.update(issued_at=datetime.datetime(2026, 3, 1, 12, 0, tzinfo=NEW_YORK))
    for kind, day in (("invoice_unpaid", INVOICE_DUE), ("membership_expiring", DUE)):
        with django_assert_num_queries(1):
            found = list(
                REMINDERS[kind].find(
                    association=association,
                    days=REMINDERS[kind].default_days[0],
                    since=day - datetime.timedelta(days=7),
                    today=day,
                )
            )
        assert len(found) == 3
