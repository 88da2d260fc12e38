"""Joining or renewing the association online: the membership invoice at the fee in force,
the period by the calendar-year rule (from 1 October also the next year; a renewal starts after
the current membership ends), the membership recorded once when the invoice is paid or waived
(by the manual gateway, an admin's record or an answered waiver request), and the join link
where membership is required."""

import datetime

import pytest
from django.urls import reverse

from accounts.enums import MembershipStatus
from accounts.models import Association, Membership
from billing.enums import (
    BillingAction,
    FeeType,
    InvoiceStatus,
    PaymentMethod,
    WaiverRequestStatus,
)
from billing.models import BillingEvent, Invoice, WaiverRequest
from billing.selectors import membership_offer
from billing.services import (
    BillingRefused,
    checkout_complete,
    checkout_open,
    membership_invoice_open,
    payment_record,
    waiver_record,
    waiver_request,
    waiver_request_decide,
)
from tests.billing.conftest import schedule_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def fees(association):
    """A schedule in force since 2020 (membership 60 USD), whatever day the test pretends."""
    return schedule_for(association, days_ago=(association.today() - D(2020, 1, 1)).days)


@pytest.fixture
def today(monkeypatch):
    """Pretend the association's today is a given date."""

    def _set(day):
        monkeypatch.setattr(Association, "today", lambda self: day)

    return _set


def pay(invoice, by=None):
    return payment_record(
        invoice=invoice,
        amount=invoice.amount,
        currency=invoice.currency,
        method=PaymentMethod.CASH,
        by=by,
        reference="",
    )


def test_joining_on_30_september_covers_this_year(association, applicant, fees, today):
    today(D(2026, 9, 30))
    offer = membership_offer(user=applicant, association=association)
    assert (offer.kind, offer.start, offer.end) == ("join", D(2026, 9, 30), D(2026, 12, 31))
    assert offer.fee == fees.membership_fee
    pay(membership_invoice_open(association=association, user=applicant))
    membership = Membership.objects.get(user=applicant)
    assert (membership.start, membership.end) == (D(2026, 9, 30), D(2026, 12, 31))
    assert membership.status == MembershipStatus.ACTIVE


def test_joining_on_1_october_also_covers_the_next_year(association, applicant, fees, today):
    today(D(2026, 10, 1))
    offer = membership_offer(user=applicant, association=association)
    assert (offer.start, offer.end) == (D(2026, 10, 1), D(2027, 12, 31))
    pay(membership_invoice_open(association=association, user=applicant))
    membership = Membership.objects.get(user=applicant)
    assert (membership.start, membership.end) == (D(2026, 10, 1), D(2027, 12, 31))


def test_a_renewal_starts_after_the_current_membership_ends(association, applicant, fees, today):
    Membership.objects.create(
        association=association,
        user=applicant,
        status=MembershipStatus.ACTIVE,
        start=D(2026, 3, 1),
        end=D(2026, 12, 31),
    )
    today(D(2026, 12, 10))
    offer = membership_offer(user=applicant, association=association)
    assert (offer.kind, offer.start, offer.end) == ("renew", D(2027, 1, 1), D(2027, 12, 31))
    pay(membership_invoice_open(association=association, user=applicant))
    renewed = Membership.objects.filter(user=applicant).order_by("-end").first()
    assert (renewed.start, renewed.end) == (D(2027, 1, 1), D(2027, 12, 31))
    assert Membership.objects.filter(user=applicant).count() == 2


def test_an_expired_membership_renews_from_today(association, applicant, fees, today):
    Membership.objects.create(
        association=association,
        user=applicant,
        status=MembershipStatus.ACTIVE,
        start=D(2025, 2, 1),
        end=D(2025, 12, 31),
    )
    today(D(2026, 10, 15))
    offer = membership_offer(user=applicant, association=association)
    assert (offer.kind, offer.expired) == ("renew", True)
    assert (offer.start, offer.end) == (D(2026, 10, 15), D(2027, 12, 31))


def test_no_renewal_more_than_30_days_before_the_end(association, applicant, fees, today):
    Membership.objects.create(
        association=association,
        user=applicant,
        status=MembershipStatus.ACTIVE,
        start=D(2026, 1, 1),
        end=D(2026, 12, 31),
    )
    today(D(2026, 11, 30))
    assert membership_offer(user=applicant, association=association).kind == ""
    with pytest.raises(BillingRefused):
        membership_invoice_open(association=association, user=applicant)
    today(D(2026, 12, 1))
    assert membership_offer(user=applicant, association=association).kind == "renew"


def test_one_open_membership_invoice_at_a_time(association, applicant, fees):
    first = membership_invoice_open(association=association, user=applicant)
    assert membership_invoice_open(association=association, user=applicant) == first
    assert (first.fee_type, first.amount, first.currency) == (
        FeeType.MEMBERSHIP,
        fees.membership_fee,
        "USD",
    )
    assert Invoice.objects.filter(person=applicant).count() == 1


def test_no_membership_invoice_without_a_fee(association, applicant):
    with pytest.raises(BillingRefused):
        membership_invoice_open(association=association, user=applicant)
    assert not Invoice.objects.exists()


def test_paid_twice_over_records_one_membership(association, applicant, fees, mailoutbox):
    invoice = membership_invoice_open(association=association, user=applicant)
    checkout_open(invoice=invoice, gateway="manual", session_id="man_1", by=applicant)
    for _ in range(2):  # a gateway reporting the same session twice
        checkout_complete(
            gateway="manual", session_id="man_1", amount=invoice.amount, currency="USD"
        )
    with pytest.raises(BillingRefused):
        pay(invoice)  # an admin recording it again is refused: it is paid
    with pytest.raises(BillingRefused):
        waiver_record(invoice=invoice, method=PaymentMethod.WAIVER, reason="x", by=None)
    assert Membership.objects.filter(user=applicant).count() == 1
    invoice.refresh_from_db()
    assert invoice.membership == Membership.objects.get(user=applicant)
    assert BillingEvent.objects.filter(action=BillingAction.MEMBERSHIP_RECORDED).count() == 1


def test_the_member_is_told_by_email(
    association, applicant, fees, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pay(membership_invoice_open(association=association, user=applicant))
    membership = Membership.objects.get(user=applicant)
    [mail] = [m for m in mailoutbox if "membership" in m.subject.lower()]
    assert mail.to == [applicant.email]
    assert str(membership.end.year) in mail.body


def test_the_member_is_told_in_spanish(
    association, fees, mailoutbox, django_capture_on_commit_callbacks
):
    person = UserFactory(preferred_language="es")
    invoice = membership_invoice_open(association=association, user=person)
    with django_capture_on_commit_callbacks(execute=True):
        pay(invoice)
    [mail] = mailoutbox
    assert "membresía" in mail.subject.lower()


def test_a_granted_waiver_request_records_the_membership(association, applicant, fees, assoc_admin):
    invoice = membership_invoice_open(association=association, user=applicant)
    request = waiver_request(invoice=invoice, by=applicant, reason="  I care for my mother.  ")
    assert waiver_request(invoice=invoice, by=applicant, reason="again") == request
    assert not Membership.objects.exists()
    waiver_request_decide(request=request, grant=True, by=assoc_admin)
    waiver_request_decide(request=request, grant=True, by=assoc_admin)
    invoice.refresh_from_db()
    request.refresh_from_db()
    assert invoice.status == InvoiceStatus.WAIVED
    assert request.status == WaiverRequestStatus.GRANTED
    assert invoice.payments.get().reason == "I care for my mother."
    assert Membership.objects.filter(user=applicant).count() == 1


def test_a_refused_waiver_request_leaves_the_invoice_to_pay(
    association, applicant, fees, assoc_admin
):
    invoice = membership_invoice_open(association=association, user=applicant)
    request = waiver_request(invoice=invoice, by=applicant, reason="Hardship")
    waiver_request_decide(request=request, grant=False, by=assoc_admin)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN
    assert not Membership.objects.exists()
    assert BillingEvent.objects.filter(action=BillingAction.WAIVER_REFUSED).count() == 1
    # Asking again is allowed once the first is answered.
    assert waiver_request(invoice=invoice, by=applicant, reason="Still hard").pk != request.pk


def test_a_waiver_request_needs_a_reason_and_the_person(association, applicant, fees):
    invoice = membership_invoice_open(association=association, user=applicant)
    with pytest.raises(BillingRefused):
        waiver_request(invoice=invoice, by=applicant, reason="   ")
    with pytest.raises(BillingRefused):
        waiver_request(invoice=invoice, by=UserFactory(), reason="Hardship")
    assert not WaiverRequest.objects.exists()


# Pages


def test_the_join_page_shows_the_fee_and_period_and_issues_one_invoice(
    client, association, applicant, fees
):
    client.force_login(applicant)
    url = reverse("billing:membership", kwargs={"slug": association.slug})
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "60.00 USD" in content
    assert 'id="membership-period"' in content
    response = client.post(url)
    invoice = Invoice.objects.get(person=applicant, fee_type=FeeType.MEMBERSHIP)
    assert response["Location"] == reverse("billing:invoice", kwargs={"pk": invoice.pk})
    assert client.post(url)["Location"] == response["Location"]
    again = client.get(url).content.decode()
    assert invoice.display_number in again
    assert 'id="membership-invoice"' not in again


def test_the_join_page_of_an_unknown_association_is_404(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("billing:membership", kwargs={"slug": "nowhere"})).status_code == 404


def test_a_current_member_is_not_offered_a_new_invoice(client, association, applicant, fees):
    Membership.objects.create(
        association=association,
        user=applicant,
        status=MembershipStatus.ACTIVE,
        start=association.today(),
        end=D(association.today().year + 1, 12, 31),
    )
    client.force_login(applicant)
    url = reverse("billing:membership", kwargs={"slug": association.slug})
    assert 'id="membership-invoice"' not in client.get(url).content.decode()
    client.post(url)
    assert not Invoice.objects.exists()


def test_another_applicants_membership_invoice_is_404(client, association, applicant, fees):
    invoice = membership_invoice_open(association=association, user=applicant)
    client.force_login(UserFactory())
    for url in (
        reverse("billing:invoice", kwargs={"pk": invoice.pk}),
        reverse("billing:invoice.pdf", kwargs={"pk": invoice.pk}),
    ):
        assert client.get(url).status_code == 404
    answer = client.post(
        reverse("billing:waiver.request", kwargs={"pk": invoice.pk}), {"reason": "Me too"}
    )
    assert answer.status_code == 404
    assert not WaiverRequest.objects.exists()


def test_the_person_asks_for_a_waiver_on_the_invoice_page(client, association, applicant, fees):
    invoice = membership_invoice_open(association=association, user=applicant)
    client.force_login(applicant)
    url = reverse("billing:invoice", kwargs={"pk": invoice.pk})
    page = client.get(url).content.decode()
    assert 'id="waiver-request-form"' in page
    assert "If the fee is hard for you to pay, ask for a waiver with the form below." in page
    assert "to ask for a waiver or scholarship, write to" not in page
    ask = reverse("billing:waiver.request", kwargs={"pk": invoice.pk})
    assert client.post(ask, {"reason": ""}).status_code == 400
    assert client.post(ask, {"reason": "<b>Hardship</b>"}).status_code == 302
    content = client.get(url).content.decode()
    assert "&lt;b&gt;Hardship&lt;/b&gt;" in content
    assert 'id="waiver-request-form"' not in content
    assert "Your waiver request is waiting for the association's answer (below)." in content


def test_the_admin_grants_a_waiver_request_from_the_invoice_page(
    client, association, applicant, fees, assoc_admin
):
    invoice = membership_invoice_open(association=association, user=applicant)
    request = waiver_request(invoice=invoice, by=applicant, reason="Hardship")
    client.force_login(assoc_admin)
    page = client.get(reverse("billing:invoice", kwargs={"pk": invoice.pk})).content.decode()
    assert "Hardship" in page
    decide = reverse(
        "billing:waiver.request.decide", kwargs={"pk": invoice.pk, "request_pk": request.pk}
    )
    assert client.post(decide, {"decision": "maybe"}).status_code == 400
    assert client.post(decide, {"decision": "grant"}).status_code == 302
    assert Membership.objects.filter(user=applicant, status=MembershipStatus.ACTIVE).exists()


def test_the_applicant_cannot_answer_their_own_request(client, association, applicant, fees):
    invoice = membership_invoice_open(association=association, user=applicant)
    request = waiver_request(invoice=invoice, by=applicant, reason="Hardship")
    client.force_login(applicant)
    decide = reverse(
        "billing:waiver.request.decide", kwargs={"pk": invoice.pk, "request_pk": request.pk}
    )
    assert client.post(decide, {"decision": "grant"}).status_code == 404
    request.refresh_from_db()
    assert request.status == WaiverRequestStatus.OPEN


def test_the_membership_requirement_links_to_the_join_page(
    client, association, category, applicant
):
    from portfolios.requirements import requirement_check
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(
        association=association, category=category, applicant=applicant
    )
    [item] = [
        i for i in requirement_check(application=application).missing if i.kind == "membership"
    ]
    join = reverse("billing:membership", kwargs={"slug": association.slug})
    assert item.link == join
    assert "contact" not in str(item.detail)


def test_the_dashboard_links_to_the_join_page(client, association, category, applicant):
    from tests.factories import ApplicationFactory

    ApplicationFactory(association=association, category=category, applicant=applicant)
    client.force_login(applicant)
    content = client.get(reverse("accounts:dashboard.applicant")).content.decode()
    assert reverse("billing:membership", kwargs={"slug": association.slug}) in content


def test_the_admin_sees_the_waiting_requests_on_the_invoice_list(
    client, association, applicant, fees, assoc_admin, other_admin
):
    invoice = membership_invoice_open(association=association, user=applicant)
    waiver_request(invoice=invoice, by=applicant, reason="Hardship <script>")
    client.force_login(assoc_admin)
    url = reverse("billing:admin.invoices", kwargs={"slug": association.slug})
    content = client.get(url).content.decode()
    assert 'id="open-waiver-requests"' in content
    assert invoice.display_number in content
    assert "Hardship &lt;script&gt;" in content
    client.force_login(other_admin)
    other = reverse("billing:admin.invoices", kwargs={"slug": "lakeshore"})
    assert 'id="open-waiver-requests"' not in client.get(other).content.decode()


def test_a_full_refund_cancels_the_membership(association, applicant, fees, assoc_admin):
    from accounts.enums import MemberStanding
    from accounts.selectors import association_members
    from billing.services import refund_record

    invoice = membership_invoice_open(association=association, user=applicant)
    payment = pay(invoice)
    [member] = association_members(association=association)
    assert member.standing == MemberStanding.CURRENT
    refund_record(payment=payment, amount="60", reason="joined by mistake", by=assoc_admin)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.REFUNDED
    membership = Membership.objects.get(user=applicant)
    assert membership.status == MembershipStatus.CANCELLED
    assert invoice.membership == membership
    [event] = BillingEvent.objects.filter(action=BillingAction.MEMBERSHIP_CANCELLED)
    assert (event.invoice, event.actor) == (invoice, assoc_admin)
    assert event.note == f"{membership.start:%Y-%m-%d} – {membership.end:%Y-%m-%d}"
    [member] = association_members(association=association)
    assert (member.standing, member.member_until) == (MemberStanding.EXPIRED, None)
    assert membership_offer(user=applicant, association=association).kind  # may join again


def test_a_partial_refund_leaves_the_membership(association, applicant, fees, assoc_admin):
    from billing.services import refund_record

    invoice = membership_invoice_open(association=association, user=applicant)
    payment = pay(invoice)
    refund_record(payment=payment, amount="20", reason="student rate", by=assoc_admin)
    membership = Membership.objects.get(user=applicant)
    assert membership.status == MembershipStatus.ACTIVE
    assert not BillingEvent.objects.filter(action=BillingAction.MEMBERSHIP_CANCELLED).exists()


def test_an_online_membership_gets_the_next_member_number(
    association, other_association, applicant, fees
):
    from accounts.services import membership_record

    schedule_for(other_association, days_ago=(other_association.today() - D(2020, 1, 1)).days)
    prefix = association.number_prefix
    # One typed by hand, the way the association numbered before, is skipped.
    membership_record(
        association=association,
        user=UserFactory(),
        joined_on=association.today(),
        member_number=f"{prefix}-M-00001",
    )
    pay(membership_invoice_open(association=association, user=applicant))
    pay(membership_invoice_open(association=association, user=UserFactory()))
    pay(membership_invoice_open(association=other_association, user=applicant))
    numbers = Membership.objects.filter(member_number__contains="-M-").order_by("pk")
    assert [m.member_number for m in numbers] == [
        f"{prefix}-M-00001",
        f"{prefix}-M-00002",
        f"{prefix}-M-00003",
        f"{other_association.number_prefix}-M-00001",
    ]
    assert Membership.objects.get(user=applicant, association=association).member_number == (
        f"{prefix}-M-00002"
    )
