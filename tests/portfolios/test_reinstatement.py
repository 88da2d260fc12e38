"""Reinstating a lapsed endorsement: new work experience, three new reference ratings through
the rater's link, the reinstatement fee, the coordinator's approval; the same number goes on."""

import datetime
from decimal import Decimal

import pytest

from billing.enums import FeeType, InvoiceStatus, PaymentMethod
from billing.models import Invoice
from billing.services import payment_record, waiver_record
from endorsement.awards import endorsement_valid_through
from endorsement.continuations import reinstatement_approve, reinstatement_start
from endorsement.enums import ApplicationPurpose, ApplicationState
from endorsement.enums import EndorsementStatus as E
from endorsement.models import Application, ApplicationEvent, Endorsement, EndorsementEvent
from endorsement.services import TransitionNotAllowed, application_transition, transition_refusal
from portfolios.enums import RaterRelationship
from portfolios.references import reference_for_token, reference_invite, reference_submit_rating
from portfolios.requirements import requirement_check
from tests.billing.conftest import schedule_for
from tests.factories import (
    EndorsementFactory,
    UserFactory,
    WorkExperienceFactory,
    endorsement_status_set,
)
from tests.portfolios.references_helpers import last_token, make_category, scores, set_state

LAPSED_THROUGH = datetime.date(2024, 12, 31)


@pytest.fixture
def category(association):
    return make_category(association)


@pytest.fixture
def holder(db):
    return UserFactory(email="farah@example.org", full_name="Farah Holder")


@pytest.fixture
def endorsement(category, holder):
    endorsement = EndorsementFactory(
        category=category,
        application__applicant=holder,
        number="NFAIMH-IFS-2023-0007",
        awarded_on=datetime.date(2023, 5, 2),
        valid_through=LAPSED_THROUGH,
    )
    return endorsement_status_set(endorsement, E.LAPSED)


@pytest.fixture
def schedule(association, category):
    return schedule_for(association)


def start(endorsement, holder, capture):
    with capture(execute=True):
        return reinstatement_start(endorsement=endorsement, by=holder)


def rate(application, relationship, email, capture):
    with capture(execute=True):
        reference_invite(
            application=application,
            rater_name=f"Rater {email}",
            rater_email=email,
            relationship=relationship,
            waive=False,
            by=application.applicant,
        )
    reference = reference_for_token(token=last_token())
    reference_submit_rating(reference=reference, scores=scores(application.category), comment="")


def test_reinstatement_end_to_end(
    association, endorsement, holder, coordinator, schedule, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    application = start(endorsement, holder, capture)

    assert (application.state, application.purpose, application.prior_endorsement_id) == (
        ApplicationState.ACCEPTED,
        ApplicationPurpose.REINSTATEMENT,
        endorsement.pk,
    )
    assert (application.category_id, application.association_id) == (
        endorsement.category_id,
        endorsement.association_id,
    )
    invoice = Invoice.objects.get(application=application)
    assert (invoice.fee_type, invoice.amount, invoice.status) == (
        FeeType.REINSTATEMENT,
        Decimal("100.00"),
        InvoiceStatus.OPEN,
    )
    [started] = ApplicationEvent.objects.filter(application=application)
    assert (started.from_state, started.to_state, started.note_key) == (
        "",
        ApplicationState.ACCEPTED,
        "reinstatement_start",
    )
    assert started.step_for_applicant == "You started the application"

    # Only new work and new references are asked: nothing else of the portfolio.
    check = requirement_check(application=application)
    assert [item.section for item in check.missing] == [
        "work",
        "references",
        "references",
        "references",
    ]

    # Work that ended before the endorsement lapsed does not count; a current position does.
    WorkExperienceFactory(
        application=application, start=datetime.date(2020, 1, 1), end=datetime.date(2024, 6, 30)
    )
    assert not requirement_check(application=application, sections=["work"]).items[0].met
    WorkExperienceFactory(application=application, start=datetime.date(2025, 3, 1), end=None)

    # Three new ratings through the rater's link and form, as for a portfolio.
    rate(application, RaterRelationship.CURRENT_SUPERVISOR, "sup@example.org", capture)
    rate(application, RaterRelationship.RSC_PROVIDER, "rsc@example.org", capture)
    rate(application, RaterRelationship.OTHER, "any@example.org", capture)
    check = requirement_check(application=application)
    assert check.missing == []
    assert check.complete

    application = application_transition(application=application, action="submit", by=holder)
    assert application.state == ApplicationState.SUBMITTED
    # No review for a reinstatement: the coordinator approves it.
    assert "not reviewed" in transition_refusal(
        application=application, action="start_review", by=coordinator
    )

    # The fee first.
    with pytest.raises(TransitionNotAllowed, match="reinstatement fee .* must be paid or waived"):
        reinstatement_approve(application=application, by=coordinator)
    payment_record(
        invoice=invoice, amount="100", currency="USD", method=PaymentMethod.CASH, by=None
    )

    reinstated = reinstatement_approve(application=application, by=coordinator)

    expected_through = endorsement_valid_through(association.today())
    endorsement.refresh_from_db()
    assert (endorsement.pk, endorsement.number, endorsement.status, endorsement.valid_through) == (
        reinstated.pk,
        "NFAIMH-IFS-2023-0007",
        E.ACTIVE,
        expected_through,
    )
    event = EndorsementEvent.objects.get(endorsement=endorsement)
    assert (event.action, event.from_status, event.to_status, event.actor, event.valid_through) == (
        "reinstate",
        E.LAPSED,
        E.ACTIVE,
        coordinator,
        expected_through,
    )
    assert event.note_key == "endorsement_reinstate"
    application.refresh_from_db()
    assert application.state == ApplicationState.AWARDED
    assert application.state_for_applicant == "Your endorsement is reinstated"
    last = ApplicationEvent.objects.filter(application=application).last()
    assert (last.from_state, last.to_state, last.actor) == (
        ApplicationState.SUBMITTED,
        ApplicationState.AWARDED,
        coordinator,
    )
    assert last.step_for_applicant == "Your endorsement was reinstated"
    # No second endorsement: the same one goes on.
    assert Endorsement.objects.filter(holder=holder).count() == 1


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (
            E.REVOKED,
            "Endorsement NFAIMH-IFS-2023-0007 "
            "was revoked: a revoked endorsement cannot be reinstated.",
        ),
        (
            E.ACTIVE,
            "Endorsement NFAIMH-IFS-2023-0007 "
            "is active: only a lapsed endorsement can be reinstated.",
        ),
        (
            E.RENEWAL_DUE,
            "Endorsement NFAIMH-IFS-2023-0007 "
            "is renewal due: only a lapsed endorsement can be reinstated.",
        ),
    ],
)
def test_only_a_lapsed_endorsement_is_reinstated(endorsement, holder, status, sentence):
    endorsement_status_set(endorsement, status)
    with pytest.raises(TransitionNotAllowed) as refused:
        reinstatement_start(endorsement=endorsement, by=holder)
    assert str(refused.value) == sentence
    assert not Application.objects.filter(purpose=ApplicationPurpose.REINSTATEMENT).exists()


def test_only_the_holder_starts_it(endorsement):
    with pytest.raises(TransitionNotAllowed, match="Only the holder"):
        reinstatement_start(endorsement=endorsement, by=UserFactory())
    assert not Application.objects.filter(purpose=ApplicationPurpose.REINSTATEMENT).exists()


def test_not_while_another_application_is_open(endorsement, holder, category):
    from tests.factories import ApplicationFactory

    ApplicationFactory(category=category, applicant=holder)
    with pytest.raises(TransitionNotAllowed, match="You already have an application"):
        reinstatement_start(endorsement=endorsement, by=holder)


def test_revoked_meanwhile_is_not_reinstated(
    endorsement, holder, coordinator, schedule, django_capture_on_commit_callbacks
):
    application = start(endorsement, holder, django_capture_on_commit_callbacks)
    set_state(application, ApplicationState.SUBMITTED)
    invoice = Invoice.objects.get(application=application)
    waiver_record(invoice=invoice, method=PaymentMethod.WAIVER, reason="Hardship", by=None)
    endorsement_status_set(endorsement, E.REVOKED)
    with pytest.raises(TransitionNotAllowed, match="was revoked"):
        reinstatement_approve(application=application, by=coordinator)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert Endorsement.objects.get(pk=endorsement.pk).status == E.REVOKED


def test_unpaid_fee_refuses_the_approval_with_a_link_and_nothing_changes(
    endorsement, holder, coordinator, schedule, django_capture_on_commit_callbacks
):
    application = start(endorsement, holder, django_capture_on_commit_callbacks)
    set_state(application, ApplicationState.SUBMITTED)
    invoice = Invoice.objects.get(application=application)
    with pytest.raises(TransitionNotAllowed) as refused:
        reinstatement_approve(application=application, by=coordinator)
    assert str(refused.value) == (
        f"The reinstatement fee (100.00 USD, invoice {invoice.display_number}) must be paid or "
        f"waived before the reinstatement is approved: http://127.0.0.1:8000/billing/invoices/{invoice.pk}/"
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert Endorsement.objects.get(pk=endorsement.pk).status == E.LAPSED
    assert not EndorsementEvent.objects.exists()

    # A waiver settles it as well.
    waiver_record(invoice=invoice, method=PaymentMethod.WAIVER, reason="Hardship", by=None)
    assert reinstatement_approve(application=application, by=coordinator).status == E.ACTIVE


def test_only_a_coordinator_of_the_association_approves(
    endorsement, holder, schedule, make_staff, other_association, django_capture_on_commit_callbacks
):
    from accounts.enums import Role

    application = start(endorsement, holder, django_capture_on_commit_callbacks)
    set_state(application, ApplicationState.SUBMITTED)
    waiver_record(
        invoice=Invoice.objects.get(application=application),
        method=PaymentMethod.WAIVER,
        reason="Hardship",
        by=None,
    )
    other = make_staff(Role.COORDINATOR, other_association)
    for person in (holder, other):
        with pytest.raises(TransitionNotAllowed, match="You may not take this step"):
            reinstatement_approve(application=application, by=person)
    assert Endorsement.objects.get(pk=endorsement.pk).status == E.LAPSED


def test_without_a_fee_in_the_schedule_no_invoice_and_no_fee_condition(
    endorsement, holder, coordinator, django_capture_on_commit_callbacks
):
    application = start(endorsement, holder, django_capture_on_commit_callbacks)
    assert not Invoice.objects.filter(application=application).exists()
    set_state(application, ApplicationState.SUBMITTED)
    assert reinstatement_approve(application=application, by=coordinator).status == E.ACTIVE


def test_the_processing_fee_is_not_asked_of_a_reinstatement(
    association, endorsement, holder, django_capture_on_commit_callbacks, portfolio_check_waived
):
    schedule_for(association, processing_fee_before_submission=True)
    application = start(endorsement, holder, django_capture_on_commit_callbacks)
    application = application_transition(application=application, action="submit", by=holder)
    assert application.state == ApplicationState.SUBMITTED
    assert list(
        Invoice.objects.filter(application=application).values_list("fee_type", flat=True)
    ) == [FeeType.REINSTATEMENT]
