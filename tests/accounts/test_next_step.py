"""Every dashboard leads with the person's next step: one primary button (or none while they
can only wait), from what the dashboard already read."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from competencies.enums import RequirementKind
from endorsement.enums import ApplicationState as S
from endorsement.models import ApplicationEvent
from tests.factories import (
    ApplicationFactory,
    CommentFactory,
    EndorsementCategoryFactory,
    ExamSittingFactory,
    RequirementFactory,
    ReviewAssignmentFactory,
    UserFactory,
    VignetteScoreFactory,
)

URL = "/dashboard/applicant/"


@pytest.fixture
def applicant(db):
    return UserFactory(full_name="Ana Applicant")


@pytest.fixture
def exam_category(association):
    category = EndorsementCategoryFactory(framework__association=association, code="IMHM-C")
    RequirementFactory(category=category, kind=RequirementKind.EXAM, min_hours=None)
    return category


def card(html: str) -> str:
    match = re.search(r'<section class="card next-step-card.*?</section>', html, re.S)
    assert match, "no next-step card"
    return match.group(0)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def primary(html: str) -> list[tuple[str, str]]:
    """(href, label) of every primary button in the html."""
    return [
        (href, text(label))
        for href, label in re.findall(
            r'<a class="btn btn-primary[^"]*" href="([^"]+)">(.*?)</a>', html
        )
    ]


def heading(html: str) -> str:
    return text(re.search(r'id="next-step-heading">(.*?)</h2>', html, re.S).group(1))


def applicant_card(client, applicant) -> str:
    client.force_login(applicant)
    return card(client.get(URL).content.decode())


def summary(application) -> str:
    return f"/portfolio/{application.pk}/"


@pytest.mark.parametrize(
    ("state", "expected_heading", "label", "where"),
    [
        (S.RETURNED, "Correct your registration", "Correct your registration", "edit"),
        (S.DEFERRED, "Amend your portfolio", "Amend your portfolio", "summary"),
        (S.ACCEPTED, "Continue your portfolio", "Continue your portfolio", "summary"),
        (S.APPROVED, "Register for the exam", "Register for the exam", "exam"),
        (S.EXAM_FAILED, "Retake the exam", "When you can retake the exam", "exam"),
        (S.ON_HOLD, "Take up your application again", "Open your portfolio", "summary"),
    ],
)
def test_applicant_dashboard_leads_with_one_primary_button(
    client, applicant, exam_category, state, expected_heading, label, where
):
    application = ApplicationFactory(applicant=applicant, category=exam_category, state=state)
    html = applicant_card(client, applicant)
    href = {
        "edit": f"/portfolio/{application.pk}/registration/",
        "summary": summary(application),
        "exam": reverse("reviews:exam.register", kwargs={"application_id": application.pk}),
    }[where]
    if where == "edit":
        href = reverse("portfolios:registration.edit", kwargs={"application_id": application.pk})
    assert heading(html) == expected_heading
    assert primary(html) == [(href, label)]
    assert '<a class="next-step-link" href="/portfolio/start/">Start an application</a>' in html


@pytest.mark.parametrize("state", [S.REGISTERED, S.SUBMITTED, S.IN_REVIEW, S.EXAM, S.EXAM_PASSED])
def test_while_waiting_there_is_no_primary_button(client, applicant, exam_category, state):
    ApplicationFactory(applicant=applicant, category=exam_category, state=state)
    html = applicant_card(client, applicant)
    assert primary(html) == []
    assert "Start an application" in html


def test_the_deferral_reason_is_in_the_card(client, applicant, exam_category):
    application = ApplicationFactory(applicant=applicant, category=exam_category, state=S.DEFERRED)
    ApplicationEvent.objects.create(
        application=application, to_state=S.DEFERRED, note="Add a training.", note_is_public=True
    )
    html = applicant_card(client, applicant)
    assert text(re.search(r'<div class="next-step-detail">(.*?)</div>', html, re.S).group(1)) == (
        "What to amend, from the coordinator: Add a training."
    )


def test_unresolved_comments_come_before_continuing(client, applicant, exam_category):
    application = ApplicationFactory(applicant=applicant, category=exam_category, state=S.ACCEPTED)
    CommentFactory(application=application)
    CommentFactory(application=application)
    html = applicant_card(client, applicant)
    assert heading(html) == "Answer 2 comments"
    assert primary(html) == [(summary(application), "Answer 2 comments")]


def test_the_most_urgent_application_leads(client, applicant, exam_category):
    ApplicationFactory(applicant=applicant, category=exam_category, state=S.IN_REVIEW)
    ApplicationFactory(applicant=applicant, category=exam_category, state=S.ACCEPTED)
    deferred = ApplicationFactory(applicant=applicant, category=exam_category, state=S.DEFERRED)
    html = applicant_card(client, applicant)
    assert primary(html) == [(summary(deferred), "Amend your portfolio")]


def test_awarded_has_no_button_to_a_missing_renewal_page(client, applicant, exam_category):
    ApplicationFactory(applicant=applicant, category=exam_category, state=S.AWARDED)
    html = applicant_card(client, applicant)
    assert primary(html) == []
    assert heading(html).startswith("Your endorsement:")


@pytest.mark.parametrize("states", [[], [S.WITHDRAWN], [S.DENIED]])
def test_without_an_open_application_starting_one_is_the_primary(
    client, applicant, exam_category, states
):
    for state in states:
        ApplicationFactory(applicant=applicant, category=exam_category, state=state)
    client.force_login(applicant)
    html = client.get(URL).content.decode()
    assert primary(html) == [("/portfolio/start/", "Start an application")]
    assert heading(card(html)) == "Start an application"


def test_the_card_comes_right_after_the_h1(client, applicant, exam_category):
    ApplicationFactory(applicant=applicant, category=exam_category, state=S.DEFERRED)
    client.force_login(applicant)
    html = client.get(URL).content.decode()
    main = html[html.index('<main id="main"') :]
    after_h1 = main[main.index("</h1>") :]
    assert re.match(r"</h1>\s*</div>\s*<section class=\"card next-step-card", after_h1)
    # The whole page has one primary button: the next step's.
    assert len(primary(main)) == 1


# Staff dashboards


def role_url(association, role) -> str:
    return reverse("accounts:dashboard.role", kwargs={"slug": association.slug, "role": role})


def test_reviewer_next_step_is_the_review_due_first(client, make_staff, association, category):
    reviewer = make_staff(Role.REVIEWER, association)
    today = association.today()
    ReviewAssignmentFactory(
        reviewer=reviewer, application__category=category, due_on=today + datetime.timedelta(days=9)
    )
    first = ReviewAssignmentFactory(
        reviewer=reviewer,
        application__category=category,
        application__applicant__full_name="Olga Oldest",
        due_on=today + datetime.timedelta(days=2),
    )
    client.force_login(reviewer)
    html = card(client.get(role_url(association, Role.REVIEWER)).content.decode())
    assert heading(html) == f"Review the portfolio of Olga Oldest ({category.code})"
    assert primary(html) == [(f"/reviewing/reviews/{first.pk}/", "Write the review")]
    assert "It is due on" in text(html)


def test_advisor_next_step_is_the_advisee_with_most_comments(
    client, make_staff, association, category
):
    advisor = make_staff(Role.ADVISOR, association)
    ApplicationFactory(category=category, advisor=advisor, state=S.ACCEPTED)
    busy = ApplicationFactory(
        category=category, advisor=advisor, state=S.ACCEPTED, applicant__full_name="Bea Busy"
    )
    for _ in range(3):
        CommentFactory(application=busy)
    client.force_login(advisor)
    html = card(client.get(role_url(association, Role.ADVISOR)).content.decode())
    assert heading(html) == f"Read the portfolio of Bea Busy ({category.code})"
    assert primary(html) == [(summary(busy), "Open the portfolio of Bea Busy")]
    assert "3 comment threads are not resolved yet." in text(html)


def test_coordinator_next_step_is_the_first_needs_you_row(
    client, coordinator, association, category
):
    waiting = ApplicationFactory(
        category=category, state=S.REGISTERED, applicant__full_name="Rae Registered"
    )
    ApplicationFactory(category=category, state=S.APPROVED)
    client.force_login(coordinator)
    response = client.get(role_url(association, Role.COORDINATOR))
    first = response.context["needs_you"][0]
    html = card(response.content.decode())
    assert (
        heading(html)
        == first.label
        == (f"Accept or return the registration of Rae Registered ({category.code})")
    )
    assert primary(html) == [(f"#registration-{waiting.pk}", "Do this now")]
    # The list stays whole.
    assert len(response.context["needs_you"]) == 2


def test_association_admin_next_step_points_to_the_portal_pages(client, make_staff, association):
    client.force_login(make_staff(Role.ASSOCIATION_ADMIN, association))
    html = card(client.get(role_url(association, Role.ASSOCIATION_ADMIN)).content.decode())
    assert primary(html) == [(f"/a/{association.slug}/members/", "See the members")]
    assert re.findall(r'class="next-step-link" href="([^"]+)">([^<]+)<', html) == [
        (f"/a/{association.slug}/people/", "People and roles"),
        (f"/a/{association.slug}/billing/fees/", "The fee schedule"),
        ("/admin/", "The framework, in the admin site"),
    ]
    assert "managed in the admin" not in html


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.REVIEWER, Role.EXAM_GRADER, Role.COORDINATOR])
def test_nothing_to_do_means_no_card(client, make_staff, association, role):
    client.force_login(make_staff(role, association))
    html = client.get(role_url(association, role)).content.decode()
    assert "next-step-card" not in html


def test_grader_next_step_is_the_earliest_sitting_to_score(
    client, make_staff, association, category
):
    grader = make_staff(Role.EXAM_GRADER, association)
    now = timezone.now()
    later = ExamSittingFactory(association=association, starts_at=now - datetime.timedelta(days=1))
    earlier = ExamSittingFactory(
        association=association, starts_at=now - datetime.timedelta(days=5)
    )
    VignetteScoreFactory(registration__sitting=later, grader=grader)
    first = VignetteScoreFactory(
        registration__sitting=earlier,
        registration__application__applicant__full_name="Eve Early",
        grader=grader,
    )
    client.force_login(grader)
    html = card(client.get(role_url(association, Role.EXAM_GRADER)).content.decode())
    assert heading(html) == "Score the vignettes of Eve Early"
    assert primary(html) == [
        (reverse("reviews:exam.score", kwargs={"pk": first.pk}), "Score the vignettes")
    ]
