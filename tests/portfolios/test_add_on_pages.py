"""The add-on pages: the holder applies (requirements as a checklist, evidence, a private
document), the coordinator approves or refuses on the application's page; everyone else is
refused (GET and POST), and nothing changes."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.enums import Role
from endorsement.addons import add_on_decide
from endorsement.enums import AddOnState
from endorsement.models import AddOn, EndorsementAddOn
from portfolios.add_ons import add_on_apply_with_document
from portfolios.models import Document
from tests.factories import PDF_BYTES, EndorsementFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.CLAMAV_SOCKET = ""
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = ""


@pytest.fixture
def add_on(association):
    return AddOn.objects.create(
        association=association,
        code="ers",
        name="Endorsed Reflective Supervisor",
        names={"es": "Supervisor/a Reflexivo/a Endosado/a"},
        description="For holders who provide RS/C.",
        category_codes=["IFS", "IMHS"],
        min_rsc_provided_hours=Decimal("24"),
        min_rsc_training_hours=Decimal("15"),
        document_required=True,
        document_note="A letter from your RS/C provider",
        attestation="I provide RS/C to others.",
    )


def endorsement_in(association, code="IFS"):
    return EndorsementFactory(
        application__association=association,
        application__applicant=UserFactory(full_name="Farah Holder"),
        category__framework__association=association,
        category__code=code,
        valid_through=datetime.date(2026, 12, 31),
    )


@pytest.fixture
def endorsement(association):
    return endorsement_in(association)


def apply_url(endorsement, add_on) -> str:
    return reverse("portfolios:addon.apply", kwargs={"pk": endorsement.pk, "code": add_on.code})


def letter():
    return SimpleUploadedFile("letter.pdf", PDF_BYTES, content_type="application/pdf")


def form_data(**changes):
    data = {
        "rsc_provided_hours": "30",
        "rsc_training_hours": "15",
        "attest": "on",
        "evidence_note": "A monthly group.",
        "document": letter(),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def holding(endorsement, add_on):
    return add_on_apply_with_document(
        endorsement=endorsement,
        add_on=add_on,
        by=endorsement.holder,
        rsc_provided_hours=Decimal("30"),
        rsc_training_hours=Decimal("15"),
        attested=True,
        upload=letter(),
    )


def test_the_holder_reads_the_requirements_and_applies_with_a_document(client, endorsement, add_on):
    client.force_login(endorsement.holder)
    page = client.get(apply_url(endorsement, add_on))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Apply for the Endorsed Reflective Supervisor" in html
    assert "At least 24 hours of reflective supervision/consultation provided." in html
    assert "I provide RS/C to others." in html
    response = client.post(apply_url(endorsement, add_on), form_data())
    holding = EndorsementAddOn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolios:addon.detail", kwargs={"pk": holding.pk})
    assert (holding.state, holding.rsc_provided_hours, holding.evidence_note) == (
        AddOnState.APPLIED,
        Decimal("30"),
        "A monthly group.",
    )
    document = Document.objects.get()
    assert (document.add_on, document.application, document.kind, document.original_name) == (
        holding,
        endorsement.application,
        "add_on",
        "letter.pdf",
    )
    detail = client.get(response["Location"]).content.decode()
    assert "Waiting for the coordinator" in detail
    assert "Reflective supervision/consultation provided: 30 of 24 hours" in detail


def test_unmet_requirements_are_refused_with_sentences_and_nothing_is_saved(
    client, endorsement, add_on
):
    client.force_login(endorsement.holder)
    response = client.post(
        apply_url(endorsement, add_on),
        form_data(rsc_provided_hours="18", attest=None, document=None),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "You entered 18 hours of reflective supervision/consultation provided; this add-on "
        "needs at least 24." in html
    )
    assert "This add-on needs a document: upload it with your application." in html
    assert "Confirm the statement to apply for this add-on." in html
    assert (EndorsementAddOn.objects.count(), Document.objects.count()) == (0, 0)


def test_a_file_that_is_not_a_document_is_refused_on_its_field(client, endorsement, add_on):
    client.force_login(endorsement.holder)
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(apply_url(endorsement, add_on), form_data(document=fake))
    assert response.status_code == 400
    assert "This file is not a PDF, JPEG, PNG or Word (.docx) document." in (
        response.content.decode()
    )
    assert (EndorsementAddOn.objects.count(), Document.objects.count()) == (0, 0)


def test_negative_hours_are_refused_on_the_field(client, endorsement, add_on):
    client.force_login(endorsement.holder)
    response = client.post(apply_url(endorsement, add_on), form_data(rsc_training_hours="-2"))
    assert response.status_code == 400
    assert "Hours cannot be negative." in response.content.decode()
    assert EndorsementAddOn.objects.count() == 0


def test_an_ineligible_category_is_told_why_and_its_post_refused(client, association, add_on):
    ifa = endorsement_in(association, code="IFA")
    client.force_login(ifa.holder)
    page = client.get(apply_url(ifa, add_on)).content.decode()
    assert "This add-on is not offered for IFA endorsements." in page
    assert "add-on-submit" not in page
    response = client.post(apply_url(ifa, add_on), form_data())
    assert response.status_code == 400
    assert "This add-on is not offered for IFA endorsements." in response.content.decode()
    assert (EndorsementAddOn.objects.count(), Document.objects.count()) == (0, 0)


def test_the_coordinator_approves_from_the_dashboard_row(client, coordinator, holding):
    client.force_login(coordinator)
    url = reverse("portfolios:addon.detail", kwargs={"pk": holding.pk})
    dashboard = client.get(
        reverse(
            "accounts:dashboard.role",
            kwargs={"slug": holding.endorsement.association.slug, "role": Role.COORDINATOR},
        )
    ).content.decode()
    assert "Decide the Endorsed Reflective Supervisor of Farah Holder (IFS)" in dashboard
    assert url in dashboard
    page = client.get(url).content.decode()
    assert "Approve the add-on" in page
    assert "letter.pdf" in page
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 302
    holding.refresh_from_db()
    assert (holding.state, holding.valid_through, holding.decided_by) == (
        AddOnState.APPROVED,
        datetime.date(2026, 12, 31),
        coordinator,
    )
    assert "Approve the add-on" not in client.get(url).content.decode()


def test_a_refusal_needs_a_reason_the_holder_reads(client, coordinator, holding):
    client.force_login(coordinator)
    url = reverse("portfolios:addon.detail", kwargs={"pk": holding.pk})
    response = client.post(url, {"decision": "refuse", "reason": ""})
    assert response.status_code == 400
    assert EndorsementAddOn.objects.get().state == AddOnState.APPLIED
    client.post(url, {"decision": "refuse", "reason": "The letter is not signed."})
    assert EndorsementAddOn.objects.get().state == AddOnState.REFUSED
    client.force_login(holding.endorsement.holder)
    page = client.get(url).content.decode()
    assert "The letter is not signed." in page
    assert "Refused" in page


def test_the_holder_s_dashboard_lists_the_add_on_and_the_offer(client, endorsement, add_on):
    client.force_login(endorsement.holder)
    dashboard = reverse("accounts:dashboard.applicant")
    page = client.get(dashboard).content.decode()
    assert "Apply for the Endorsed Reflective Supervisor" in page
    assert apply_url(endorsement, add_on) in page
    client.post(apply_url(endorsement, add_on), form_data())
    page = client.get(dashboard).content.decode()
    assert "Apply for the Endorsed Reflective Supervisor" not in page
    assert "Waiting for the coordinator" in page


def test_the_document_is_the_holder_s_and_the_coordinators_only(
    client, holding, coordinator, make_staff, other_association
):
    document = holding.documents.get()
    url = reverse(
        "portfolios:addon.document", kwargs={"pk": holding.pk, "document_pk": document.pk}
    )
    for person in (holding.endorsement.holder, coordinator):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
    # Not with the portfolio: its readers (the advisor, reviewers) never get it there.
    portfolio_url = reverse(
        "portfolios:document.download",
        kwargs={"application_id": holding.endorsement.application_id, "pk": document.pk},
    )
    client.force_login(coordinator)
    assert client.get(portfolio_url).status_code == 404


def outsiders(association, other_association, make_staff):
    return {
        "another holder": endorsement_in(association).holder,
        "coordinator of another association": make_staff(Role.COORDINATOR, other_association),
        "advisor": make_staff(Role.ADVISOR, association),
        "reviewer": make_staff(Role.REVIEWER, association),
        "exam grader": make_staff(Role.EXAM_GRADER, association),
        "association admin": make_staff(Role.ASSOCIATION_ADMIN, association),
        "platform admin": make_staff(
            Role.COORDINATOR, other_association, user__is_superuser=True, user__is_staff=True
        ),
    }


def add_on_urls(holding) -> dict[str, str]:
    document = holding.documents.get()
    return {
        "addon.apply": apply_url(holding.endorsement, holding.add_on),
        "addon.detail": reverse("portfolios:addon.detail", kwargs={"pk": holding.pk}),
        "addon.document": reverse(
            "portfolios:addon.document", kwargs={"pk": holding.pk, "document_pk": document.pk}
        ),
    }


def test_every_add_on_url_is_covered():
    from portfolios import urls

    names = {p.name for p in urls.urlpatterns if p.name and p.name.startswith("addon.")}
    assert names == {"addon.apply", "addon.detail", "addon.document"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_others_are_refused_every_add_on_page_and_nothing_changes(
    client, holding, association, other_association, make_staff, method
):
    urls = add_on_urls(holding)
    for who, person in outsiders(association, other_association, make_staff).items():
        client.force_login(person)
        answers = {
            name: getattr(client, method)(url, {"decision": "approve", **form_data()}).status_code
            for name, url in urls.items()
        }
        assert answers == dict.fromkeys(urls, 404), who
        client.logout()
    assert [(h.state, h.pk) for h in EndorsementAddOn.objects.all()] == [
        (AddOnState.APPLIED, holding.pk)
    ]
    assert Document.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(client, holding, method):
    for name, url in add_on_urls(holding).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/?next="), name


def test_the_holder_may_not_decide_nor_the_coordinator_apply(client, holding, coordinator):
    urls = add_on_urls(holding)
    client.force_login(holding.endorsement.holder)
    assert client.post(urls["addon.detail"], {"decision": "approve"}).status_code == 403
    client.force_login(coordinator)
    assert client.get(urls["addon.apply"]).status_code == 404
    assert client.post(urls["addon.apply"], form_data()).status_code == 404
    assert EndorsementAddOn.objects.get().state == AddOnState.APPLIED


def test_the_detail_page_costs_the_same_queries_with_one_or_many_documents(
    client, holding, coordinator, django_assert_max_num_queries
):
    from portfolios.documents import document_store

    url = reverse("portfolios:addon.detail", kwargs={"pk": holding.pk})
    client.force_login(coordinator)
    client.get(url)
    with django_assert_max_num_queries(15) as one:
        client.get(url)
    for _n in range(5):
        document_store(
            application=holding.endorsement.application,
            uploaded_file=letter(),
            kind="add_on",
            by=holding.endorsement.holder,
            add_on=holding,
        )
    with django_assert_max_num_queries(15) as many:
        client.get(url)
    assert len(many) == len(one)


def test_an_approved_add_on_s_page_shows_its_date(client, holding, coordinator):
    add_on_decide(holding=holding, by=coordinator, approve=True)
    client.force_login(holding.endorsement.holder)
    page = client.get(reverse("portfolios:addon.detail", kwargs={"pk": holding.pk}))
    assert "Your Endorsed Reflective Supervisor" in page.content.decode()
    assert "add-on-valid-through" in page.content.decode()
