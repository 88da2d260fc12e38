"""The pages of a reinstatement and of adding a category: the holder's start pages and dashboard
section, the coordinator's application page, pipeline badge and approval; and who is refused."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.enums import Role
from billing.enums import PaymentMethod
from billing.models import Invoice
from billing.services import waiver_record
from endorsement.enums import ApplicationPurpose, ApplicationState
from endorsement.enums import EndorsementStatus as E
from endorsement.models import Application, Endorsement
from portfolios.models import Education
from tests.billing.conftest import schedule_for
from tests.factories import (
    EducationFactory,
    EndorsementCategoryFactory,
    EndorsementFactory,
    FrameworkFactory,
    UserFactory,
    endorsement_status_set,
)
from tests.portfolios.references_helpers import set_state


@pytest.fixture
def framework(association):
    return FrameworkFactory(association=association, is_published=True)


@pytest.fixture
def ifs(framework):
    return EndorsementCategoryFactory(
        framework=framework, code="IFS", name="Infant Family Specialist"
    )


@pytest.fixture
def imhs(framework):
    return EndorsementCategoryFactory(
        framework=framework, code="IMHS", name="Infant Mental Health Specialist"
    )


@pytest.fixture
def holder(db):
    return UserFactory(email="farah@example.org", full_name="Farah Holder")


@pytest.fixture
def endorsement(ifs, holder):
    return EndorsementFactory(
        category=ifs,
        application__applicant=holder,
        number="NFAIMH-IFS-2023-0007",
        awarded_on=datetime.date(2023, 5, 2),
        valid_through=datetime.date(2024, 12, 31),
    )


@pytest.fixture
def lapsed(endorsement):
    return endorsement_status_set(endorsement, E.LAPSED)


def url(name, endorsement):
    return reverse(f"portfolios:{name}", kwargs={"pk": endorsement.pk})


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_holder_s_dashboard_offers_reinstatement_when_lapsed(client, lapsed, holder):
    client.force_login(holder)
    html = client.get(reverse("accounts:dashboard.applicant")).content.decode()
    assert f'href="{url("reinstate", lapsed)}"' in html
    assert "Reinstate your endorsement" in html
    assert url("category.add", lapsed) not in html


def test_the_holder_s_dashboard_offers_a_category_when_active(client, endorsement, holder):
    client.force_login(holder)
    html = client.get(reverse("accounts:dashboard.applicant")).content.decode()
    assert f'href="{url("category.add", endorsement)}"' in html
    assert url("reinstate", endorsement) not in html


def test_the_holder_starts_the_reinstatement(
    client, lapsed, holder, association, django_capture_on_commit_callbacks
):
    schedule_for(association)
    client.force_login(holder)
    page = client.get(url("reinstate", lapsed))
    assert page.status_code == 200
    assert page.context["refusal"] == ""
    assert "Start the reinstatement" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("reinstate", lapsed))
    application = Application.objects.get(purpose=ApplicationPurpose.REINSTATEMENT)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "portfolios:summary", kwargs={"application_id": application.pk}
    )
    assert Invoice.objects.filter(application=application).count() == 1
    # The summary asks only for the new work and references.
    summary = client.get(response["Location"])
    assert [item.section for item in summary.context["check"].items] == [
        "work",
        "references",
        "references",
        "references",
    ]
    # The dashboard now leads to it instead.
    html = client.get(reverse("accounts:dashboard.applicant")).content.decode()
    assert "Your reinstatement is under way." in html
    # A second start is refused with the sentence.
    again = client.post(url("reinstate", lapsed), follow=True)
    assert messages_of(again)[-1].startswith("You already have an application with")
    assert Application.objects.filter(purpose=ApplicationPurpose.REINSTATEMENT).count() == 1


def test_an_active_endorsement_is_not_reinstated_the_page_says_why(client, endorsement, holder):
    client.force_login(holder)
    page = client.get(url("reinstate", endorsement))
    assert page.context["refusal"] == (
        "Endorsement NFAIMH-IFS-2023-0007 is active: only a lapsed endorsement can be reinstated."
    )
    assert "Start the reinstatement" not in page.content.decode()
    response = client.post(url("reinstate", endorsement), follow=True)
    assert messages_of(response) == [page.context["refusal"]]
    assert not Application.objects.filter(purpose=ApplicationPurpose.REINSTATEMENT).exists()


def test_the_holder_adds_a_category(client, endorsement, holder, imhs):
    EducationFactory(application=endorsement.application)
    client.force_login(holder)
    page = client.get(url("category.add", endorsement))
    assert page.status_code == 200
    assert [c.code for c in page.context["categories"]] == ["IMHS"]
    response = client.post(url("category.add", endorsement), {"category": imhs.pk, "note": ""})
    application = Application.objects.get(purpose=ApplicationPurpose.ADDED_CATEGORY)
    assert response["Location"] == reverse(
        "portfolios:summary", kwargs={"application_id": application.pk}
    )
    assert (application.category, application.prior_endorsement) == (imhs, endorsement)
    assert Education.objects.filter(application=application).count() == 1
    listing = client.get(
        reverse("portfolios:education.list", kwargs={"application_id": application.pk})
    )
    assert (
        listing.content.decode().count(
            '<span class="badge text-bg-light border carried-over">Carried over</span>'
        )
        == 1
    )


@pytest.mark.parametrize("name", ["reinstate", "category.add"])
def test_nobody_else_reaches_the_holder_s_pages(
    client, lapsed, imhs, association, other_association, make_staff, name
):
    people = [
        UserFactory(),
        make_staff(Role.COORDINATOR, association),
        make_staff(Role.COORDINATOR, other_association),
    ]
    for person in people:
        client.force_login(person)
        assert client.get(url(name, lapsed)).status_code == 404
        assert client.post(url(name, lapsed), {"category": imhs.pk}).status_code == 404
        client.logout()
    response = client.get(url(name, lapsed))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Application.objects.exclude(purpose=ApplicationPurpose.NEW).exists()


@pytest.fixture
def submitted(lapsed, holder, association, django_capture_on_commit_callbacks):
    from endorsement.continuations import reinstatement_start

    schedule_for(association)
    with django_capture_on_commit_callbacks(execute=True):
        application = reinstatement_start(endorsement=lapsed, by=holder)
    set_state(application, ApplicationState.SUBMITTED)
    return application


def detail(application):
    return reverse("endorsement:detail", kwargs={"application_id": application.pk})


def step(application):
    return reverse("endorsement:reinstate", kwargs={"application_id": application.pk})


def test_the_coordinator_sees_the_purpose_and_approves_once_the_fee_is_settled(
    client, submitted, coordinator, association
):
    client.force_login(coordinator)
    # The pipeline's badge.
    dashboard = client.get(
        reverse("accounts:dashboard.role", kwargs={"slug": association.slug, "role": "coordinator"})
    )
    assert '<span class="badge text-bg-info application-purpose">Reinstatement</span>' in (
        dashboard.content.decode()
    )
    assert "Approve the reinstatement of Farah Holder (NFAIMH-IFS-2023-0007)" in (
        dashboard.content.decode()
    )
    page = client.get(detail(submitted))
    html = page.content.decode()
    assert "reinstates endorsement NFAIMH-IFS-2023-0007 (now: Lapsed)" in html
    invoice = Invoice.objects.get(application=submitted)
    assert page.context["reinstate_refusal"].startswith("The reinstatement fee (100.00 USD")
    assert f'href="http://127.0.0.1:8000/billing/invoices/{invoice.pk}/"' in html
    assert not page.context["allowed"]["reinstate"]
    # Not reviewed: no reviewer pages offered.
    assert all("review" not in link for link, _label in page.context["related"])
    # The step's page sends back with the reason while the fee is unpaid.
    refused = client.get(step(submitted), follow=True)
    assert messages_of(refused)[-1].startswith("The reinstatement fee (100.00 USD")

    waiver_record(invoice=invoice, method=PaymentMethod.WAIVER, reason="Hardship", by=None)
    assert client.get(detail(submitted)).context["allowed"]["reinstate"]
    confirm = client.get(step(submitted))
    assert confirm.status_code == 200
    assert "Endorsement <strong>NFAIMH-IFS-2023-0007</strong> becomes active again" in (
        confirm.content.decode()
    )
    done = client.post(step(submitted), follow=True)
    assert (
        messages_of(done)[-1] == "Endorsement NFAIMH-IFS-2023-0007 of Farah Holder is reinstated."
    )
    endorsement = Endorsement.objects.get(number="NFAIMH-IFS-2023-0007")
    assert endorsement.status == E.ACTIVE


def test_others_may_not_approve(
    client, submitted, holder, association, other_association, make_staff
):
    waiver_record(
        invoice=Invoice.objects.get(application=submitted),
        method=PaymentMethod.WAIVER,
        reason="Hardship",
        by=None,
    )
    for person in (
        holder,
        make_staff(Role.COORDINATOR, other_association),
        make_staff(Role.REVIEWER, association),
    ):
        client.force_login(person)
        assert client.get(step(submitted)).status_code == 403
        assert client.post(step(submitted)).status_code == 403
        client.logout()
    assert Endorsement.objects.get(pk=submitted.prior_endorsement_id).status == E.LAPSED
