"""A year's renewal: the checklist's numbers, the hours (the portfolio's forms, dated in the
renewal year, never counted in the portfolio), the Code of Ethics, submitting, the coordinator's
approval or return, automatic approval with its audit share, and the lapse held while a renewal
waits."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from credentials.models import Certificate, CertificateState
from endorsement.enums import EndorsementStatus, RenewalState
from endorsement.lifecycle import EndorsementTransitionRefused, endorsement_transition
from endorsement.models import Endorsement, EndorsementEvent, Renewal, RenewalPolicy
from portfolios.models import Training
from portfolios.renewals import (
    RenewalRefused,
    renewal_approve,
    renewal_check,
    renewal_hours_save,
    renewal_return,
    renewal_submit,
)
from tests.portfolios.renewal_helpers import (
    complete,
    due_endorsement,
    opened,
    renewal_category,
    rsc_entry,
    training,
)
from tests.portfolios.training_helpers import item

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(association):
    return renewal_category(association)


@pytest.fixture
def endorsement(association, category):
    return due_endorsement(association, category)


@pytest.fixture
def renewal(endorsement):
    return opened(endorsement)


def url(endorsement, name="", **kwargs):
    suffix = f".{name}" if name else ""
    return reverse(
        f"portfolios:renewal{suffix}", kwargs={"endorsement_id": endorsement.pk, **kwargs}
    )


def details(check) -> dict:
    return {row.key: (row.met, row.detail) for row in check.items}


def form_data(endorsement, **overrides):
    data = {
        "title": "Attachment update",
        "provider": "Northfield AIMH",
        "date": datetime.date(endorsement.valid_through.year, 1, 2).isoformat(),
        "hours": "6",
        "format": "workshop",
        "competencies": [item("Cultural competence").pk],
    }
    data.update(overrides)
    return data


def test_the_renewal_opens_once_for_the_year_after_valid_through(endorsement):
    first = opened(endorsement)
    again = opened(endorsement)
    assert (first.pk, first.year, first.state) == (
        again.pk,
        endorsement.valid_through.year + 1,
        RenewalState.DRAFT,
    )
    assert Renewal.objects.count() == 1


def test_the_checklist_counts_with_numbers(renewal):
    training(renewal, hours="9")
    rsc_entry(renewal, hours="6")
    check = renewal_check(renewal=renewal)
    assert details(check) == {
        "training-total": (False, "9 of 15 hours"),
        "training-dei": (False, "0 of 1 hour"),
        "rsc-total": (False, "6 of 12 hours"),
        "membership": (True, check.items[3].detail),
        "ethics": (False, "Not signed for this year yet."),
    }
    assert check.items[3].detail.startswith("Current until ")
    assert not check.complete


def test_a_holder_who_provides_rsc_needs_3_hours_about_it(renewal):
    from portfolios.renewals import renewal_rsc_provider_set

    renewal = renewal_rsc_provider_set(renewal=renewal, provides=True, by=None)
    training(renewal, hours="2", rsc=True)
    assert details(renewal_check(renewal=renewal))["training-rsc"] == (False, "2 of 3 hours")


def test_renewal_hours_never_count_in_the_portfolio(renewal, endorsement):
    mine = training(renewal, hours="15")
    assert list(Training.objects.filter(application=endorsement.application).live()) == []
    assert list(Training.objects.renewal_live(renewal)) == [mine]


def test_the_page_shows_the_checklist_and_the_holder_adds_hours(client, endorsement):
    client.force_login(endorsement.holder)
    response = client.get(url(endorsement))
    assert response.status_code == 200
    html = response.content.decode()
    assert "0 of 15 hours" in html
    assert "Renew your endorsement" in html
    response = client.post(url(endorsement, "training.add"), form_data(endorsement))
    assert response.status_code == 302
    assert "6 of 15 hours" in client.get(url(endorsement)).content.decode()


def test_hours_dated_outside_the_renewal_year_are_refused_and_what_was_typed_is_kept(
    client, endorsement
):
    client.force_login(endorsement.holder)
    year = endorsement.valid_through.year
    response = client.post(
        url(endorsement, "training.add"),
        form_data(endorsement, date=f"{year - 1}-11-30", title="Last year's course"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        f"Only hours from {year} count toward this renewal: the date must be between "
        f"1 January and 31 December {year}."
    ) in html
    assert 'value="Last year&#x27;s course"' in html
    assert Training.objects.count() == 0


def test_negative_hours_are_refused(client, endorsement, renewal):
    client.force_login(endorsement.holder)
    response = client.post(url(endorsement, "training.add"), form_data(endorsement, hours="-3"))
    assert response.status_code == 400
    assert "Enter more than 0 hours." in response.content.decode()
    assert Training.objects.count() == 0
    row = Training(
        title="x",
        provider="y",
        date=datetime.date(endorsement.valid_through.year, 1, 2),
        hours=Decimal("-1"),
        format="workshop",
    )
    with pytest.raises(RenewalRefused, match="above zero"):
        renewal_hours_save(renewal=renewal, instance=row, by=endorsement.holder)


def test_rsc_outside_the_year_is_refused(client, endorsement):
    client.force_login(endorsement.holder)
    year = endorsement.valid_through.year
    response = client.post(
        url(endorsement, "rsc.add"),
        {
            "provider_name": "Dr. Reflective",
            "format": "group",
            "start": f"{year - 1}-12-01",
            "end": f"{year}-01-02",
            "hours": "4",
        },
    )
    assert response.status_code == 400
    assert f"Only hours from {year} count toward this renewal" in response.content.decode()


def test_the_holder_edits_and_deletes_hours(client, endorsement, renewal):
    row = training(renewal, hours="3")
    client.force_login(endorsement.holder)
    response = client.post(
        url(endorsement, "training.edit", pk=row.pk), form_data(endorsement, hours="4.5")
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.hours == Decimal("4.5")
    assert client.post(url(endorsement, "training.delete", pk=row.pk)).status_code == 302
    assert list(Training.objects.renewal_live(renewal)) == []


def test_the_draft_is_saved_as_the_holder_types(client, endorsement):
    client.force_login(endorsement.holder)
    response = client.post(
        url(endorsement, "training.add"),
        {"title": "Half typed", "hours": "2"},
        HTTP_HX_REQUEST="true",
    )
    assert response.content.decode() == "Draft saved."
    assert 'value="Half typed"' in client.get(url(endorsement, "training.add")).content.decode()


def test_submitting_an_incomplete_renewal_is_refused_with_sentences(client, endorsement, renewal):
    training(renewal, hours="9")
    client.force_login(endorsement.holder)
    response = client.post(url(endorsement, "submit"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The renewal is not complete yet: Training (9 of 15 hours)" in html
    renewal.refresh_from_db()
    assert renewal.state == RenewalState.DRAFT


def test_submitting_twice_is_refused_and_harmless(client, endorsement, renewal):
    complete(renewal)
    client.force_login(endorsement.holder)
    assert client.post(url(endorsement, "submit")).status_code == 302
    renewal.refresh_from_db()
    first = renewal.submitted_at
    response = client.post(url(endorsement, "submit"))
    assert response.status_code == 400
    assert (
        "This renewal was already submitted: it is waiting for the association&#x27;s approval."
        in response.content.decode()
    )
    renewal.refresh_from_db()
    assert (renewal.state, renewal.submitted_at) == (RenewalState.SUBMITTED, first)


def test_signing_the_code_of_ethics(client, endorsement, renewal):
    client.force_login(endorsement.holder)
    response = client.post(url(endorsement, "ethics"), {"typed_name": "  Farah   Holder "})
    assert response.status_code == 302
    renewal.refresh_from_db()
    assert renewal.ethics_signed_name == "Farah Holder"
    assert renewal.ethics_signed_at is not None
    assert client.post(url(endorsement, "ethics"), {"typed_name": ""}).status_code == 400


def test_the_coordinator_approves_a_new_certificate_follows(
    client, endorsement, renewal, coordinator, eager, django_capture_on_commit_callbacks
):
    Certificate.objects.create(
        endorsement=endorsement, holder_name="Farah Holder", state=CertificateState.READY
    )
    complete(renewal)
    renewal_submit(renewal=renewal, by=endorsement.holder)
    client.force_login(coordinator)
    review = reverse("portfolios:renewal.review", kwargs={"pk": renewal.pk})
    assert "Approve the renewal" in client.get(review).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review, {"decision": "approve", "note": ""})
    assert response.status_code == 302
    endorsement.refresh_from_db()
    year = renewal.year
    assert (endorsement.status, endorsement.valid_through) == (
        EndorsementStatus.ACTIVE,
        datetime.date(year, 12, 31),
    )
    renewal.refresh_from_db()
    assert (renewal.state, renewal.decided_by) == (RenewalState.APPROVED, coordinator)
    event = EndorsementEvent.objects.filter(endorsement=endorsement).last()
    assert (event.action, event.actor, event.valid_through) == (
        "renew",
        coordinator,
        datetime.date(year, 12, 31),
    )
    current = Certificate.objects.get(endorsement=endorsement, superseded_at__isnull=True)
    assert current.state == CertificateState.READY
    assert Certificate.objects.filter(endorsement=endorsement).count() == 2
    assert [message.subject for message in mail.outbox] == [
        f"Your endorsement {endorsement.number} is renewed"
    ]


def test_the_coordinator_returns_with_a_note(
    client, endorsement, renewal, coordinator, django_capture_on_commit_callbacks
):
    complete(renewal)
    renewal_submit(renewal=renewal, by=endorsement.holder)
    client.force_login(coordinator)
    review = reverse("portfolios:renewal.review", kwargs={"pk": renewal.pk})
    response = client.post(review, {"decision": "return", "note": ""})
    assert response.status_code == 400
    assert "Say what the holder must change" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review, {"decision": "return", "note": "Add the DEI certificate."})
    renewal.refresh_from_db()
    assert (renewal.state, renewal.decision_note) == (
        RenewalState.RETURNED,
        "Add the DEI certificate.",
    )
    assert [message.subject for message in mail.outbox] == [
        f"Your renewal of {endorsement.number} needs changes"
    ]
    # The holder may change it and send it again.
    training(renewal, hours="1", dei=True, title="Another")
    renewal_submit(renewal=renewal, by=endorsement.holder)
    renewal.refresh_from_db()
    assert renewal.state == RenewalState.SUBMITTED


def test_approving_a_draft_or_by_another_association_is_refused(
    renewal, coordinator, make_staff, other_association
):
    with pytest.raises(RenewalRefused, match="Only a submitted renewal can be approved"):
        renewal_approve(renewal=renewal, by=coordinator)
    complete(renewal)
    renewal_submit(renewal=renewal, by=None)
    from accounts.enums import Role

    stranger = make_staff(Role.COORDINATOR, other_association)
    with pytest.raises(EndorsementTransitionRefused):
        renewal_approve(renewal=renewal, by=stranger)
    with pytest.raises(RenewalRefused):
        renewal_return(renewal=renewal, by=stranger, note="no")
    renewal.refresh_from_db()
    assert renewal.state == RenewalState.SUBMITTED


@pytest.mark.parametrize(("percent", "drawn"), [(100, True), (0, False)])
def test_automatic_approval_with_the_audit_share(
    association, endorsement, renewal, percent, drawn, client, coordinator
):
    RenewalPolicy.objects.create(association=association, auto_approve=True, audit_percent=percent)
    complete(renewal)
    renewal_submit(renewal=renewal, by=endorsement.holder)
    renewal.refresh_from_db()
    endorsement.refresh_from_db()
    assert (renewal.state, renewal.decided_by, renewal.audit_selected) == (
        RenewalState.APPROVED,
        None,
        drawn,
    )
    assert endorsement.valid_through == datetime.date(renewal.year, 12, 31)
    client.force_login(coordinator)
    listing = client.get(reverse("portfolios:renewals", kwargs={"slug": association.slug}))
    assert [row.pk for row in listing.context["audit"]] == ([renewal.pk] if drawn else [])
    if drawn:
        review = reverse("portfolios:renewal.review", kwargs={"pk": renewal.pk})
        client.post(review, {"decision": "audited"})
        renewal.refresh_from_db()
        assert renewal.audited_at is not None


def test_a_renewal_waiting_for_approval_stops_the_lapse(endorsement, renewal):
    complete(renewal)
    renewal_submit(renewal=renewal, by=endorsement.holder)
    with pytest.raises(EndorsementTransitionRefused, match="A renewal is waiting for approval."):
        endorsement_transition(endorsement=endorsement, action="lapse", by=None)
    assert Endorsement.objects.get(pk=endorsement.pk).status == EndorsementStatus.RENEWAL_DUE


def test_a_reinstatement_issues_a_new_certificate(
    endorsement, coordinator, eager, django_capture_on_commit_callbacks
):
    from tests.factories import endorsement_status_set

    endorsement_status_set(endorsement, EndorsementStatus.LAPSED)
    Certificate.objects.create(
        endorsement=endorsement, holder_name="Farah Holder", state=CertificateState.READY
    )
    with django_capture_on_commit_callbacks(execute=True):
        endorsement_transition(
            endorsement=endorsement,
            action="reinstate",
            by=coordinator,
            valid_through=datetime.date(2099, 12, 31),
        )
    assert Certificate.objects.filter(endorsement=endorsement).count() == 2
    assert (
        Certificate.objects.filter(endorsement=endorsement, superseded_at__isnull=True).count() == 1
    )


def test_the_csv_import_skips_rows_outside_the_year(client, endorsement):
    year = endorsement.valid_through.year
    content = (
        "title,provider,date,hours,format,competencies,dei,rsc\n"
        f"This year,AIMH,{year}-01-03,5,workshop,Cultural competence,yes,no\n"
        f"Last year,AIMH,{year - 1}-06-03,5,workshop,Cultural competence,no,no\n"
    ).encode()
    client.force_login(endorsement.holder)
    response = client.post(
        url(endorsement, "training.import"),
        {"file": SimpleUploadedFile("t.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 200
    assert f"only hours from {year} count toward this renewal" in response.content.decode()
    assert list(Training.objects.values_list("title", "is_dei")) == [("This year", True)]


def test_the_history_lists_each_year(client, endorsement, renewal, coordinator):
    Renewal.objects.create(
        endorsement=endorsement, year=renewal.year - 1, state=RenewalState.APPROVED
    )
    client.force_login(endorsement.holder)
    html = client.get(url(endorsement)).content.decode()
    assert "Renewal history" in html
    assert f'<th scope="row">{renewal.year - 1}</th>' in html
    assert f'<th scope="row">{renewal.year}</th>' in html


def test_the_dashboard_offers_to_renew(client, endorsement):
    client.force_login(endorsement.holder)
    html = client.get(reverse("accounts:dashboard.applicant")).content.decode()
    assert f"Renew your endorsement {endorsement.number}" in html
    assert url(endorsement) in html


def test_the_holder_reads_the_approval_in_spanish(
    endorsement, renewal, coordinator, django_capture_on_commit_callbacks
):
    holder = endorsement.holder
    holder.preferred_language = "es"
    holder.save()
    complete(renewal)
    renewal_submit(renewal=renewal, by=holder)
    with django_capture_on_commit_callbacks(execute=True):
        renewal_approve(renewal=renewal, by=coordinator)
    (message,) = mail.outbox
    assert message.subject == f"Su Endoso {endorsement.number} ha sido renovado"
    assert f"ha aprobado su renovación para {renewal.year}" in message.body
    assert f"/portfolio/renewal/{endorsement.pk}/" in message.body
