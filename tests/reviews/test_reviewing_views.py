"""Review pages: assign (one and bulk), decide, the review, conflicts, the reviewer dashboard;
who is refused; query counts."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Association
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from portfolios.models import ReferenceRating
from reviews.enums import Recommendation
from reviews.models import AreaRating, ConflictDeclaration, ReviewAssignment
from reviews.selectors.reviewing import review_areas
from reviews.services.reviewing import review_assign, review_decide, review_save
from tests.factories import (
    ConflictDeclarationFactory,
    ReferenceFactory,
    RoleGrantFactory,
    UserFactory,
    WorkExperienceFactory,
)
from tests.reviews.helpers import due, fresh, make_framework, reviewer, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(association):
    association.reviewers_per_portfolio = 2
    association.save()
    return make_framework(association)[0]


@pytest.fixture
def areas(category):
    return review_areas(application=submitted(category))


@pytest.fixture
def application(category):
    return submitted(category)


@pytest.fixture
def assigned(application, coordinator, rita, ray):
    review_assign(application=application, reviewers=[rita, ray], due_on=due(), by=coordinator)
    application.refresh_from_db()
    by = {a.reviewer_id: a for a in ReviewAssignment.objects.all()}
    return application, by[rita.pk], by[ray.pk]


def submit_review(assignment, areas, recommendation="approve", **kwargs):
    return review_save(
        assignment=assignment,
        by=assignment.reviewer,
        ratings={area.pk: "3" for area in areas},
        recommendation=recommendation,
        submit=True,
        **kwargs,
    )


def review_post(areas, action="submit", score="3", **fields):
    data = {f"area_{area.pk}": score for area in areas}
    data.update(fields)
    data[action] = "1"
    return data


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


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
    assert page.count('<select class="form-select" name="reviewers"') == 2


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


# --- The review page ---------------------------------------------------------------------------


def test_review_page_shows_check_links_and_reference_ratings_even_when_waived(
    client, assigned, rita
):
    application, mine, _ = assigned
    reference = ReferenceFactory(
        application=application,
        rater_name="Pat Rater",
        status="completed",
        completed_at=timezone.now(),
        applicant_waived_right_to_see=True,
        comment="Warm and thoughtful.",
    )
    from competencies.models import Competency

    item = Competency.objects.filter(area__framework=application.category.framework).first()
    ReferenceRating.objects.create(reference=reference, competency=item, score="3")
    ReferenceFactory(application=application, rater_name="Invited Only")
    client.force_login(rita)
    response = client.get(f"/reviewing/reviews/{mine.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert [r.rater_name for r in response.context["references"]] == ["Pat Rater"]
    assert "The applicant waived the right to see this rating." in page
    assert f"<td>{item.name}</td><td>Strong</td>" in page
    assert "Warm and thoughtful." in page
    assert f'href="/portfolio/{application.pk}/"' in page
    assert response.context["check"].application == application
    assert "Requirement check" in page


def test_review_draft_then_submit_through_the_page(client, assigned, areas, rita):
    _, mine, _ = assigned
    client.force_login(rita)
    url = f"/reviewing/reviews/{mine.pk}/"
    response = client.post(
        url, {f"area_{areas[0].pk}": "2", "comments": "So far", "save_draft": "1"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.comments, mine.submitted_at) == ("So far", None)
    response = client.post(
        url, {f"area_{areas[0].pk}": "2", "recommendation": "approve", "submit": "1"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Rate every competency area before submitting: Reflection."
    ]
    response = client.post(url, review_post(areas, recommendation="defer"))
    assert response.context["form"].non_field_errors() == [
        "Say what the applicant should amend: it is required with a deferral."
    ]
    response = client.post(url, review_post(areas, recommendation="defer", amendments="Add hours."))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.recommendation, mine.amendments, mine.submitted_at is not None) == (
        "defer",
        "Add hours.",
        True,
    )
    # Submitted: read-only.
    page = client.get(url)
    assert page.context["form"] is None
    response = client.post(url, review_post(areas, recommendation="approve"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.recommendation == "defer"


def test_review_page_is_blind_until_own_review_is_submitted(client, assigned, areas, rita, ray):
    _, mine, theirs = assigned
    submit_review(theirs, areas, comments="Ray's secret opinion")
    client.force_login(rita)
    url = f"/reviewing/reviews/{mine.pk}/"
    response = client.get(url)
    assert "Ray&#x27;s secret opinion" not in text(response)
    assert response.context["others"] == []
    client.post(url, review_post(areas, recommendation="approve"))
    response = client.get(url)
    assert [o.pk for o in response.context["others"]] == [theirs.pk]
    assert "Ray&#x27;s secret opinion" in text(response)


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


# --- Conflicts and dashboard -------------------------------------------------------------------


def test_conflicts_page_declares_and_withdraws(client, association, rita, application):
    client.force_login(rita)
    url = "/reviewing/a/northfield/conflicts/"
    response = client.post(url, {"organisation": "Sunrise Center", "note": "I volunteer there"})
    assert response.status_code == 302
    response = client.post(url, {"person_email": application.applicant.email.upper()})
    assert response.status_code == 302
    response = client.post(url, {})
    assert response.context["form"].non_field_errors() == [
        "Name either a person (their e-mail) or an organisation."
    ]
    response = client.get(url)
    email = application.applicant.email.lower()
    assert [(d.organisation, d.person_email) for d in response.context["declarations"]] == [
        ("", email),
        ("Sunrise Center", ""),
    ]
    # The list shows the e-mail, never the name of the account behind it.
    page = text(response)
    assert (page.count(email), application.applicant.full_name in page) == (2, False)
    org = ConflictDeclaration.objects.get(organisation="Sunrise Center")
    response = client.post(f"/reviewing/a/northfield/conflicts/{org.pk}/withdraw/")
    assert response.status_code == 302
    assert list(ConflictDeclaration.objects.values_list("person_email", flat=True)) == [email]


def _declare(client, email):
    """Declare a conflict with ``email`` on the page; the response after the redirect."""
    return client.post("/reviewing/a/northfield/conflicts/", {"person_email": email}, follow=True)


def test_declaring_an_email_answers_the_same_whether_or_not_it_has_an_account(
    client, association, rita
):
    UserFactory(email="member@example.org", full_name="Mona Member")
    client.force_login(rita)
    member = _declare(client, "member@example.org")
    stranger = _declare(client, "stranger@example.org")
    answers = [
        (r.redirect_chain, [str(m) for m in r.context["messages"]]) for r in (member, stranger)
    ]
    assert answers == [
        ([("/reviewing/a/northfield/conflicts/", 302)], ["Conflict of interest declared."]),
        ([("/reviewing/a/northfield/conflicts/", 302)], ["Conflict of interest declared."]),
    ]
    assert [
        ("Mona Member" in text(r), "member@example.org" in text(r)) for r in (member, stranger)
    ] == [(False, True), (False, True)]
    assert sorted(ConflictDeclaration.objects.values_list("person_email", flat=True)) == [
        "member@example.org",
        "stranger@example.org",
    ]


def test_conflicts_page_refuses_a_duplicate_yourself_and_an_invalid_email(
    client, association, rita
):
    client.force_login(rita)
    _declare(client, "dup@example.org")
    answers = []
    for email in ("Dup@Example.org", "RITA@example.org", "not-an-email"):
        form = _declare(client, email).context["form"]
        answers.append((form.non_field_errors(), form.errors.get("person_email", [])))
    assert answers == [
        (["You already declared this conflict."], []),
        (["You cannot declare a conflict with yourself."], []),
        ([], ["Enter a valid email address."]),
    ]
    assert list(ConflictDeclaration.objects.values_list("person_email", flat=True)) == [
        "dup@example.org"
    ]


def test_withdrawing_another_reviewers_declaration_is_refused(client, association, rita, ray):
    theirs = ConflictDeclarationFactory(association=association, reviewer=ray)
    client.force_login(rita)
    response = client.post(f"/reviewing/a/northfield/conflicts/{theirs.pk}/withdraw/")
    assert response.status_code == 404
    assert ConflictDeclaration.objects.count() == 1


def test_reviewer_dashboard_lists_assignments_overdue_and_conflicts(
    client, association, category, assigned, areas, rita
):
    application, mine, _ = assigned
    late = submitted(category, state=S.IN_REVIEW, applicant=UserFactory(full_name="Lea Late"))
    overdue = ReviewAssignment.objects.create(
        application=late, reviewer=rita, due_on=datetime.date.today() - datetime.timedelta(days=2)
    )
    ConflictDeclarationFactory(association=association, reviewer=rita, organisation="Sunrise")
    client.force_login(rita)
    response = client.get("/a/northfield/dashboard/reviewer/")
    assert response.status_code == 200
    rows = [(a.pk, a.is_overdue) for a in response.context["assignments"]]
    assert rows == [(overdue.pk, True), (mine.pk, False)]
    page = text(response)
    assert "Overdue" in page
    assert "2 reviews to write." in page
    assert "<li>Sunrise</li>" in page
    submit_review(mine, areas)
    response = client.get("/a/northfield/dashboard/reviewer/")
    assert [(a.pk, a.submitted_at is not None) for a in response.context["assignments"]] == [
        (overdue.pk, False),
        (mine.pk, True),
    ]


# --- Who is refused ----------------------------------------------------------------------------


@pytest.fixture
def people(association, other_association, make_staff, assigned):
    application, mine, theirs = assigned
    advisor = make_staff(Role.ADVISOR, association, user__email="adv@example.org")
    RoleGrantFactory(association=association, role=Role.REVIEWER, user=advisor)
    Application.objects.filter(pk=application.pk).update(advisor=advisor)
    return {
        "unassigned reviewer": reviewer(make_staff, association, "Una Assigned", "una@x.org"),
        "other association coordinator": make_staff(Role.COORDINATOR, other_association),
        "other association reviewer": make_staff(Role.REVIEWER, other_association),
        "the applicant": application.applicant,
        "the applicant's advisor": advisor,
        "the other reviewer": theirs.reviewer,
        "another applicant": UserFactory(),
    }


def coordinator_urls(application):
    return [
        f"/reviewing/applications/{application.pk}/assign/",
        f"/reviewing/applications/{application.pk}/decision/",
        "/reviewing/a/northfield/assign/",
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_coordinator_pages_answer_404_to_everyone_else(client, assigned, people, method):
    application, mine, _ = assigned
    for who, person in [*people.items(), ("an assigned reviewer", mine.reviewer)]:
        client.force_login(person)
        answers = [
            getattr(client, method)(url).status_code for url in coordinator_urls(application)
        ]
        assert answers == [404, 404, 404], who
        client.logout()
    assert Application.objects.get(pk=application.pk).state == S.IN_REVIEW


@pytest.mark.parametrize("method", ["get", "post"])
def test_review_page_answers_404_to_all_but_its_reviewer(
    client, assigned, people, coordinator, areas, method
):
    application, mine, _ = assigned
    url = f"/reviewing/reviews/{mine.pk}/"
    for who, person in [*people.items(), ("the coordinator", coordinator)]:
        client.force_login(person)
        response = getattr(client, method)(url, review_post(areas) if method == "post" else None)
        assert response.status_code == 404, who
        client.logout()
    mine.refresh_from_db()
    assert mine.submitted_at is None


def test_a_reviewer_who_lost_the_role_no_longer_sees_the_review(client, assigned, rita):
    _, mine, _ = assigned
    rita.role_grants.all().delete()
    client.force_login(rita)
    assert client.get(f"/reviewing/reviews/{mine.pk}/").status_code == 404


def test_conflicts_page_needs_the_reviewer_role_in_the_association(
    client, coordinator, make_staff, other_association, user
):
    for person in (coordinator, make_staff(Role.REVIEWER, other_association), user):
        client.force_login(person)
        assert client.get("/reviewing/a/northfield/conflicts/").status_code == 404
        assert (
            client.post("/reviewing/a/northfield/conflicts/", {"organisation": "X"}).status_code
            == 404
        )
        client.logout()
    assert ConflictDeclaration.objects.count() == 0
    client.force_login(coordinator)
    assert client.get("/reviewing/a/nowhere/assign/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, assigned, association, rita):
    application, mine, _ = assigned
    declaration = ConflictDeclarationFactory(association=association, reviewer=rita)
    urls = [
        *coordinator_urls(application),
        f"/reviewing/reviews/{mine.pk}/",
        "/reviewing/a/northfield/conflicts/",
        f"/reviewing/a/northfield/conflicts/{declaration.pk}/withdraw/",
    ]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url)
            assert response.url.startswith("/accounts/login/?next="), (method, url)


def test_a_reviewer_reads_only_assigned_portfolios(client, category, assigned, people):
    application, mine, _ = assigned
    other = submitted(category, applicant=UserFactory())
    client.force_login(mine.reviewer)
    assert client.get(f"/portfolio/{application.pk}/").status_code == 200
    assert client.get(f"/portfolio/{other.pk}/").status_code == 404
    client.force_login(people["unassigned reviewer"])
    assert client.get(f"/portfolio/{application.pk}/").status_code == 404


# --- Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 6])
def test_bulk_page_query_count_is_constant(
    client, category, coordinator, make_staff, association, django_assert_num_queries, size
):
    for index in range(size):
        submitted(category, applicant=UserFactory())
        reviewer(make_staff, association, f"Pool Member{index}", f"pool{index}@x.org")
    client.force_login(coordinator)
    with django_assert_num_queries(BULK_QUERIES):
        response = client.get("/reviewing/a/northfield/assign/")
    assert len(response.context["waiting"]) == size


@pytest.mark.parametrize("size", [1, 6])
def test_assign_page_query_count_is_constant(
    client, application, coordinator, make_staff, association, django_assert_num_queries, size
):
    WorkExperienceFactory(application=application, employer="Sun")
    for index in range(size):
        person = reviewer(make_staff, association, f"Pool Member{index}", f"pool{index}@x.org")
        ConflictDeclarationFactory(association=association, reviewer=person, organisation="Sun")
    client.force_login(coordinator)
    with django_assert_num_queries(ASSIGN_QUERIES):
        response = client.get(f"/reviewing/applications/{application.pk}/assign/")
    assert len(response.context["candidates"]) == size
    assert all(reasons for _, reasons in response.context["candidates"])


@pytest.mark.parametrize("size", [1, 6])
def test_reviewer_dashboard_query_count_is_constant(
    client, association, category, rita, django_assert_num_queries, size
):
    for index in range(size):
        app = submitted(category, state=S.IN_REVIEW, applicant=UserFactory())
        ReviewAssignment.objects.create(application=app, reviewer=rita, due_on=due(index))
        ConflictDeclarationFactory(association=association, reviewer=rita, organisation=f"O{index}")
    client.force_login(rita)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get("/a/northfield/dashboard/reviewer/")
    assert len(response.context["assignments"]) == size


@pytest.mark.parametrize("size", [1, 6])
def test_conflicts_page_query_count_is_constant(
    client, association, rita, django_assert_num_queries, size
):
    for index in range(size):
        ConflictDeclarationFactory(
            association=association,
            reviewer=rita,
            person_email=f"declared{index}@example.org",
            organisation="",
        )
    client.force_login(rita)
    with django_assert_num_queries(CONFLICTS_QUERIES):
        response = client.get("/reviewing/a/northfield/conflicts/")
    assert len(response.context["declarations"]) == size


@pytest.mark.parametrize("size", [1, 6])
def test_review_page_query_count_is_constant(
    client, assigned, rita, django_assert_num_queries, size
):
    application, mine, _ = assigned
    from competencies.models import Competency

    items = list(Competency.objects.filter(area__framework=application.category.framework))
    for _ in range(size):
        reference = ReferenceFactory(
            application=application, status="completed", completed_at=timezone.now()
        )
        for item in items:
            ReferenceRating.objects.create(reference=reference, competency=item, score="2")
        WorkExperienceFactory(application=application)
    client.force_login(rita)
    with django_assert_num_queries(REVIEW_QUERIES):
        response = client.get(f"/reviewing/reviews/{mine.pk}/")
    assert len(response.context["references"]) == size


@pytest.mark.parametrize("size", [1, 6])
def test_decision_page_query_count_is_constant(
    client, assigned, areas, coordinator, django_assert_num_queries, size
):
    application, mine, theirs = assigned
    submit_review(mine, areas)
    submit_review(theirs, areas)
    for _ in range(size):
        WorkExperienceFactory(application=application)
    client.force_login(coordinator)
    with django_assert_num_queries(DECISION_QUERIES):
        response = client.get(f"/reviewing/applications/{application.pk}/decision/")
    assert len(response.context["area_rows"]) == len(areas)


BULK_QUERIES = 6
ASSIGN_QUERIES = 12
DASHBOARD_QUERIES = 6
CONFLICTS_QUERIES = 5
REVIEW_QUERIES = 15
DECISION_QUERIES = 9
