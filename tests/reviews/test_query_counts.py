"""Every page of the review workflow costs the same SQL queries with little data as with a lot,
and at most 15 (DESIGN.md's budget).

The pages are read from the ``reviews`` and ``endorsement`` URL patterns, so a new page makes
this test fail until it is told who opens it and with what address (or that it is POST-only).
Each page is opened as the person who uses it, in two associations built alike: one with one
of everything, one with many (comments, evidence items, review rounds, reviewers, sittings,
registrations, graders, assignments on the dashboards, applications in the pipeline).
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.signed_in_pages import signed_in_pages_forget
from endorsement import urls as endorsement_urlconf
from endorsement.enums import ApplicationState as S
from endorsement.models import ApplicationEvent
from portfolios.models import WorkExperience
from reviews import urls as reviews_urlconf
from reviews.enums import ExamResult, Recommendation, RubricScore
from reviews.models import AreaRating
from tests.factories import (
    ApplicationFactory,
    CommentFactory,
    CompetencyAreaFactory,
    CompetencyFactory,
    ConflictDeclarationFactory,
    EndorsementFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    ReviewAssignmentFactory,
    VignetteScoreFactory,
)
from tests.portfolios.check_helpers import fill_portfolio
from tests.reviews.helpers import exam_rows, make_framework, submitted

pytestmark = pytest.mark.django_db

BUDGET = 15

# Pages that only answer POST (buttons and forms posted from other pages): nothing to GET.
POST_ONLY = {
    "reviews:advisor.request",
    "reviews:advisor.ready",
    "reviews:comment.reply",
    "reviews:comment.resolve",
    "reviews:comment.reopen",
    "reviews:conflict.withdraw",
    "reviews:exam.sitting.register",
    "endorsement:accept",
}

# The endorsement's pages after the award: their own tests count their queries at two sizes of
# data (they need endorsements, transfers and requests this walk's worlds do not build).
COVERED_ELSEWHERE = {
    "endorsement:desk": "tests/endorsement/test_renewal_desk.py",
    "endorsement:desk.csv": "tests/endorsement/test_renewal_desk.py",
    "endorsement:desk.bulk": "POST only (its confirmation): tests/endorsement/test_renewal_desk.py",
    "endorsement:transfer.request": "tests/endorsement/test_transfers.py",
    "endorsement:transfer.detail": "tests/endorsement/test_transfers.py",
    # Not yet counted at two sizes (one endorsement, one request each): a gap to close.
    "endorsement:emeritus.request": "tests/endorsement/test_emeritus.py",
    "endorsement:emeritus.decide": "tests/endorsement/test_emeritus.py",
}

# The dashboards of the people of the workflow (accounts' pages, filled by the reviews and
# endorsement apps): many advisees, assignments, sittings and applications on them.
DASHBOARDS = {
    "dashboard.coordinator",
    "dashboard.advisor",
    "dashboard.reviewer",
    "dashboard.exam_grader",
    "dashboard.applicant",
}


def url_names() -> list[str]:
    names = [f"reviews:{p.name}" for p in reviews_urlconf.urlpatterns]
    names += [f"endorsement:{p.name}" for p in endorsement_urlconf.urlpatterns]
    return names


@dataclass
class World:
    """One association's people and objects, with ``n`` of each list."""

    association: object
    n: int
    people: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)


def _rate(assignment, areas, *, submit=True, recommendation=Recommendation.APPROVE):
    AreaRating.objects.bulk_create(
        AreaRating(assignment=assignment, area=area, score=RubricScore.values[0], note="Fine.")
        for area in areas
    )
    if submit:
        assignment.submitted_at = timezone.now()
        assignment.recommendation = recommendation
        assignment.comments = "Well documented."
        if recommendation == Recommendation.DEFER:
            assignment.amendments = "Add the RS/C log."
        assignment.save()
    return assignment


def build_world(association, make_staff, n: int) -> World:
    world = World(association=association, n=n)
    association.reviewers_per_portfolio = 2
    association.save()
    category, areas = make_framework(association, code="IMHM-C")
    exam_rows(category, max_attempts=n + 5)
    plain_category, plain_areas = make_framework(association, code="IFS")
    for this, its_areas in ((category, areas), (plain_category, plain_areas)):
        for i in range(n - 1):  # more areas to rate, each with an item
            area = CompetencyAreaFactory(
                framework=this.framework, name=f"Extra area {i}", order=20 + i
            )
            CompetencyFactory(area=area).categories.add(this)
            its_areas.append(area)

    def staff(role, label, i=0):
        return make_staff(
            role,
            association,
            user__full_name=f"{label} {i} {association.slug}",
            user__email=f"{label.lower()}{i}@{association.slug}.example.org",
        )

    coordinator = staff(Role.COORDINATOR, "Coordinator")
    advisors = [staff(Role.ADVISOR, "Advisor", i) for i in range(n)]
    reviewers = [staff(Role.REVIEWER, "Reviewer", i) for i in range(n + 2)]
    graders = [staff(Role.EXAM_GRADER, "Grader", i) for i in range(n + 1)]
    advisor, rita, ray = advisors[0], reviewers[0], reviewers[1]
    grader_a, grader_b = graders[0], graders[1]

    # The portfolio in review, in its (n+1)-th round: both reviews of earlier rounds and of this
    # one are in, with evidence, references with ratings and comment threads.
    rounds = n + 1  # the decision page lists the earlier rounds: at least one, or many
    focus = submitted(category, submissions=rounds, state=S.IN_REVIEW, advisor=advisor)
    fill_portfolio(focus, 5 * n)
    for round_ in range(1, rounds + 1):
        for person in (rita, ray):
            assignment = ReviewAssignmentFactory(application=focus, reviewer=person, round=round_)
            last = round_ == rounds
            _rate(
                assignment,
                areas,
                recommendation=Recommendation.APPROVE if last else Recommendation.DEFER,
            )
        if round_ < rounds:
            ApplicationEvent.objects.create(
                application=focus,
                actor=coordinator,
                from_state=S.IN_REVIEW,
                to_state=S.DEFERRED,
                note="Add the RS/C log.",
            )
    work = WorkExperience.objects.filter(application=focus).first()
    for i in range(n):
        thread = CommentFactory(
            application=focus, author=advisor, section="work", object_id=work.pk
        )
        CommentFactory(application=focus, author=focus.applicant, section="work", parent=thread)
        CommentFactory(application=focus, author=advisor, body=f"General {i}")

    # A portfolio whose review rita is still writing (a draft), ray's review already in.
    draft = submitted(plain_category, state=S.IN_REVIEW, advisor=advisor)
    fill_portfolio(draft, 5 * n)
    rita_draft = _rate(
        ReviewAssignmentFactory(application=draft, reviewer=rita, round=1),
        plain_areas[:1],
        submit=False,
    )
    _rate(ReviewAssignmentFactory(application=draft, reviewer=ray, round=1), plain_areas)

    # Submitted portfolios waiting for reviewers; reviewers' declared conflicts.
    waiting = [submitted(plain_category) for _ in range(n)]
    for i, person in enumerate(reviewers):
        ConflictDeclarationFactory(
            association=association, reviewer=person, organisation=f"Early Head Start {i}"
        )
    for i in range(n):
        ConflictDeclarationFactory(
            association=association,
            reviewer=rita,
            person_email=f"declared{i}@example.org",
            organisation="",
        )
    # More assignments on rita's dashboard.
    for application in waiting[1:]:
        ReviewAssignmentFactory(application=application, reviewer=rita)

    # Other states for the coordinator's steps.
    registered = ApplicationFactory(category=plain_category, state=S.REGISTERED)
    on_hold = submitted(plain_category, state=S.ON_HOLD, state_before_hold=S.SUBMITTED)
    approved = submitted(plain_category, state=S.APPROVED, advisor=advisor)
    for i in range(n):
        ApplicationFactory(category=plain_category, state=S.ACCEPTED, advisor=advisors[i % n])
        ApplicationFactory(
            category=plain_category, state=S.ACCEPTED, advisor_requested_at=timezone.now()
        )

    # Exams: n sittings past and future; one sitting with n candidates scored by two graders.
    now = timezone.now().replace(microsecond=0)
    past = ExamSittingFactory(
        association=association, starts_at=now - datetime.timedelta(days=3), capacity=n + 5
    )
    for i in range(n * 20):
        ExamSittingFactory(association=association, starts_at=now + datetime.timedelta(days=10 + i))
    future = ExamSittingFactory(
        association=association, starts_at=now + datetime.timedelta(days=5), capacity=n + 5
    )
    registrations = []
    for i in range(n):
        candidate = submitted(category, state=S.EXAM, advisor=advisor)
        registration = ExamRegistrationFactory(
            sitting=past, application=candidate, attempt=1, part1_correct=50 if i else None
        )
        VignetteScoreFactory(
            registration=registration, grader=grader_a, percent=85, submitted_at=now
        )
        VignetteScoreFactory(registration=registration, grader=grader_b)
        registrations.append(registration)
        ExamRegistrationFactory(sitting=future, application=submitted(category, state=S.EXAM))
    # An applicant who failed n times and registers again; another approved, to be registered.
    retaker = submitted(category, state=S.EXAM_FAILED)
    for attempt in range(1, n + 1):
        ExamRegistrationFactory(
            sitting=ExamSittingFactory(
                association=association,
                starts_at=now - datetime.timedelta(days=400 * attempt),
            ),
            application=retaker,
            attempt=attempt,
            result=ExamResult.FAILED,
        )
    exam_passed = submitted(category, state=S.EXAM_PASSED)
    ExamRegistrationFactory(
        sitting=past, application=exam_passed, attempt=1, part1_correct=55, result="passed"
    )
    for _ in range(n):
        submitted(category, state=S.APPROVED)
    # Submitted reinstatements of lapsed endorsements, for the coordinator to approve.
    reinstatements = []
    for _ in range(n):
        lapsed = EndorsementFactory(category=plain_category, status="lapsed")
        reinstatements.append(
            ApplicationFactory(
                category=plain_category,
                applicant=lapsed.holder,
                state=S.SUBMITTED,
                purpose="reinstatement",
                prior_endorsement=lapsed,
            )
        )

    world.people = {
        "coordinator": coordinator,
        "advisor": advisor,
        "reviewer": rita,
        "second_reviewer": ray,
        "grader": grader_a,
        "applicant": focus.applicant,
        "retaker": retaker.applicant,
    }
    world.objects = {
        "focus": focus,
        "draft": draft,
        "rita_draft": rita_draft,
        "rita_review": focus.review_assignments.get(reviewer=rita, round=rounds),
        "work": work,
        "registered": registered,
        "on_hold": on_hold,
        "approved": approved,
        "exam_passed": exam_passed,
        "reinstatement": reinstatements[0],
        "retaker": retaker,
        "past": past,
        "future": future,
        "registration": registrations[-1],
        "score": registrations[-1].vignette_scores.get(grader=grader_b),
        "scored": registrations[-1].vignette_scores.get(grader=grader_a),
    }
    world.people["second_grader"] = grader_b
    return world


def pages(world: World) -> dict[str, tuple]:
    """{case: (person, address)} for every GET page, opened as the person who uses it; a case
    is the page's URL name, with what is special about it in brackets."""
    p, o, slug = world.people, world.objects, world.association.slug

    def app(name, key):
        return reverse(name, kwargs={"application_id": o[key].pk})

    comment_add = app("reviews:comment.add", "focus")
    cases = {
        "reviews:advisor.assign": (p["coordinator"], app("reviews:advisor.assign", "focus")),
        "reviews:comment.add": (p["advisor"], comment_add),
        "reviews:comment.add (an item)": (
            p["advisor"],
            f"{comment_add}?section=work&object_id={o['work'].pk}",
        ),
        "reviews:review.assign": (p["coordinator"], app("reviews:review.assign", "focus")),
        "reviews:review.assign (submitted)": (
            p["coordinator"],
            app("reviews:review.assign", "draft"),
        ),
        "reviews:review.decide": (p["coordinator"], app("reviews:review.decide", "focus")),
        "reviews:review.decide (a review missing)": (
            p["coordinator"],
            app("reviews:review.decide", "draft"),
        ),
        "reviews:assign.bulk": (
            p["coordinator"],
            reverse("reviews:assign.bulk", kwargs={"slug": slug}),
        ),
        "reviews:review": (
            p["reviewer"],
            reverse("reviews:review", kwargs={"assignment_id": o["rita_review"].pk}),
        ),
        "reviews:review (a draft)": (
            p["reviewer"],
            reverse("reviews:review", kwargs={"assignment_id": o["rita_draft"].pk}),
        ),
        "reviews:conflicts": (p["reviewer"], reverse("reviews:conflicts", kwargs={"slug": slug})),
        "reviews:exam.sittings": (
            p["coordinator"],
            reverse("reviews:exam.sittings", kwargs={"slug": slug}),
        ),
        "reviews:exam.sitting.add": (
            p["coordinator"],
            reverse("reviews:exam.sitting.add", kwargs={"slug": slug}),
        ),
        "reviews:exam.sitting": (
            p["coordinator"],
            reverse("reviews:exam.sitting", kwargs={"pk": o["past"].pk}),
        ),
        "reviews:exam.sitting (future)": (
            p["coordinator"],
            reverse("reviews:exam.sitting", kwargs={"pk": o["future"].pk}),
        ),
        "reviews:exam.sitting.edit": (
            p["coordinator"],
            reverse("reviews:exam.sitting.edit", kwargs={"pk": o["future"].pk}),
        ),
        "reviews:exam.sitting.delete": (
            p["coordinator"],
            reverse("reviews:exam.sitting.delete", kwargs={"pk": o["future"].pk}),
        ),
        "reviews:exam.part1": (
            p["grader"],
            reverse("reviews:exam.part1", kwargs={"pk": o["registration"].pk}),
        ),
        "reviews:exam.part1.check": (
            p["grader"],
            reverse("reviews:exam.part1.check", kwargs={"pk": o["registration"].pk})
            + "?correct=50",
        ),
        "reviews:exam.graders": (
            p["coordinator"],
            reverse("reviews:exam.graders", kwargs={"pk": o["registration"].pk}),
        ),
        "reviews:exam.score": (
            p["second_grader"],
            reverse("reviews:exam.score", kwargs={"pk": o["score"].pk}),
        ),
        "reviews:exam.score (scored)": (
            p["grader"],
            reverse("reviews:exam.score", kwargs={"pk": o["scored"].pk}),
        ),
        "reviews:exam.register": (p["retaker"], app("reviews:exam.register", "retaker")),
        "endorsement:return": (p["coordinator"], app("endorsement:return", "registered")),
        "endorsement:detail": (p["coordinator"], app("endorsement:detail", "focus")),
        "endorsement:hold": (p["coordinator"], app("endorsement:hold", "focus")),
        "endorsement:resume": (p["coordinator"], app("endorsement:resume", "on_hold")),
        "endorsement:deny": (p["coordinator"], app("endorsement:deny", "focus")),
        "endorsement:award": (p["coordinator"], app("endorsement:award", "approved")),
        "endorsement:reinstate": (
            p["coordinator"],
            app("endorsement:reinstate", "reinstatement"),
        ),
        "endorsement:award (after the exam)": (
            p["coordinator"],
            app("endorsement:award", "exam_passed"),
        ),
        "endorsement:pipeline.csv": (
            p["coordinator"],
            reverse("endorsement:pipeline.csv", kwargs={"slug": slug}),
        ),
    }

    def dashboard(role):
        return reverse("accounts:dashboard.role", kwargs={"slug": slug, "role": role})

    cases.update(
        {
            "dashboard.coordinator": (p["coordinator"], dashboard(Role.COORDINATOR)),
            "dashboard.advisor": (p["advisor"], dashboard(Role.ADVISOR)),
            "dashboard.reviewer": (p["reviewer"], dashboard(Role.REVIEWER)),
            "dashboard.exam_grader": (p["grader"], dashboard(Role.EXAM_GRADER)),
            "dashboard.applicant": (p["applicant"], reverse("accounts:dashboard.applicant")),
        }
    )
    return cases


def count(client, user, url) -> int:
    client.force_login(user)
    client.get(url)  # sessions, caches and the like settle first
    # What rendering costs, not the cached copy (accounts.signed_in_pages).
    signed_in_pages_forget()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.fixture
def worlds(association, other_association, make_staff):
    return build_world(association, make_staff, 1), build_world(other_association, make_staff, 6)


def test_every_get_page_is_covered(worlds):
    small, _large = worlds
    covered = {case.split(" (")[0] for case in pages(small)}
    names = url_names()
    assert len(names) >= 28
    assert {name for name in names if name not in POST_ONLY} - covered - set(
        COVERED_ELSEWHERE
    ) == set()
    assert set(names) >= set(COVERED_ELSEWHERE)
    assert set(names) >= POST_ONLY
    assert covered >= DASHBOARDS


def test_every_page_costs_the_same_queries_with_more_data_and_stays_within_15(client, worlds):
    small, large = worlds
    counts = {}
    for world in (small, large):
        counts[world.n] = {
            case: count(client, user, url) for case, (user, url) in pages(world).items()
        }
    assert counts[large.n] == counts[small.n]
    assert {case: n for case, n in counts[large.n].items() if n > BUDGET} == {}
