"""Every billing URL, tried by everyone who must not reach it: people of another association
and other applicants get 404 on an invoice's, a payment's and a checkout's pages (403 on the
association admin's own pages, like every staff page), anonymous visitors are sent to log in,
and nothing is written. The list is read from billing.urls, so a new page must be added here."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.enums import MembershipProofState, Role
from accounts.models import MembershipProof
from billing import urls as billing_urlconf
from billing.enums import PaymentMethod
from billing.models import BillingEvent, CheckoutSession, FeeSchedule, Payment, WaiverRequest
from billing.services import payment_record
from tests.factories import PDF_BYTES, UserFactory

pytestmark = pytest.mark.django_db

# The association admin's pages: staff pages answer 403 with the reason to other people.
STAFF_PAGES = {"fees", "admin.invoices"}
POST_ONLY = {
    "invoice.pay",
    "payment.record",
    "waiver.record",
    "refund.record",
    "waiver.request",
    "waiver.request.decide",
}
GET_ONLY = {"invoice.pdf", "receipt.pdf", "admin.invoices", "membership.proof.file"}
# Every signed-in person has their own list, their own membership page and proofs of membership.
OWN_LIST = {"invoices", "membership", "membership.proof"}
# Stripe's webhook: no login, nothing without a valid signature (tests/billing/test_stripe.py).
NO_LOGIN = {"stripe.webhook"}


@pytest.fixture
def objects(invoice, applicant, client):
    payment = payment_record(
        invoice=invoice, amount="5", currency="USD", method=PaymentMethod.CASH, by=None
    )
    checkout = CheckoutSession.objects.create(
        invoice=invoice,
        gateway="manual",
        session_id="man_test",
        amount=invoice.amount,
        currency="USD",
        started_by=applicant,
    )
    waiver_request = WaiverRequest.objects.create(invoice=invoice, reason="Hardship")
    proof = MembershipProof(
        association=invoice.association,
        user=applicant,
        other_association="Lakeshore AIMH",
        end=invoice.association.today(),
        original_name="card.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
    )
    proof.file.save("upload", ContentFile(PDF_BYTES), save=True)
    return {
        "proof": proof,
        "invoice": invoice,
        "payment": payment,
        "checkout": checkout,
        "waiver_request": waiver_request,
    }


def billing_urls(objects) -> list[tuple[str, str]]:
    invoice, payment = objects["invoice"], objects["payment"]
    kwargs = {
        "invoices": {},
        "invoice": {"pk": invoice.pk},
        "invoice.pdf": {"pk": invoice.pk},
        "invoice.pay": {"pk": invoice.pk},
        "payment.record": {"pk": invoice.pk},
        "waiver.record": {"pk": invoice.pk},
        "refund.record": {"pk": invoice.pk, "payment_pk": payment.pk},
        "receipt.pdf": {"pk": payment.pk},
        "manual.checkout": {"session_id": objects["checkout"].session_id},
        "waiver.request": {"pk": invoice.pk},
        "waiver.request.decide": {"pk": invoice.pk, "request_pk": objects["waiver_request"].pk},
        "membership": {"slug": invoice.association.slug},
        "membership.proof": {"slug": invoice.association.slug},
        "membership.proof.decide": {"pk": objects["proof"].pk},
        "membership.proof.file": {"pk": objects["proof"].pk},
        "fees": {"slug": invoice.association.slug},
        "admin.invoices": {"slug": invoice.association.slug},
        "stripe.webhook": {},
    }
    names = [pattern.name for pattern in billing_urlconf.urlpatterns]
    assert sorted(names) == sorted(kwargs), "a new billing page: say how to reach it here"
    return [
        (name, reverse(f"billing:{name}", kwargs=kwargs[name]))
        for name in names
        if name not in NO_LOGIN
    ]


def outsiders(make_staff, association, other_association) -> dict:
    return {
        "another applicant": UserFactory(),
        "admin of another association": make_staff(Role.ASSOCIATION_ADMIN, other_association),
        "coordinator of another association": make_staff(Role.COORDINATOR, other_association),
        "advisor of the association": make_staff(Role.ADVISOR, association),
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_outsiders_are_refused_everywhere(
    client, objects, make_staff, association, other_association, method
):
    urls = [(name, url) for name, url in billing_urls(objects) if name not in OWN_LIST]
    before = (Payment.objects.count(), BillingEvent.objects.count(), FeeSchedule.objects.count())
    for who, user in outsiders(make_staff, association, other_association).items():
        client.force_login(user)
        answers = {name: getattr(client, method)(url).status_code for name, url in urls}
        expected = {name: 403 if name in STAFF_PAGES else 404 for name, _url in urls}
        # A method the page does not take may be refused before anyone is asked who they are.
        wrong_method = POST_ONLY if method == "get" else GET_ONLY
        for name in wrong_method:
            assert answers.pop(name) in (403, 404, 405), (who, name)
            expected.pop(name)
        assert answers == expected, who
        client.logout()
    after = (Payment.objects.count(), BillingEvent.objects.count(), FeeSchedule.objects.count())
    assert after == before
    assert list(MembershipProof.objects.values_list("state", flat=True)) == [
        MembershipProofState.PENDING
    ]
    assert CheckoutSession.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(client, objects, method):
    for name, url in billing_urls(objects):
        response = getattr(client, method)(url)
        if response.status_code == 405:
            continue
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/?next="), name


def test_anothers_invoice_list_shows_nothing_of_this_one(client, objects):
    client.force_login(UserFactory())
    response = client.get(reverse("billing:invoices"))
    assert response.context["rows"] == []
    assert objects["invoice"].display_number not in response.content.decode()
