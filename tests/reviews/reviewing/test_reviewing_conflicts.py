"""reviews.selectors.reviewing and reviews.services.reviewing: the reviewer pool and conflicts of
interest (found in the portfolio's evidence, or declared by the reviewer)."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from endorsement.models import Application, Endorsement
from reviews.models import ConflictDeclaration
from reviews.selectors.reviewing import (
    normalise,
    reviewer_conflicts,
    reviewer_pool,
    reviewers_conflicts,
)
from reviews.services.reviewing import (
    ReviewRefused,
    conflict_declare,
    conflict_withdraw,
    review_assign,
)
from tests.factories import (
    ApplicationFactory,
    ConflictDeclarationFactory,
    ReferenceFactory,
    RoleGrantFactory,
    UserFactory,
    WorkExperienceFactory,
)
from tests.reviews.helpers import due, submitted

pytestmark = pytest.mark.django_db


# --- The pool and conflicts ------------------------------------------------------------------


def test_pool_is_the_association_reviewers_only(association, other_association, rita, ray):
    RoleGrantFactory(association=other_association, role=Role.REVIEWER)
    RoleGrantFactory(association=association, role=Role.ADVISOR)
    RoleGrantFactory(association=association, role=Role.REVIEWER, user__is_active=False)
    assert list(reviewer_pool(association=association)) == [ray, rita]


def test_normalise_ignores_case_spacing_and_punctuation():
    assert normalise("  Early  Head-Start, Inc. ") == "early head start inc"
    assert normalise("EARLY HEAD START INC") == "early head start inc"


def test_no_conflict(application, rita):
    WorkExperienceFactory(application=application, supervisor_email="boss@example.org")
    assert reviewer_conflicts(application=application, reviewer=rita) == []


def test_the_applicant_is_not_their_own_reviewer(association, application):
    RoleGrantFactory(association=association, role=Role.REVIEWER, user=application.applicant)
    assert reviewer_conflicts(application=application, reviewer=application.applicant) == [
        "This is the applicant."
    ]


def test_advisors_never_review_their_own_advisees(application, rita):
    Application.objects.filter(pk=application.pk).update(advisor=rita)
    application.refresh_from_db()
    assert reviewer_conflicts(application=application, reviewer=rita) == [
        "They are the applicant's advisor: advisors never review their own advisees."
    ]


def test_supervisor_by_email_ignores_case(application, rita):
    WorkExperienceFactory(
        application=application,
        employer="Sunrise Family Center",
        supervisor_email="RITA@Example.org",
    )
    assert reviewer_conflicts(application=application, reviewer=rita) == [
        "They are named as the applicant's supervisor at Sunrise Family Center."
    ]


def test_supervisor_by_full_name(application, rita):
    WorkExperienceFactory(
        application=application, employer="Sunrise Family Center", supervisor_name="Rita Reviewer"
    )
    WorkExperienceFactory(application=application, supervisor_name="Rita Reviewerson")
    assert reviewer_conflicts(application=application, reviewer=rita) == [
        "They are named as the applicant's supervisor at Sunrise Family Center."
    ]


def test_deleted_evidence_gives_no_conflict(application, rita):
    WorkExperienceFactory(
        application=application, supervisor_email="rita@example.org", deleted_at=timezone.now()
    )
    ReferenceFactory(
        application=application, rater_email="rita@example.org", deleted_at=timezone.now()
    )
    assert reviewer_conflicts(application=application, reviewer=rita) == []


def _rsc(application, **kwargs):
    from portfolios.models import RSCEntry

    values = {
        "provider_name": "Someone Else",
        "format": "individual",
        "start": datetime.date(2025, 1, 1),
        "end": datetime.date(2025, 12, 31),
        "hours": 24,
    }
    values.update(kwargs)
    return RSCEntry.objects.create(application=application, **values)


def test_rsc_provider_by_name(application, rita):
    _rsc(application, provider_name="rita  reviewer")
    assert reviewer_conflicts(application=application, reviewer=rita) == [
        "They provide the applicant's reflective supervision/consultation."
    ]


def test_rsc_provider_by_endorsement_number(association, application, rita):
    held = ApplicationFactory(category=application.category, applicant=rita)
    Endorsement.objects.create(
        association=association,
        application=held,
        holder=rita,
        category=application.category,
        number="NORTHFIELD-IFS-2024-0007",
        awarded_on=datetime.date(2024, 3, 1),
        valid_through=datetime.date(2026, 12, 31),
    )
    _rsc(
        application,
        provider_name="R. Reviewer",
        provider_endorsement_number="NORTHFIELD-IFS-2024-0007",
    )
    assert reviewer_conflicts(application=application, reviewer=rita) == [
        "They provide the applicant's reflective supervision/consultation."
    ]


def test_reference_rater(application, rita):
    ReferenceFactory(application=application, rater_email="Rita@example.org")
    assert reviewer_conflicts(application=application, reviewer=rita) == [
        "They are a rater of one of the applicant's references."
    ]


def test_declared_organisation_matches_an_employer_loosely(association, application, rita):
    WorkExperienceFactory(application=application, employer="Early Head Start, Inc.")
    ConflictDeclarationFactory(
        association=association, reviewer=rita, organisation="early head start inc"
    )
    assert reviewer_conflicts(application=application, reviewer=rita) == [
        "They declared a conflict with Early Head Start, Inc., where the applicant works."
    ]


def test_declaration_in_another_association_does_not_count(
    association, other_association, application, rita
):
    WorkExperienceFactory(application=application, employer="Early Head Start")
    ConflictDeclarationFactory(
        association=other_association, reviewer=rita, organisation="Early Head Start"
    )
    assert reviewer_conflicts(application=application, reviewer=rita) == []


def test_same_employer_from_the_reviewers_own_portfolio(application, rita, other_association):
    WorkExperienceFactory(application=application, employer="Sunrise Family Center")
    own = ApplicationFactory(applicant=rita, category__framework__association=other_association)
    WorkExperienceFactory(application=own, employer="SUNRISE family center.")
    WorkExperienceFactory(application=own, employer="Elsewhere")
    assert reviewer_conflicts(application=application, reviewer=rita) == [
        "They work at Sunrise Family Center, like the applicant."
    ]


def test_declared_person(association, application, rita):
    ConflictDeclarationFactory(
        association=association,
        reviewer=rita,
        person_email=application.applicant.email,
        organisation="",
    )
    assert reviewer_conflicts(application=application, reviewer=rita) == [
        "They declared a conflict of interest with the applicant."
    ]


def test_declared_person_matches_the_applicants_email_case_insensitively(
    association, category, rita, ray
):
    applicant = UserFactory(email="Pat.Mixed@Example.org")
    application = submitted(category, applicant=applicant)
    ConflictDeclarationFactory(
        association=association,
        reviewer=rita,
        person_email="PAT.mixed@example.ORG",
        organisation="",
    )
    ConflictDeclarationFactory(
        association=association, reviewer=ray, person_email="pat.other@example.org", organisation=""
    )
    conflicts = reviewers_conflicts(application=application, reviewers=[rita, ray])
    assert conflicts == {
        rita.pk: ["They declared a conflict of interest with the applicant."],
        ray.pk: [],
    }


def test_a_declaration_for_someone_without_an_account_blocks_them_once_they_apply(
    association, category, coordinator, rita, ray
):
    assert not User.objects.filter(email__iexact="future@example.org").exists()
    declared = conflict_declare(
        reviewer=rita, association=association, person_email="  Future@Example.org "
    )
    assert (declared.person_email, declared.organisation) == ("future@example.org", "")
    # Later the person registers and applies: Rita is refused, Ray is not.
    application = submitted(category, applicant=UserFactory(email="future@example.org"))
    with pytest.raises(ReviewRefused) as refused:
        review_assign(application=application, reviewers=[rita], due_on=due(), by=coordinator)
    assert str(refused.value) == (
        "Rita Reviewer may not review this portfolio: "
        "They declared a conflict of interest with the applicant."
    )
    assigned = review_assign(application=application, reviewers=[ray], due_on=due(), by=coordinator)
    assert [a.reviewer for a in assigned] == [ray]


def test_conflict_declare_and_withdraw(association, application, rita, ray):
    declared = conflict_declare(
        reviewer=rita,
        association=association,
        person_email=application.applicant.email.upper(),
        note="My cousin",
    )
    assert (declared.person_email, declared.organisation, declared.note) == (
        application.applicant.email.lower(),
        "",
        "My cousin",
    )
    org = conflict_declare(reviewer=rita, association=association, organisation=" Sunrise  Center ")
    assert org.organisation == "Sunrise Center"
    with pytest.raises(ReviewRefused, match="already declared"):
        conflict_declare(reviewer=rita, association=association, organisation="sunrise center")
    with pytest.raises(ReviewRefused, match="Name either"):
        conflict_declare(reviewer=rita, association=association)
    with pytest.raises(ReviewRefused, match="your own"):
        conflict_withdraw(declaration=declared, by=ray)
    conflict_withdraw(declaration=declared, by=rita)
    assert list(ConflictDeclaration.objects.values_list("organisation", flat=True)) == [
        "Sunrise Center"
    ]


@pytest.mark.parametrize("has_account", [True, False])
def test_declaring_an_email_answers_the_same_with_or_without_an_account(
    association, rita, has_account
):
    if has_account:
        UserFactory(email="someone@example.org")
    declared = conflict_declare(
        reviewer=rita, association=association, person_email="Someone@example.org"
    )
    assert list(ConflictDeclaration.objects.values_list("pk", "person_email", "organisation")) == [
        (declared.pk, "someone@example.org", "")
    ]


def test_declaring_the_same_email_twice_is_refused_case_insensitively(association, rita, ray):
    conflict_declare(reviewer=rita, association=association, person_email="dup@example.org")
    with pytest.raises(ReviewRefused, match="^You already declared this conflict.$"):
        conflict_declare(reviewer=rita, association=association, person_email=" DUP@Example.ORG")
    # Another reviewer may declare the same person.
    conflict_declare(reviewer=ray, association=association, person_email="DUP@example.org")
    assert sorted(
        ConflictDeclaration.objects.values_list("reviewer__full_name", "person_email")
    ) == [("Ray Reviewer", "dup@example.org"), ("Rita Reviewer", "dup@example.org")]


def test_the_database_refuses_a_duplicate_email_too(association, rita):
    ConflictDeclarationFactory(
        association=association, reviewer=rita, person_email="dup@example.org", organisation=""
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ConflictDeclarationFactory(
            association=association, reviewer=rita, person_email="Dup@example.org", organisation=""
        )
    assert ConflictDeclaration.objects.count() == 1


def test_a_duplicate_sent_at_the_same_moment_is_refused_not_a_server_error(
    association, rita, monkeypatch
):
    exists = QuerySet.exists

    def other_request_lands_right_after_the_check(queryset):
        seen = exists(queryset)
        if queryset.model is ConflictDeclaration:
            ConflictDeclarationFactory(
                association=association, reviewer=rita, person_email="dup@example.org"
            )
        return seen

    monkeypatch.setattr(QuerySet, "exists", other_request_lands_right_after_the_check)
    with pytest.raises(ReviewRefused, match="^You already declared this conflict.$"):
        conflict_declare(reviewer=rita, association=association, person_email="dup@example.org")


def test_a_reviewer_cannot_declare_a_conflict_with_themselves(association, rita):
    with pytest.raises(ReviewRefused, match="^You cannot declare a conflict with yourself.$"):
        conflict_declare(
            reviewer=rita, association=association, person_email=f" {rita.email.upper()} "
        )
    assert ConflictDeclaration.objects.count() == 0


def test_conflict_declare_needs_the_reviewer_role(association, other_association, rita, user):
    with pytest.raises(ReviewRefused, match="Only a reviewer"):
        conflict_declare(reviewer=user, association=association, organisation="X")
    with pytest.raises(ReviewRefused, match="Only a reviewer"):
        conflict_declare(reviewer=rita, association=other_association, organisation="X")
