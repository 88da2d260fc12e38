"""Portfolio review services: conflicts of interest, assignments, reviews, blind reading, the
coordinator's decision."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from accounts.enums import Role
from accounts.models import User
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent, Endorsement
from endorsement.services import TransitionNotAllowed, application_transition
from reviews.enums import Recommendation
from reviews.models import AreaRating, ConflictDeclaration, ReviewAssignment
from reviews.selectors.reviewing import (
    normalise,
    review_areas,
    review_round,
    reviewer_conflicts,
    reviewer_pool,
    reviewers_conflicts,
    reviews_visible_to,
    round_status,
)
from reviews.services.reviewing import (
    ReviewRefused,
    conflict_declare,
    conflict_withdraw,
    review_assign,
    review_assign_bulk,
    review_decide,
    review_save,
)
from tests.factories import (
    ApplicationFactory,
    ConflictDeclarationFactory,
    ReferenceFactory,
    RoleGrantFactory,
    UserFactory,
    WorkExperienceFactory,
)
from tests.reviews.helpers import due, make_framework, reviewer, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(association):
    association.reviewers_per_portfolio = 2
    association.save()
    category, areas = make_framework(association)
    return category, areas


@pytest.fixture
def category(setup):
    return setup[0]


@pytest.fixture
def areas(setup):
    return setup[1]


@pytest.fixture
def application(category):
    return submitted(category)


def rate_all(assignment, areas, score="3", **kwargs):
    kwargs.setdefault("recommendation", Recommendation.APPROVE)
    return review_save(
        assignment=assignment,
        by=assignment.reviewer,
        ratings={area.pk: score for area in areas},
        submit=True,
        **kwargs,
    )


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


# --- Assignments -----------------------------------------------------------------------------


def test_assign_starts_the_review_and_emails_the_reviewer(
    application, coordinator, rita, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [assignment] = review_assign(
            application=application, reviewers=[rita], due_on=due(14), by=coordinator
        )
    assert (assignment.reviewer, assignment.round, assignment.due_on, assignment.assigned_by) == (
        rita,
        1,
        due(14),
        coordinator,
    )
    application.refresh_from_db()
    assert application.state == S.IN_REVIEW
    assert list(
        ApplicationEvent.objects.filter(application=application)
        .order_by("id")
        .values_list("to_state", "actor")
    ) == [(S.SUBMITTED, application.applicant_id), (S.IN_REVIEW, coordinator.pk)]
    to_rita = [m for m in mail.outbox if m.to == ["rita@example.org"]]
    assert len(to_rita) == 1
    assert to_rita[0].subject == (
        f"Portfolio to review: Ana Applicant, due {date_format(due(14), 'DATE_FORMAT')}"
    )
    assert f"by {date_format(due(14), 'DATE_FORMAT')}." in to_rita[0].body
    assert f"/reviewing/reviews/{assignment.pk}/" in to_rita[0].body
    assert [m.to for m in mail.outbox if m.to != ["rita@example.org"]] == [
        [application.applicant.email]
    ]


def test_the_second_reviewer_can_be_added_later_but_not_a_third(
    association, application, coordinator, rita, ray, make_staff
):
    review_assign(application=application, reviewers=[rita], due_on=due(), by=coordinator)
    review_assign(application=application, reviewers=[ray], due_on=due(), by=coordinator)
    third = reviewer(make_staff, association, "Theo Third", "theo@example.org")
    with pytest.raises(ReviewRefused) as refused:
        review_assign(application=application, reviewers=[third], due_on=due(), by=coordinator)
    assert str(refused.value) == (
        f"{association.name} has 2 reviewers per portfolio: 2 already assigned."
    )
    assert ReviewAssignment.objects.count() == 2


def test_more_reviewers_than_the_setting_are_refused(
    association, application, coordinator, rita, ray
):
    association.reviewers_per_portfolio = 1
    association.save()
    with pytest.raises(ReviewRefused, match="has 1 reviewer per portfolio: 0 already assigned"):
        review_assign(application=application, reviewers=[rita, ray], due_on=due(), by=coordinator)
    assert ReviewAssignment.objects.count() == 0
    application.refresh_from_db()
    assert application.state == S.SUBMITTED


def test_a_conflicted_reviewer_is_refused_with_the_reasons(application, coordinator, rita, ray):
    ReferenceFactory(application=application, rater_email="ray@example.org")
    with pytest.raises(ReviewRefused) as refused:
        review_assign(application=application, reviewers=[rita, ray], due_on=due(), by=coordinator)
    assert str(refused.value) == (
        "Ray Reviewer may not review this portfolio: "
        "They are a rater of one of the applicant's references."
    )
    assert ReviewAssignment.objects.count() == 0


def test_the_advisor_cannot_be_assigned(application, coordinator, rita):
    Application.objects.filter(pk=application.pk).update(advisor=rita)
    with pytest.raises(ReviewRefused, match="advisors never review their own advisees"):
        review_assign(application=application, reviewers=[rita], due_on=due(), by=coordinator)


def test_assign_refuses_people_outside_the_pool(association, application, coordinator, user):
    with pytest.raises(ReviewRefused) as refused:
        review_assign(application=application, reviewers=[user], due_on=due(), by=coordinator)
    assert str(refused.value) == f"{user.get_full_name()} is not a reviewer of {association.name}."


@pytest.mark.parametrize("who", ["reviewer", "other_coordinator", "applicant"])
def test_only_a_coordinator_of_the_association_assigns(
    application, rita, ray, make_staff, other_association, who
):
    by = {
        "reviewer": ray,
        "other_coordinator": make_staff(Role.COORDINATOR, other_association),
        "applicant": application.applicant,
    }[who]
    with pytest.raises(ReviewRefused, match="Only a coordinator of this association"):
        review_assign(application=application, reviewers=[rita], due_on=due(), by=by)
    assert ReviewAssignment.objects.count() == 0


def test_assign_needs_a_submitted_portfolio(category, coordinator, rita):
    application = ApplicationFactory(category=category, state=S.ACCEPTED)
    with pytest.raises(ReviewRefused, match="this one is “Accepted”|this one is"):
        review_assign(application=application, reviewers=[rita], due_on=due(), by=coordinator)


def test_assign_refuses_a_past_due_date_and_no_reviewer(application, coordinator, rita):
    with pytest.raises(ReviewRefused, match="The due date is in the past."):
        review_assign(application=application, reviewers=[rita], due_on=due(-3), by=coordinator)
    with pytest.raises(ReviewRefused, match="Choose a reviewer."):
        review_assign(application=application, reviewers=[], due_on=due(), by=coordinator)


def test_round_counts_the_submissions(category, coordinator, rita):
    application = submitted(category, submissions=2)
    assert review_round(application=application) == 2
    [assignment] = review_assign(
        application=application, reviewers=[rita], due_on=due(), by=coordinator
    )
    assert assignment.round == 2


def test_assigning_in_review_does_not_start_it_again(category, coordinator, rita):
    application = submitted(category, state=S.IN_REVIEW)
    review_assign(application=application, reviewers=[rita], due_on=due(), by=coordinator)
    assert ApplicationEvent.objects.filter(application=application).count() == 1


def test_bulk_assigns_each_application_completely_or_not_at_all(
    category, coordinator, rita, ray, django_capture_on_commit_callbacks
):
    first = submitted(category, applicant=UserFactory(full_name="First Applicant"))
    conflicted = submitted(category, applicant=UserFactory(full_name="Second Applicant"))
    third = submitted(category, applicant=UserFactory(full_name="Third Applicant"))
    WorkExperienceFactory(
        application=conflicted, supervisor_email="ray@example.org", employer="Sun"
    )
    with django_capture_on_commit_callbacks(execute=True):
        results = review_assign_bulk(
            applications=[first, conflicted, third],
            reviewers=[rita, ray],
            due_on=due(),
            by=coordinator,
        )
    assert [(r.application, r.assigned, r.refusal) for r in results] == [
        (first, True, ""),
        (
            conflicted,
            False,
            "Ray Reviewer may not review this portfolio: "
            "They are named as the applicant's supervisor at Sun.",
        ),
        (third, True, ""),
    ]
    assert sorted(
        ReviewAssignment.objects.values_list("application_id", "reviewer__email")
    ) == sorted(
        [
            (first.pk, "rita@example.org"),
            (first.pk, "ray@example.org"),
            (third.pk, "rita@example.org"),
            (third.pk, "ray@example.org"),
        ]
    )
    states = dict(Application.objects.values_list("pk", "state"))
    assert (states[first.pk], states[conflicted.pk], states[third.pk]) == (
        S.IN_REVIEW,
        S.SUBMITTED,
        S.IN_REVIEW,
    )
    reviewer_mails = [m for m in mail.outbox if m.subject.startswith("Portfolio to review")]
    assert sorted(m.to[0] for m in reviewer_mails) == [
        "ray@example.org",
        "ray@example.org",
        "rita@example.org",
        "rita@example.org",
    ]


# --- Reviews ---------------------------------------------------------------------------------


@pytest.fixture
def in_review(application, coordinator, rita, ray):
    review_assign(application=application, reviewers=[rita, ray], due_on=due(), by=coordinator)
    application.refresh_from_db()
    by = {a.reviewer_id: a for a in ReviewAssignment.objects.all()}
    return application, by[rita.pk], by[ray.pk]


def test_review_areas_skip_mentor_areas_except_for_mentors(association, category, areas):
    assert [a.name for a in review_areas(application=submitted(category))] == [
        "Theoretical Foundations",
        "Reflection",
    ]
    mentor_category, mentor_areas = make_framework(association, mentor=True, code="IMHM-C")
    assert [a.name for a in review_areas(application=submitted(mentor_category))] == [
        "Theoretical Foundations",
        "Reflection",
        "Administration",
    ]


def test_draft_then_submit(in_review, areas):
    application, mine, _ = in_review
    first, second = areas
    review_save(
        assignment=mine,
        by=mine.reviewer,
        ratings={first.pk: "2"},
        area_notes={first.pk: " Thin on theory. "},
        comments="Draft thoughts",
    )
    assert list(AreaRating.objects.values_list("area_id", "score", "note")) == [
        (first.pk, "2", "Thin on theory.")
    ]
    mine.refresh_from_db()
    assert (mine.comments, mine.submitted_at) == ("Draft thoughts", None)
    with pytest.raises(ReviewRefused) as refused:
        review_save(
            assignment=mine,
            by=mine.reviewer,
            ratings={first.pk: "3"},
            recommendation="approve",
            submit=True,
        )
    assert str(refused.value) == "Rate every competency area before submitting: Reflection."
    mine.refresh_from_db()
    assert mine.submitted_at is None
    assert AreaRating.objects.get(area=first).score == "2"
    saved = rate_all(mine, areas, score="4")
    assert saved.submitted_at is not None
    assert sorted(AreaRating.objects.values_list("score", flat=True)) == ["4", "4"]


def test_defer_needs_amendments_and_a_recommendation_is_required(in_review, areas):
    _, mine, _ = in_review
    with pytest.raises(ReviewRefused, match="Say what the applicant should amend"):
        rate_all(mine, areas, recommendation=Recommendation.DEFER)
    with pytest.raises(ReviewRefused, match="Choose a recommendation before submitting."):
        rate_all(mine, areas, recommendation="")
    rate_all(mine, areas, recommendation=Recommendation.DEFER, amendments="Add RS/C hours.")
    mine.refresh_from_db()
    assert (mine.recommendation, mine.amendments) == ("defer", "Add RS/C hours.")


def test_a_submitted_review_is_read_only(in_review, areas):
    _, mine, _ = in_review
    rate_all(mine, areas)
    with pytest.raises(ReviewRefused, match="can no longer be changed"):
        review_save(assignment=mine, by=mine.reviewer, ratings={}, comments="Changed")
    mine.refresh_from_db()
    assert mine.comments == ""


def test_only_the_assigned_reviewer_writes(in_review, areas, coordinator):
    _, mine, theirs = in_review
    for by in (theirs.reviewer, coordinator):
        with pytest.raises(ReviewRefused, match="Only the assigned reviewer"):
            review_save(assignment=mine, by=by, ratings={areas[0].pk: "1"})
    assert AreaRating.objects.count() == 0


def test_blind_until_own_review_is_submitted(in_review, areas):
    _, mine, theirs = in_review
    rate_all(theirs, areas)
    mine.refresh_from_db()
    assert reviews_visible_to(assignment=mine) == []
    rate_all(mine, areas)
    mine.refresh_from_db()
    assert reviews_visible_to(assignment=mine) == [theirs]
    theirs.refresh_from_db()
    assert reviews_visible_to(assignment=theirs) == [mine]


def test_agreeing_reviews_tell_the_coordinator(
    in_review, areas, coordinator, django_capture_on_commit_callbacks
):
    application, mine, theirs = in_review
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rate_all(mine, areas)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        rate_all(theirs, areas, score="2")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["casey@example.org"],
            f"Every review is in: Ana Applicant ({application.category.name} (IFS))",
        )
    ]
    assert "- Rita Reviewer: Approve\n- Ray Reviewer: Approve" in mail.outbox[0].body
    assert f"/reviewing/applications/{application.pk}/decision/" in mail.outbox[0].body
    assert round_status(application=application).agree


def test_disagreeing_reviews_tell_the_coordinator(
    in_review, areas, coordinator, django_capture_on_commit_callbacks
):
    application, mine, theirs = in_review
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rate_all(mine, areas)
        rate_all(theirs, areas, recommendation=Recommendation.HOLD)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["casey@example.org"],
            f"Reviewers disagree: Ana Applicant ({application.category.name} (IFS))",
        )
    ]
    status = round_status(application=application)
    assert (status.complete, status.agree, status.disagree) == (True, False, True)


def test_one_review_of_two_required_is_not_complete(
    application, areas, coordinator, rita, django_capture_on_commit_callbacks
):
    [only] = review_assign(application=application, reviewers=[rita], due_on=due(), by=coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rate_all(only, areas)
    assert mail.outbox == []
    status = round_status(application=application)
    assert (status.complete, status.missing_reviewers) == (False, 1)


# --- Decisions -------------------------------------------------------------------------------


def test_approve_after_agreeing_reviews(in_review, areas, coordinator):
    application, mine, theirs = in_review
    rate_all(mine, areas)
    rate_all(theirs, areas)
    result = review_decide(application=application, decision="approve", note="", by=coordinator)
    assert result.state == S.APPROVED


def test_approve_and_defer_wait_for_every_review(in_review, areas, coordinator):
    application, mine, _ = in_review
    rate_all(mine, areas)
    for decision in ("approve", "defer"):
        with pytest.raises(TransitionNotAllowed, match="Every review of this round must be in"):
            review_decide(application=application, decision=decision, note="x", by=coordinator)
    result = review_decide(application=application, decision="hold", note="", by=coordinator)
    assert result.state == S.ON_HOLD


def test_defer_needs_reasons_and_they_go_to_the_applicant(
    in_review, areas, coordinator, django_capture_on_commit_callbacks
):
    application, mine, theirs = in_review
    rate_all(mine, areas, recommendation=Recommendation.DEFER, amendments="Add RS/C hours.")
    rate_all(theirs, areas, recommendation=Recommendation.DEFER, amendments="Add a reference.")
    assert round_status(application=application).amendments == "Add RS/C hours.\n\nAdd a reference."
    with pytest.raises(TransitionNotAllowed, match="Give the reasons"):
        review_decide(application=application, decision="defer", note=" ", by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        result = review_decide(
            application=application, decision="defer", note="Add RS/C hours.", by=coordinator
        )
    assert result.state == S.DEFERRED
    event = ApplicationEvent.objects.filter(application=application).latest("id")
    assert (event.to_state, event.note, event.note_is_public, event.actor) == (
        S.DEFERRED,
        "Add RS/C hours.",
        True,
        coordinator,
    )


def test_deny_needs_reasons(in_review, coordinator):
    application, _, _ = in_review
    with pytest.raises(TransitionNotAllowed, match="Give the reasons"):
        review_decide(application=application, decision="deny", note="", by=coordinator)
    result = review_decide(application=application, decision="deny", note="No.", by=coordinator)
    assert result.state == S.DENIED


@pytest.mark.parametrize("who", ["reviewer", "other_coordinator", "applicant"])
def test_only_a_coordinator_of_the_association_decides(
    in_review, areas, make_staff, other_association, who
):
    application, mine, theirs = in_review
    rate_all(mine, areas)
    rate_all(theirs, areas)
    by = {
        "reviewer": mine.reviewer,
        "other_coordinator": make_staff(Role.COORDINATOR, other_association),
        "applicant": application.applicant,
    }[who]
    with pytest.raises(ReviewRefused, match="Only a coordinator of this association may decide."):
        review_decide(application=application, decision="approve", note="", by=by)
    application.refresh_from_db()
    assert application.state == S.IN_REVIEW


def test_unknown_decision(in_review, coordinator):
    with pytest.raises(ReviewRefused, match="Choose a decision."):
        review_decide(application=in_review[0], decision="award", note="", by=coordinator)


def test_a_resubmitted_portfolio_is_reviewed_in_a_new_round(
    in_review, areas, coordinator, rita, portfolio_check_waived
):
    application, mine, theirs = in_review
    rate_all(mine, areas, recommendation=Recommendation.DEFER, amendments="More.")
    rate_all(theirs, areas, recommendation=Recommendation.DEFER, amendments="More.")
    review_decide(application=application, decision="defer", note="More.", by=coordinator)
    application = application_transition(
        application=application, action="submit", by=application.applicant
    )
    assert review_round(application=application) == 2
    [again] = review_assign(application=application, reviewers=[rita], due_on=due(), by=coordinator)
    assert again.round == 2
    status = round_status(application=application)
    assert (status.round, [a.pk for a in status.assignments], status.complete) == (
        2,
        [again.pk],
        False,
    )
    # The old round's review cannot be written any more.
    with pytest.raises(ReviewRefused):
        review_save(assignment=theirs, by=theirs.reviewer, ratings={})


def test_a_reviewer_who_lost_the_role_cannot_write(in_review, areas):
    _, mine, _ = in_review
    mine.reviewer.role_grants.all().delete()
    reviewer_user = type(mine.reviewer).objects.get(pk=mine.reviewer_id)
    with pytest.raises(ReviewRefused, match="Only the assigned reviewer"):
        review_save(assignment=mine, by=reviewer_user, ratings={areas[0].pk: "1"})
