"""reviews.services.reviewing: the reviews (draft, submit, blind reading, the coordinator told
when every review is in) and the coordinator's decision."""

import pytest
from django.core import mail

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import ApplicationEvent
from endorsement.services import TransitionNotAllowed, application_transition
from reviews.enums import Recommendation
from reviews.models import AreaRating, ReviewAssignment
from reviews.selectors.reviewing import review_areas, review_round, reviews_visible_to, round_status
from reviews.services.reviewing import ReviewRefused, review_assign, review_decide, review_save
from tests.reviews.helpers import due, make_framework, submitted

pytestmark = pytest.mark.django_db


def rate_all(assignment, areas, score="3", **kwargs):
    kwargs.setdefault("recommendation", Recommendation.APPROVE)
    return review_save(
        assignment=assignment,
        by=assignment.reviewer,
        ratings={area.pk: score for area in areas},
        submit=True,
        **kwargs,
    )


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
