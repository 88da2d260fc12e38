"""Review pages of the reviewer: the review itself, the conflicts of interest, the reviewer
dashboard."""

import datetime

import pytest
from django.utils import timezone

from endorsement.enums import ApplicationState as S
from portfolios.models import ReferenceRating
from reviews.models import ConflictDeclaration, ReviewAssignment
from tests.factories import ConflictDeclarationFactory, ReferenceFactory, UserFactory
from tests.reviews.helpers import review_post, submit_review, submitted, text

pytestmark = pytest.mark.django_db


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
    assert (
        f'<th scope="row" class="fw-normal">{item.name}</th><td data-label="Rating">Strong</td>'
        in page
    )
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
