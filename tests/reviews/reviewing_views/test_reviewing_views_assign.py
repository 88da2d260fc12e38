"""Review pages of the coordinator: assign (one portfolio and in bulk) and decide, with the
earlier review rounds."""

import datetime
import re

import pytest
from django.core import mail

from accounts.enums import Role
from accounts.models import Association
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from reviews.enums import Recommendation
from reviews.models import AreaRating, ReviewAssignment
from reviews.services.reviewing import review_assign, review_decide, review_save
from tests.factories import (
    ConflictDeclarationFactory,
    ReferenceFactory,
    UserFactory,
    WorkExperienceFactory,
)
from tests.reviews.helpers import (
    DECISION_QUERIES,
    due,
    fresh,
    make_framework,
    submit_review,
    submitted,
    text,
)

pytestmark = pytest.mark.django_db


# --- Assign one --------------------------------------------------------------------------------


def test_assign_page_lists_the_pool_with_conflicts_disabled(
    client, application, coordinator, rita, ray
):
    WorkExperienceFactory(
        application=application, supervisor_email="ray@example.org", employer="Sun"
    )
    client.force_login(coordinator)
    response = client.get(f"/reviewing/applications/{application.pk}/assign/")
    assert response.status_code == 200
    page = text(response)
    assert re.search(rf'<input[^>]*value="{ray.pk}" id="reviewer-{ray.pk}" disabled', page)
    assert re.search(rf'<input[^>]*value="{rita.pk}" id="reviewer-{rita.pk}">', page)
    assert "They are named as the applicant&#x27;s supervisor at Sun." in page


def test_assign_post_assigns_and_goes_to_the_decision_page(
    client, application, coordinator, rita, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/reviewing/applications/{application.pk}/assign/",
            {"reviewers": [str(rita.pk)], "due_on": due(10).isoformat()},
        )
    assert response.status_code == 302
    assert response.url == f"/reviewing/applications/{application.pk}/decision/"
    assert list(ReviewAssignment.objects.values_list("reviewer__email", "due_on")) == [
        ("rita@example.org", due(10))
    ]
    assert Application.objects.get(pk=application.pk).state == S.IN_REVIEW
    assert [m.to for m in mail.outbox if m.subject.startswith("Portfolio to review")] == [
        ["rita@example.org"]
    ]


def test_assign_post_refuses_a_conflicted_reviewer_even_if_forced(
    client, application, coordinator, ray
):
    ReferenceFactory(application=application, rater_email="ray@example.org")
    client.force_login(coordinator)
    response = client.post(
        f"/reviewing/applications/{application.pk}/assign/",
        {"reviewers": [str(ray.pk)], "due_on": due().isoformat()},
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Ray Reviewer may not review this portfolio: "
        "They are a rater of one of the applicant's references."
    ]
    assert ReviewAssignment.objects.count() == 0


def test_assign_post_refuses_someone_outside_the_pool(
    client, application, coordinator, make_staff, other_association
):
    outsider = make_staff(Role.REVIEWER, other_association)
    client.force_login(coordinator)
    response = client.post(
        f"/reviewing/applications/{application.pk}/assign/",
        {"reviewers": [str(outsider.pk)], "due_on": due().isoformat()},
    )
    assert [str(m) for m in response.context["messages"]] == ["Choose reviewers from the pool."]
    assert ReviewAssignment.objects.count() == 0


# --- Bulk --------------------------------------------------------------------------------------


def test_bulk_page_lists_submitted_portfolios_only(
    client, association, category, coordinator, rita
):
    waiting = submitted(category, applicant=UserFactory(full_name="Wanda Waiting"))
    submitted(category, state=S.IN_REVIEW, applicant=UserFactory(full_name="Ian Inreview"))
    client.force_login(coordinator)
    response = client.get("/reviewing/a/northfield/assign/")
    assert response.status_code == 200
    assert [a.pk for a in response.context["waiting"]] == [waiting.pk]
    page = text(response)
    assert f'name="applications" value="{waiting.pk}"' in page
    # The reviewers are checkboxes, like on the single assignment page (no Ctrl-click).
    assert '<select class="form-select" name="reviewers"' not in page
    assert page.count('type="checkbox" name="reviewers"') == len(response.context["pool"])
    assert (
        f'<input class="form-check-input" type="checkbox" name="reviewers" value="{rita.pk}" '
        f'id="reviewer-{rita.pk}">'
    ) in page


def test_bulk_post_from_another_page_shows_the_results(client, category, coordinator, rita, ray):
    first = submitted(category, applicant=UserFactory(full_name="First Applicant"))
    second = submitted(category, applicant=UserFactory(full_name="Second Applicant"))
    ConflictDeclarationFactory(
        association=first.association,
        reviewer=ray,
        person_email=second.applicant.email,
        organisation="",
    )
    client.force_login(coordinator)
    response = client.post(
        "/reviewing/a/northfield/assign/",
        {
            "applications": [str(first.pk), str(second.pk)],
            "reviewers": [str(rita.pk), str(ray.pk)],
            "due_on": due().isoformat(),
        },
        HTTP_REFERER="http://testserver/coordinator/pipeline/",
    )
    assert response.status_code == 200
    assert [(r.application.pk, r.assigned, r.refusal) for r in response.context["results"]] == [
        (first.pk, True, ""),
        (
            second.pk,
            False,
            "Ray Reviewer may not review this portfolio: "
            "They declared a conflict of interest with the applicant.",
        ),
    ]
    assert [str(m) for m in response.context["messages"]] == [
        "Reviewers assigned to 1 of 2 portfolios."
    ]
    assert ReviewAssignment.objects.filter(application=second).count() == 0
    assert [a.pk for a in response.context["waiting"]] == [second.pk]


def test_bulk_post_ignores_other_associations_applications(
    client, other_association, coordinator, rita
):
    elsewhere_category = make_framework(other_association)[0]
    elsewhere = submitted(elsewhere_category)
    client.force_login(coordinator)
    response = client.post(
        "/reviewing/a/northfield/assign/",
        {"applications": [str(elsewhere.pk)], "reviewers": [str(rita.pk)], "due_on": due()},
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["Choose at least one portfolio."]
    assert ReviewAssignment.objects.count() == 0


# --- The decision page -------------------------------------------------------------------------


def test_decision_page_waits_for_every_review(client, assigned, areas, coordinator):
    application, mine, _ = assigned
    submit_review(mine, areas, comments="Rita's view")
    client.force_login(coordinator)
    response = client.get(f"/reviewing/applications/{application.pk}/decision/")
    page = text(response)
    assert "1 of 2 reviews are in." in page
    assert "Rita&#x27;s view" not in page
    assert [c for c, _ in response.context["form"].fields["decision"].choices] == ["hold", "deny"]


def test_decision_page_flags_a_disagreement_and_prefills_the_amendments(
    client, assigned, areas, coordinator
):
    application, mine, theirs = assigned
    submit_review(mine, areas, recommendation=Recommendation.DEFER, amendments="Add RS/C hours.")
    submit_review(theirs, areas, recommendation=Recommendation.APPROVE, comments="Fine by me")
    client.force_login(coordinator)
    response = client.get(f"/reviewing/applications/{application.pk}/decision/")
    page = text(response)
    assert "The reviewers disagree." in page
    assert "Fine by me" in page
    assert page.count('class="card h-100 review-card"') == 2
    assert response.context["form"].initial == {"note": "Add RS/C hours."}
    assert [c for c, _ in response.context["form"].fields["decision"].choices] == [
        "approve",
        "defer",
        "hold",
        "deny",
    ]


def test_decision_post_defers_with_the_reasons(
    client, assigned, areas, coordinator, django_capture_on_commit_callbacks
):
    application, mine, theirs = assigned
    submit_review(mine, areas, recommendation=Recommendation.DEFER, amendments="Add RS/C hours.")
    submit_review(theirs, areas, recommendation=Recommendation.DEFER, amendments="More.")
    client.force_login(coordinator)
    url = f"/reviewing/applications/{application.pk}/decision/"
    response = client.post(url, {"decision": "defer", "note": ""})
    assert response.context["form"].non_field_errors() == [
        "Give the reasons: the applicant reads them."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "defer", "note": "Add RS/C hours."})
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).state == S.DEFERRED
    [to_applicant] = [m for m in mail.outbox if m.to == [application.applicant.email]]
    assert "Add RS/C hours." in to_applicant.body


# --- Earlier review rounds on the decision page ------------------------------------------------


def defer_and_resubmit(application, coordinator, reviewers, areas, *, score="3", text=""):
    """One round of the portfolio: the reviewers are assigned and recommend a deferral, the
    coordinator defers, the applicant submits again (the next round)."""
    assignments = review_assign(
        application=application, reviewers=reviewers, due_on=due(), by=coordinator
    )
    for assignment in assignments:
        review_save(
            assignment=assignment,
            by=assignment.reviewer,
            ratings={area.pk: score for area in areas},
            recommendation=Recommendation.DEFER,
            comments=f"{text} comments of {assignment.reviewer.full_name}",
            amendments=f"{text} amendments of {assignment.reviewer.full_name}",
            submit=True,
        )
    review_decide(application=fresh(application), decision="defer", note="Amend.", by=coordinator)
    ApplicationEvent.objects.create(
        application=application,
        actor=application.applicant,
        from_state=S.DEFERRED,
        to_state=S.SUBMITTED,
    )
    Application.objects.filter(pk=application.pk).update(state=S.SUBMITTED)
    return assignments


def test_decision_page_shows_the_earlier_rounds_newest_first_and_collapsed(
    client, application, areas, coordinator, rita, ray
):
    first = defer_and_resubmit(application, coordinator, [rita, ray], areas, text="Round 1")
    ReviewAssignment.objects.filter(pk=first[1].pk).update(
        submitted_at=datetime.datetime(2026, 3, 4, 12, tzinfo=datetime.UTC)
    )
    AreaRating.objects.filter(assignment=first[1], area=areas[0]).update(score="2")
    # Meanwhile the association has one reviewer per portfolio.
    Association.objects.filter(pk=application.association_id).update(reviewers_per_portfolio=1)
    defer_and_resubmit(application, coordinator, [ray], areas, score="4", text="Round 2")
    review_assign(application=application, reviewers=[rita], due_on=due(), by=coordinator)
    client.force_login(coordinator)
    response = client.get(f"/reviewing/applications/{application.pk}/decision/")
    assert response.context["status"].round == 3
    [(r2, reviews2), (r1, reviews1)] = [
        (status.round, status.assignments) for status in response.context["earlier_rounds"]
    ]
    assert (r2, r1) == (2, 1)
    assert [(a.reviewer, a.recommendation) for a in reviews2] == [(ray, "defer")]
    assert [(a.reviewer, a.recommendation) for a in reviews1] == [
        (rita, "defer"),
        (ray, "defer"),
    ]
    assert [a.rating_summary for a in reviews1] == [
        [("3 – Meets the competencies", 2)],
        [("2 – Emerging", 1), ("3 – Meets the competencies", 1)],
    ]
    assert reviews2[0].rating_summary == [("4 – Exceeds the competencies", 2)]
    page = text(response)
    assert page.count('<details class="earlier-round') == 2
    assert " open" not in re.findall(r"<details[^>]*>", page)[0]
    assert page.index('id="round-2"') < page.index('id="round-1"')
    assert "Round 2: 1 review (Ray Reviewer: Defer: the applicant amends the portfolio)" in page
    assert (
        "Round 1: 2 reviews (Rita Reviewer: Defer: the applicant amends the portfolio; "
        "Ray Reviewer: Defer: the applicant amends the portfolio)"
    ) in page
    for words in (
        "Round 1 comments of Rita Reviewer",
        "Round 1 amendments of Ray Reviewer",
        "Round 2 comments of Ray Reviewer",
        "March 4, 2026",
        "2 – Emerging: 1",
    ):
        assert words in page
    # The current round comes first: its reviews, then the earlier rounds, then the decision.
    assert page.index('id="reviews-heading"') < page.index('id="earlier-heading"')
    assert page.index('id="earlier-heading"') < page.index('id="decision-heading"')


def test_the_first_round_has_no_earlier_rounds(client, assigned, areas, coordinator):
    application, mine, theirs = assigned
    submit_review(mine, areas)
    client.force_login(coordinator)
    response = client.get(f"/reviewing/applications/{application.pk}/decision/")
    assert response.context["earlier_rounds"] == []
    assert "Earlier review rounds" not in text(response)


@pytest.mark.parametrize("rounds", [1, 4])
def test_decision_page_with_earlier_rounds_query_count_is_constant(
    client, application, areas, coordinator, rita, ray, django_assert_num_queries, rounds
):
    for _ in range(rounds):
        defer_and_resubmit(application, coordinator, [rita, ray], areas)
    assigned = review_assign(
        application=application, reviewers=[rita, ray], due_on=due(), by=coordinator
    )
    for assignment in assigned:
        submit_review(assignment, areas)
    client.force_login(coordinator)
    # The page of a first round, and the earlier rounds' reviews with their ratings.
    with django_assert_num_queries(DECISION_QUERIES + 2):
        response = client.get(f"/reviewing/applications/{application.pk}/decision/")
    assert len(response.context["earlier_rounds"]) == rounds
    assert len(response.context["area_rows"]) == len(areas)
