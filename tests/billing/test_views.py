"""The billing pages: who sees what (others 404, anonymous to log in), the admin's forms and
their refusals (400 with the sentence, never 500), the manual gateway's whole path, the PDFs."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.enums import Role
from billing.enums import FeeType, InvoiceStatus, PaymentKind, PaymentMethod
from billing.models import CheckoutSession, FeeSchedule, Invoice, Payment
from billing.services import invoice_for_application, payment_record, waiver_record
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def invoice_url(invoice, name="billing:invoice"):
    return reverse(name, kwargs={"pk": invoice.pk})


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def coordinator_of_other(make_staff, other_association):
    return make_staff(Role.COORDINATOR, other_association)


@pytest.mark.parametrize("name", ["billing:invoice", "billing:invoice.pdf"])
def test_an_invoice_is_seen_by_its_person_and_its_association_staff(
    client, invoice, applicant, assoc_admin, coordinator, name
):
    for person in (applicant, assoc_admin, coordinator):
        client.force_login(person)
        assert client.get(invoice_url(invoice, name)).status_code == 200


@pytest.mark.parametrize("name", ["billing:invoice", "billing:invoice.pdf"])
def test_others_get_404(client, invoice, stranger, other_admin, coordinator_of_other, name):
    for person in (stranger, other_admin, coordinator_of_other):
        client.force_login(person)
        assert client.get(invoice_url(invoice, name)).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        lambda invoice: reverse("billing:invoices"),
        lambda invoice: reverse("billing:invoice", kwargs={"pk": invoice.pk}),
        lambda invoice: reverse("billing:invoice.pdf", kwargs={"pk": invoice.pk}),
        lambda invoice: reverse("billing:fees", kwargs={"slug": invoice.association.slug}),
        lambda invoice: reverse(
            "billing:admin.invoices", kwargs={"slug": invoice.association.slug}
        ),
    ],
)
def test_anonymous_people_are_sent_to_log_in(client, invoice, url):
    response = client.get(url(invoice))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_person_lists_only_their_own_invoices(client, invoice, applicant, category):
    other = ApplicationFactory(association=invoice.association, category=category)
    theirs = invoice_for_application(application=other, fee_type=FeeType.REGISTRATION)
    client.force_login(applicant)
    response = client.get(reverse("billing:invoices"))
    assert [row[0].pk for row in response.context["rows"]] == [invoice.pk]
    assert theirs.display_number not in response.content.decode()


def test_the_invoice_page_says_what_is_owed_and_why(client, invoice, applicant):
    client.force_login(applicant)
    page = client.get(invoice_url(invoice)).content.decode()
    assert "Registration fee (IFS)" in page
    assert "The fee for registering for an endorsement category." in page
    assert 'id="invoice-balance">15.00 USD' in page
    assert "Pay 15.00 USD" in page
    assert "payment-form" not in page


def test_the_admin_records_a_payment_and_the_person_gets_a_receipt(
    client, invoice, assoc_admin, applicant
):
    client.force_login(assoc_admin)
    page = client.get(invoice_url(invoice))
    token = page.context["payment_form"].initial["token"]
    data = {
        "amount": "15.00",
        "currency": "USD",
        "method": "cheque",
        "reference": "1001",
        "token": token,
    }
    response = client.post(invoice_url(invoice, "billing:payment.record"), data)
    assert response.status_code == 302
    # The same form sent again records nothing more.
    assert client.post(invoice_url(invoice, "billing:payment.record"), data).status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.method, payment.recorded_by) == (
        Decimal("15.00"),
        PaymentMethod.CHEQUE,
        assoc_admin,
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    client.force_login(applicant)
    receipt = client.get(reverse("billing:receipt.pdf", kwargs={"pk": payment.pk}))
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    text = pdf_text(receipt.content)
    assert payment.display_receipt_number in text
    assert invoice.association.name in text
    assert "15.00 USD" in text


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        ({"amount": "-5", "currency": "USD"}, "An amount cannot be negative."),
        ({"amount": "0", "currency": "USD"}, "An amount must be more than zero."),
        ({"amount": "lots", "currency": "USD"}, "Give the amount as a number, e.g. 25.00."),
        (
            {"amount": "15", "currency": "EUR"},
            "This invoice is in USD: a payment in EUR cannot settle it.",
        ),
    ],
)
def test_bad_payments_are_refused_with_a_sentence(client, invoice, assoc_admin, data, sentence):
    client.force_login(assoc_admin)
    response = client.post(
        invoice_url(invoice, "billing:payment.record"),
        {"method": "cash", "reference": "", "token": "t1", **data},
    )
    assert response.status_code == 400
    assert sentence in response.content.decode()
    assert Payment.objects.count() == 0


def test_a_waived_invoice_refuses_a_payment_on_the_page(client, invoice, assoc_admin):
    client.force_login(assoc_admin)
    response = client.post(
        invoice_url(invoice, "billing:waiver.record"),
        {"method": "scholarship", "reason": "Home visitor fund", "token": "w1"},
    )
    assert response.status_code == 302
    response = client.post(
        invoice_url(invoice, "billing:payment.record"),
        {"amount": "15", "currency": "USD", "method": "cash", "token": "p1"},
    )
    assert response.status_code == 400
    assert "This invoice was waived: nothing is owed on it." in response.content.decode()


def test_a_refund_larger_than_the_payment_is_refused_on_the_page(client, invoice, assoc_admin):
    payment = payment_record(
        invoice=invoice, amount="15", currency="USD", method=PaymentMethod.CASH, by=assoc_admin
    )
    client.force_login(assoc_admin)
    url = reverse("billing:refund.record", kwargs={"pk": invoice.pk, "payment_pk": payment.pk})
    response = client.post(url, {"amount": "16", "reason": "withdrew", "token": "r1"})
    assert response.status_code == 400
    assert "At most 15.00 USD of this payment can be refunded." in response.content.decode()
    response = client.post(url, {"amount": "15", "reason": "withdrew", "token": "r2"})
    assert response.status_code == 302
    assert Payment.objects.filter(kind=PaymentKind.REFUND).get().amount == Decimal("15.00")


def test_only_the_invoices_association_admin_records(
    client, invoice, applicant, coordinator, other_admin
):
    payment = payment_record(
        invoice=invoice, amount="5", currency="USD", method=PaymentMethod.CASH, by=None
    )
    urls = [
        invoice_url(invoice, "billing:payment.record"),
        invoice_url(invoice, "billing:waiver.record"),
        reverse("billing:refund.record", kwargs={"pk": invoice.pk, "payment_pk": payment.pk}),
    ]
    data = {"amount": "1", "currency": "USD", "method": "cash", "reason": "r", "token": "x"}
    for person in (applicant, coordinator, other_admin):
        client.force_login(person)
        for url in urls:
            assert client.post(url, data).status_code == 404
    assert Payment.objects.count() == 1


def test_a_refund_of_another_invoices_payment_is_404(client, invoice, assoc_admin, association):
    other = invoice_for_application(
        application=ApplicationFactory(
            association=association, category=invoice.application.category
        ),
        fee_type=FeeType.REGISTRATION,
    )
    payment = payment_record(
        invoice=other, amount="5", currency="USD", method=PaymentMethod.CASH, by=None
    )
    client.force_login(assoc_admin)
    url = reverse("billing:refund.record", kwargs={"pk": invoice.pk, "payment_pk": payment.pk})
    assert client.post(url, {"amount": "1", "reason": "r", "token": "x"}).status_code == 404


def test_the_manual_gateway_takes_the_person_through_the_whole_payment(
    client, invoice, applicant, stranger
):
    client.force_login(applicant)
    response = client.post(invoice_url(invoice, "billing:invoice.pay"))
    checkout = CheckoutSession.objects.get()
    checkout_url = reverse("billing:manual.checkout", kwargs={"session_id": checkout.session_id})
    assert response["Location"] == checkout_url
    assert "Confirm the payment of 15.00 USD" in client.get(checkout_url).content.decode()
    # Nobody else reaches the session.
    client.force_login(stranger)
    assert client.get(checkout_url).status_code == 404
    assert client.post(checkout_url, {"action": "confirm"}).status_code == 404
    client.force_login(applicant)
    response = client.post(checkout_url, {"action": "confirm"})
    assert response["Location"] == invoice_url(invoice)
    # A second confirmation (a reload, a repeated notification) records nothing more.
    client.post(checkout_url, {"action": "confirm"})
    payment = Payment.objects.get()
    assert (payment.method, payment.gateway, payment.amount) == (
        PaymentMethod.ONLINE,
        "manual",
        Decimal("15.00"),
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    # Nothing is owed: paying again is refused.
    response = client.post(invoice_url(invoice, "billing:invoice.pay"), follow=True)
    assert "Nothing is owed on this invoice." in response.content.decode()


def test_a_cancelled_manual_payment_leaves_the_invoice_to_pay(client, invoice, applicant):
    client.force_login(applicant)
    client.post(invoice_url(invoice, "billing:invoice.pay"))
    checkout = CheckoutSession.objects.get()
    url = reverse("billing:manual.checkout", kwargs={"session_id": checkout.session_id})
    client.post(url, {"action": "cancel"})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN
    assert Payment.objects.count() == 0


def test_only_the_person_pays(client, invoice, assoc_admin, stranger):
    for person in (assoc_admin, stranger):
        client.force_login(person)
        assert client.post(invoice_url(invoice, "billing:invoice.pay")).status_code == 404
    assert CheckoutSession.objects.count() == 0


def test_the_invoice_pdf_names_the_association_number_and_amount(client, invoice, applicant):
    client.force_login(applicant)
    response = client.get(invoice_url(invoice, "billing:invoice.pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert invoice.display_number in text
    assert invoice.association.name in text
    assert invoice.association.contact_email in text
    assert "15.00 USD" in text
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == f"Invoice {invoice.display_number}"


def test_a_waiver_has_no_receipt(client, invoice, assoc_admin, applicant):
    waiver = waiver_record(invoice=invoice, method=PaymentMethod.WAIVER, reason="r", by=None)
    client.force_login(applicant)
    assert client.get(reverse("billing:receipt.pdf", kwargs={"pk": waiver.pk})).status_code == 404


def test_a_receipt_is_404_to_others(client, invoice, stranger, other_admin):
    payment = payment_record(
        invoice=invoice, amount="15", currency="USD", method=PaymentMethod.CASH, by=None
    )
    for person in (stranger, other_admin):
        client.force_login(person)
        assert (
            client.get(reverse("billing:receipt.pdf", kwargs={"pk": payment.pk})).status_code == 404
        )


# --- the association admin's pages ---------------------------------------------------------------


def fees_url(association):
    return reverse("billing:fees", kwargs={"slug": association.slug})


def test_the_fee_page_is_for_the_association_admin(
    client, association, assoc_admin, coordinator, other_admin, applicant, schedule
):
    client.force_login(assoc_admin)
    response = client.get(fees_url(association))
    assert response.status_code == 200
    assert response.context["form"].initial["registration_IFS"] == Decimal("15.00")
    for person in (coordinator, other_admin, applicant):
        client.force_login(person)
        assert client.get(fees_url(association)).status_code == 403


def test_the_admin_saves_a_new_schedule_from_today(client, association, assoc_admin, schedule):
    client.force_login(assoc_admin)
    data = {
        "effective_from": association.today().isoformat(),
        "currency": "usd",
        "membership_fee": "65",
        "renewal_fee": "30",
        "late_renewal_fee": "25",
        "reinstatement_fee": "100",
        "registration_IFS": "20",
        "processing_IFS": "120",
        "processing_fee_before_submission": "on",
    }
    response = client.post(fees_url(association), data)
    assert response.status_code == 302
    latest = FeeSchedule.objects.filter(association=association).latest("effective_from")
    row = latest.category_fees.get()
    assert (latest.currency, latest.membership_fee, row.registration_fee, row.processing_fee) == (
        "USD",
        Decimal("65.00"),
        Decimal("20.00"),
        Decimal("120.00"),
    )
    assert latest.processing_fee_before_submission is True
    assert latest.registration_fee_before_acceptance is False


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        ({"registration_IFS": "-1"}, "An amount cannot be negative."),
        ({"membership_fee": "sixty"}, "Give the amount as a number, e.g. 25.00."),
        ({"effective_from": "2000-01-01"}, "A new fee schedule takes effect today or later."),
        ({"currency": "U$D"}, "Use a three-letter currency code, e.g. USD."),
    ],
)
def test_a_bad_schedule_is_refused(client, association, assoc_admin, category, change, sentence):
    client.force_login(assoc_admin)
    data = {
        "effective_from": association.today().isoformat(),
        "currency": "USD",
        "membership_fee": "60",
        "renewal_fee": "30",
        "late_renewal_fee": "25",
        "reinstatement_fee": "100",
        "registration_IFS": "15",
        "processing_IFS": "100",
        **change,
    }
    response = client.post(fees_url(association), data)
    assert response.status_code == 400
    assert sentence in response.content.decode()
    assert FeeSchedule.objects.count() == 0


def test_the_admin_lists_invoices_and_waivers_apart(
    client, association, assoc_admin, invoice, category, other_admin
):
    other = invoice_for_application(
        application=ApplicationFactory(association=association, category=category),
        fee_type=FeeType.REGISTRATION,
    )
    waiver_record(invoice=other, method=PaymentMethod.SCHOLARSHIP, reason="Fund", by=assoc_admin)
    client.force_login(assoc_admin)
    url = reverse("billing:admin.invoices", kwargs={"slug": association.slug})
    response = client.get(url)
    assert [row[0].pk for row in response.context["rows"]] == [other.pk, invoice.pk]
    assert [w.invoice_id for w in response.context["waivers"]] == [other.pk]
    response = client.get(url, {"status": "open"})
    assert [row[0].pk for row in response.context["rows"]] == [invoice.pk]
    client.force_login(other_admin)
    assert client.get(url).status_code == 403


def test_the_invoice_list_costs_the_same_queries_for_one_or_many(
    client, association, assoc_admin, category, schedule, django_assert_max_num_queries
):
    def make(n):
        for _ in range(n):
            application = ApplicationFactory(association=association, category=category)
            invoice = invoice_for_application(
                application=application, fee_type=FeeType.REGISTRATION
            )
            payment_record(
                invoice=invoice, amount="5", currency="USD", method=PaymentMethod.CASH, by=None
            )

    client.force_login(assoc_admin)
    url = reverse("billing:admin.invoices", kwargs={"slug": association.slug})
    make(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    make(15)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)
    assert len(one) <= 15


def test_my_invoices_costs_the_same_queries_for_one_or_many(
    client, association, category, schedule
):
    person = UserFactory()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(n):
        for _ in range(n):
            application = ApplicationFactory(
                association=association, category=category, applicant=person
            )
            invoice_for_application(application=application, fee_type=FeeType.REGISTRATION)

    client.force_login(person)
    make(1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("billing:invoices"))
    make(10)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("billing:invoices"))
    assert len(many) == len(one)


# --- what others see of the fees ---------------------------------------------------------------


def test_the_public_pages_show_what_a_category_costs(client, association, category, schedule):
    sentence = "Fees: 15.00 USD when you register, 100.00 USD when you submit the portfolio."
    page = client.get(reverse("competencies:association", kwargs={"slug": association.slug}))
    assert sentence in page.content.decode()
    page = client.get(
        reverse("competencies:category", kwargs={"slug": association.slug, "code": "IFS"})
    )
    assert sentence in page.content.decode()


def test_the_eligibility_check_shows_what_a_category_costs(
    client, association, category, schedule, applicant
):
    client.force_login(applicant)
    url = reverse("portfolios:start.check", kwargs={"slug": association.slug})
    response = client.get(
        url,
        {
            "education": "none",
            "work_years": "5",
            "dyadic": "on",
            "training_hours": "100",
            "rsc_hours": "50",
        },
    )
    assert response.status_code == 200
    assert "when you register" in response.content.decode()


def test_the_applicant_dashboard_lists_fees_to_pay(client, invoice, applicant):
    client.force_login(applicant)
    page = client.get(reverse("accounts:dashboard.applicant")).content.decode()
    assert 'id="dashboard-invoices"' in page
    assert invoice_url(invoice) in page
    payment_record(invoice=invoice, amount="15", currency="USD", method=PaymentMethod.CASH, by=None)
    page = client.get(reverse("accounts:dashboard.applicant")).content.decode()
    assert invoice_url(invoice) not in page
    assert "Nothing to pay now." in page
    assert reverse("billing:invoices") in page


def test_no_fees_section_without_invoices(client, applicant):
    client.force_login(applicant)
    page = client.get(reverse("accounts:dashboard.applicant")).content.decode()
    assert 'id="dashboard-invoices"' not in page


def test_the_admin_dashboard_links_to_the_fees(client, association, assoc_admin):
    client.force_login(assoc_admin)
    page = client.get(
        reverse(
            "accounts:dashboard.role",
            kwargs={"slug": association.slug, "role": Role.ASSOCIATION_ADMIN},
        )
    ).content.decode()
    assert fees_url(association) in page


def test_the_coordinator_sees_the_applications_fees(client, invoice, coordinator):
    client.force_login(coordinator)
    page = client.get(
        reverse("endorsement:detail", kwargs={"application_id": invoice.application_id})
    ).content.decode()
    assert "application-fees" in page
    assert invoice.display_number in page


def test_html_in_a_name_renders_as_text(client, invoice, assoc_admin):
    invoice.person.full_name = "<b>Ana</b>"
    invoice.person.save()
    client.force_login(assoc_admin)
    page = client.get(invoice_url(invoice)).content.decode()
    assert "&lt;b&gt;Ana&lt;/b&gt;" in page
    assert "<b>Ana</b>" not in page
    assert Invoice.objects.count() == 1


def test_without_a_gateway_nobody_pays_online(client, invoice, applicant, settings):
    settings.BILLING_GATEWAY = ""
    client.force_login(applicant)
    page = client.get(invoice_url(invoice)).content.decode()
    assert "Pay 15.00 USD" not in page
    assert "write to" in page
    assert client.post(invoice_url(invoice, "billing:invoice.pay")).status_code == 404
    assert CheckoutSession.objects.count() == 0


def test_the_manual_page_is_closed_when_another_gateway_is_configured(
    client, invoice, applicant, settings
):
    client.force_login(applicant)
    client.post(invoice_url(invoice, "billing:invoice.pay"))
    checkout = CheckoutSession.objects.get()
    settings.BILLING_GATEWAY = ""
    url = reverse("billing:manual.checkout", kwargs={"session_id": checkout.session_id})
    assert client.post(url, {"action": "confirm"}).status_code == 404
    assert Payment.objects.count() == 0


def test_the_manual_gateway_takes_nothing_without_debug(client, invoice, applicant, settings):
    client.force_login(applicant)
    client.post(invoice_url(invoice, "billing:invoice.pay"))
    checkout = CheckoutSession.objects.get()
    settings.DEBUG = False
    settings.BILLING_MANUAL_GATEWAY_ALLOWED = False
    assert "Pay 15.00 USD" not in client.get(invoice_url(invoice)).content.decode()
    assert client.post(invoice_url(invoice, "billing:invoice.pay")).status_code == 404
    url = reverse("billing:manual.checkout", kwargs={"session_id": checkout.session_id})
    assert client.post(url, {"action": "confirm"}).status_code == 404
    assert Payment.objects.count() == 0
    assert CheckoutSession.objects.count() == 1


@pytest.mark.parametrize("who", ["applicant", "assoc_admin"])
def test_the_invoice_page_costs_the_same_queries_for_one_or_many_payments(
    client, invoice, who, request
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(request.getfixturevalue(who))
    payment_record(invoice=invoice, amount="1", currency="USD", method=PaymentMethod.CASH, by=None)
    with CaptureQueriesContext(connection) as one:
        client.get(invoice_url(invoice))
    for _ in range(10):
        payment_record(
            invoice=invoice, amount="1", currency="USD", method=PaymentMethod.CASH, by=None
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(invoice_url(invoice))
    assert len(response.context["payments"]) == 11
    assert len(many) == len(one)
    assert len(one) <= 15


@pytest.mark.parametrize(
    "url", ["http://example.org/x.css", "file:///etc/passwd", "http://127.0.0.1:8000/admin/"]
)
def test_the_pdfs_fetch_nothing_but_static_files(url):
    from accounts.pdfs import FetchRefused, StaticOnlyFetcher

    with pytest.raises(FetchRefused):
        StaticOnlyFetcher().fetch(url)
