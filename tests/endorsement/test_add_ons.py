"""Add-on designations: applying (eligible categories, requirements met, once), the coordinator's
decision, and the add-on following its endorsement (renewed, lapsed, ended)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.enums import Role
from endorsement.addons import (
    AddOnRefused,
    add_on_apply,
    add_on_check,
    add_on_decide,
    add_on_refusals,
    add_on_requirements,
    add_ons_waiting,
    holder_add_on_rows,
)
from endorsement.enums import AddOnState
from endorsement.enums import EndorsementStatus as E
from endorsement.lifecycle import endorsement_transition
from endorsement.models import AddOn, EndorsementAddOn
from tests.factories import EndorsementFactory, UserFactory, endorsement_status_set

VALID_THROUGH = datetime.date(2026, 12, 31)


def ers(association, **fields) -> AddOn:
    values = {
        "code": "ers",
        "name": "Endorsed Reflective Supervisor",
        "names": {"es": "Supervisor/a Reflexivo/a Endosado/a"},
        "category_codes": ["IFS", "IMHS"],
        "min_rsc_provided_hours": Decimal("24"),
        "min_rsc_training_hours": Decimal("15"),
        "document_required": True,
        "document_note": "A letter from your RS/C provider",
        "attestation": "I provide RS/C to others.",
    }
    values.update(fields)
    return AddOn.objects.create(association=association, **values)


@pytest.fixture
def add_on(association):
    return ers(association)


def holder_endorsement(association, code="IFS", **fields):
    return EndorsementFactory(
        application__association=association,
        category__framework__association=association,
        category__code=code,
        awarded_on=datetime.date(2026, 3, 2),
        valid_through=VALID_THROUGH,
        **fields,
    )


@pytest.fixture
def endorsement(association):
    return holder_endorsement(association)


EVIDENCE = {
    "rsc_provided_hours": Decimal("30"),
    "rsc_training_hours": Decimal("15"),
    "has_document": True,
    "attested": True,
}


def apply(endorsement, add_on, **changes):
    return add_on_apply(
        endorsement=endorsement, add_on=add_on, by=endorsement.holder, **{**EVIDENCE, **changes}
    )


def state_of(holding) -> str:
    return EndorsementAddOn.objects.get(pk=holding.pk).state


def test_the_requirements_read_as_sentences(add_on):
    assert add_on_requirements(add_on) == [
        "At least 24 hours of reflective supervision/consultation provided.",
        "At least 15 hours of training about providing RS/C.",
        "A document: A letter from your RS/C provider",
        "You confirm: I provide RS/C to others.",
    ]


def test_the_check_counts_hours_with_numbers(add_on):
    lines = add_on_check(
        add_on=add_on,
        rsc_provided_hours=Decimal("18"),
        rsc_training_hours=Decimal("15"),
        has_document=False,
        attested=True,
    )
    assert [(line.key, line.met, line.detail) for line in lines] == [
        ("rsc_provided", False, "18 of 24 hours"),
        ("rsc_training", True, "15 of 15 hours"),
        ("document", False, "A letter from your RS/C provider"),
        ("attestation", True, "I provide RS/C to others."),
    ]


def test_a_holder_applies_and_the_coordinator_approves_through_the_endorsement_date(
    endorsement, add_on, coordinator
):
    holding = apply(endorsement, add_on, evidence_note="  Monthly group.  ")
    assert (holding.state, holding.evidence_note, holding.valid_through) == (
        AddOnState.APPLIED,
        "Monthly group.",
        None,
    )
    assert holding.attested_at is not None
    assert add_ons_waiting(association=endorsement.association) == [holding]
    add_on_decide(holding=holding, by=coordinator, approve=True)
    holding.refresh_from_db()
    assert (holding.state, holding.valid_through, holding.decided_by) == (
        AddOnState.APPROVED,
        VALID_THROUGH,
        coordinator,
    )
    assert add_ons_waiting(association=endorsement.association) == []


def test_the_coordinator_refuses_with_a_reason_and_the_holder_may_apply_again(
    endorsement, add_on, coordinator
):
    holding = apply(endorsement, add_on)
    with pytest.raises(AddOnRefused, match="Give the reason"):
        add_on_decide(holding=holding, by=coordinator, approve=False, note="  ")
    assert state_of(holding) == AddOnState.APPLIED
    add_on_decide(holding=holding, by=coordinator, approve=False, note="The letter is unsigned.")
    holding.refresh_from_db()
    assert (holding.state, holding.decision_note) == (
        AddOnState.REFUSED,
        "The letter is unsigned.",
    )
    with pytest.raises(AddOnRefused, match="already decided"):
        add_on_decide(holding=holding, by=coordinator, approve=True)
    again = apply(endorsement, add_on)
    assert again.state == AddOnState.APPLIED


def test_only_a_coordinator_of_the_association_decides(
    endorsement, add_on, make_staff, other_association
):
    holding = apply(endorsement, add_on)
    for person in (
        endorsement.holder,
        make_staff(Role.COORDINATOR, other_association),
        make_staff(Role.REVIEWER, endorsement.association),
        make_staff(Role.ASSOCIATION_ADMIN, endorsement.association),
    ):
        with pytest.raises(AddOnRefused, match="Only a coordinator of this association"):
            add_on_decide(holding=holding, by=person, approve=True)
    assert state_of(holding) == AddOnState.APPLIED


def test_an_ineligible_category_is_refused(association, add_on):
    ifa = holder_endorsement(association, code="IFA")
    assert add_on_refusals(endorsement=ifa, add_on=add_on) == [
        "This add-on is not offered for IFA endorsements."
    ]
    with pytest.raises(AddOnRefused, match="not offered for IFA endorsements"):
        apply(ifa, add_on)
    assert EndorsementAddOn.objects.count() == 0


def test_an_add_on_of_another_association_or_closed_is_refused(
    endorsement, add_on, other_association
):
    theirs = ers(other_association)
    with pytest.raises(AddOnRefused, match="belongs to another association"):
        apply(endorsement, theirs)
    add_on.is_open = False
    add_on.save()
    with pytest.raises(AddOnRefused, match="not open to applications"):
        apply(endorsement, add_on)
    assert EndorsementAddOn.objects.count() == 0


@pytest.mark.parametrize("status", [E.LAPSED, E.REVOKED, E.EMERITUS, E.SUPERSEDED])
def test_an_endorsement_that_is_not_active_may_not_apply(endorsement, add_on, status):
    endorsement_status_set(endorsement, status)
    with pytest.raises(AddOnRefused, match="add-ons are applied for on an active endorsement"):
        apply(endorsement, add_on)
    assert EndorsementAddOn.objects.count() == 0


def test_unmet_requirements_are_refused_each_with_its_sentence(endorsement, add_on):
    with pytest.raises(AddOnRefused) as refused:
        apply(
            endorsement,
            add_on,
            rsc_provided_hours=Decimal("18"),
            rsc_training_hours=None,
            has_document=False,
            attested=False,
        )
    assert str(refused.value) == (
        "You entered 18 hours of reflective supervision/consultation provided; this add-on "
        "needs at least 24. You entered 0 hours of training about providing RS/C; this add-on "
        "needs at least 15. This add-on needs a document: upload it with your application. "
        "Confirm the statement to apply for this add-on."
    )
    assert EndorsementAddOn.objects.count() == 0


def test_negative_hours_are_refused(endorsement, add_on):
    with pytest.raises(AddOnRefused, match="Hours cannot be negative"):
        apply(endorsement, add_on, rsc_training_hours=Decimal("-1"))
    assert EndorsementAddOn.objects.count() == 0


def test_applying_twice_is_refused(endorsement, add_on):
    apply(endorsement, add_on)
    with pytest.raises(AddOnRefused, match="already applied for this add-on"):
        apply(endorsement, add_on)
    assert EndorsementAddOn.objects.count() == 1


def test_only_the_holder_applies(endorsement, add_on):
    with pytest.raises(AddOnRefused, match="Only the holder"):
        add_on_apply(endorsement=endorsement, add_on=add_on, by=UserFactory(), **EVIDENCE)
    assert EndorsementAddOn.objects.count() == 0


def test_an_add_on_is_not_approved_once_the_endorsement_is_no_longer_active(
    endorsement, add_on, coordinator
):
    holding = apply(endorsement, add_on)
    endorsement_status_set(endorsement, E.LAPSED)
    with pytest.raises(AddOnRefused, match="approved only on an active one"):
        add_on_decide(holding=holding, by=coordinator, approve=True)
    assert state_of(holding) == AddOnState.APPLIED


@pytest.fixture
def approved(endorsement, add_on, coordinator):
    holding = apply(endorsement, add_on)
    return add_on_decide(holding=holding, by=coordinator, approve=True)


def step(endorsement, action, captured, by=None, **kwargs):
    with captured(execute=True):
        return endorsement_transition(endorsement=endorsement, action=action, by=by, **kwargs)


def test_renewing_the_endorsement_moves_the_add_on_s_date(
    endorsement, approved, django_capture_on_commit_callbacks
):
    step(endorsement, "open_renewal", django_capture_on_commit_callbacks)
    step(
        endorsement,
        "renew",
        django_capture_on_commit_callbacks,
        valid_through=datetime.date(2027, 12, 31),
    )
    approved.refresh_from_db()
    assert (approved.state, approved.valid_through) == (
        AddOnState.APPROVED,
        datetime.date(2027, 12, 31),
    )


def test_a_lapse_lapses_the_add_on_and_a_reinstatement_brings_it_back(
    endorsement, approved, coordinator, django_capture_on_commit_callbacks
):
    step(endorsement, "open_renewal", django_capture_on_commit_callbacks)
    step(endorsement, "lapse", django_capture_on_commit_callbacks)
    approved.refresh_from_db()
    assert (approved.state, approved.valid_through) == (AddOnState.LAPSED, VALID_THROUGH)
    step(
        endorsement,
        "reinstate",
        django_capture_on_commit_callbacks,
        by=coordinator,
        valid_through=datetime.date(2027, 12, 31),
    )
    approved.refresh_from_db()
    assert (approved.state, approved.valid_through) == (
        AddOnState.APPROVED,
        datetime.date(2027, 12, 31),
    )


@pytest.mark.parametrize("action", ["revoke", "supersede"])
def test_an_endorsement_that_ends_ends_its_add_ons(
    endorsement, add_on, approved, coordinator, action, django_capture_on_commit_callbacks
):
    # A second add-on still waiting ends too.
    other = ers(endorsement.association, code="other", attestation="", document_required=False)
    waiting = apply(endorsement, other, has_document=False)
    step(endorsement, action, django_capture_on_commit_callbacks, by=coordinator, note="Reason.")
    assert (state_of(approved), state_of(waiting)) == (AddOnState.ENDED, AddOnState.ENDED)


def test_the_holder_s_rows_list_add_ons_and_what_they_may_apply_for(
    association, endorsement, add_on, django_assert_num_queries
):
    ifa = holder_endorsement(association, code="IFA")
    assert holder_add_on_rows(user=ifa.holder) == []
    with django_assert_num_queries(3):
        rows = holder_add_on_rows(user=endorsement.holder)
    assert [(row["endorsement"], row["holdings"], row["offered"]) for row in rows] == [
        (endorsement, [], [add_on])
    ]
    holding = apply(endorsement, add_on)
    rows = holder_add_on_rows(user=endorsement.holder)
    assert [(row["holdings"], row["offered"]) for row in rows] == [([holding], [])]


def test_the_admin_form_reads_categories_as_a_line_of_codes(association):
    from endorsement.admin import AddOnAdminForm

    form = AddOnAdminForm(
        data={
            "association": association.pk,
            "code": "ers",
            "name": "Endorsed Reflective Supervisor",
            "name_es": "Supervisor/a Reflexivo/a Endosado/a",
            "categories": "imhs, IFS,,",
            "is_open": "on",
            "order": "0",
        }
    )
    assert form.is_valid(), form.errors
    add_on = form.save()
    assert (add_on.category_codes, add_on.names) == (
        ["IFS", "IMHS"],
        {"es": "Supervisor/a Reflexivo/a Endosado/a"},
    )
    empty = AddOnAdminForm(data={**form.data, "code": "x", "categories": " , "})
    assert empty.errors["categories"] == ["Name at least one category it may be added to."]


def test_the_model_refuses_a_list_without_categories(association):
    add_on = AddOn(association=association, code="x", name="X", category_codes=[])
    with pytest.raises(ValidationError, match="at least one category"):
        add_on.full_clean()
