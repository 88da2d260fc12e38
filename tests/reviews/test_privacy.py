"""The review workflow's refusals beyond the access walk (tests/test_access_walk.py, which tries
every URL as everyone, anonymous visitors included, with GET and POST): htmx posts of the
comment panel, people whose role was withdrawn, and addresses that cross an object with another
application or association.

The URL list is read from the two URLconfs, so a new page is covered: these tests fail until
they are told how to fill the page's address (``PK_OBJECTS``) and who may reach it (``PAGES``).

Pages about one application or object answer 404 to people who may not see it (as portfolio
pages do); coordinator pages and the exam pages of the association's staff answer 403; the
portfolio's readers who may not take part are refused with 403 (comment forms) or a message.
"""

import datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from competencies.enums import ExamKind, RequirementKind
from endorsement import urls as endorsement_urlconf
from endorsement.enums import ApplicationState as S
from endorsement.models import ApplicationEvent, EmeritusRequest, EndorsementTransfer
from reviews import urls as reviews_urlconf
from reviews.enums import Recommendation, RubricScore
from reviews.models import AreaRating
from tests.factories import (
    ApplicationFactory,
    CommentFactory,
    CompetencyAreaFactory,
    CompetencyFactory,
    ConflictDeclarationFactory,
    EndorsementCategoryFactory,
    EndorsementFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    FrameworkFactory,
    MembershipFactory,
    RequirementFactory,
    ReviewAssignmentFactory,
    RoleGrantFactory,
    UserFactory,
    VignetteScoreFactory,
)

pytestmark = pytest.mark.django_db

NAMESPACES = {"reviews": reviews_urlconf, "endorsement": endorsement_urlconf}

# Which object a URL's ``pk`` names, by the start of the URL's name (the first match wins).
PK_OBJECTS = [
    ("reviews:comment.", "comment"),
    ("reviews:conflict.", "conflict"),
    ("reviews:exam.sitting", "sitting"),
    ("reviews:exam.part1", "registration"),
    ("reviews:exam.graders", "registration"),
    ("reviews:exam.score", "score"),
    ("endorsement:transfer.request", "endorsement"),
    ("endorsement:transfer.detail", "transfer"),
    ("endorsement:emeritus.request", "held_endorsement"),
    ("endorsement:emeritus.decide", "emeritus"),
]

# The people who may read the portfolio (its owner, the assigned advisor and reviewers, the
# coordinator): on the advising pages they pass the first check and are refused as readers.
READERS = ("applicant", "advisor", "reviewer", "second reviewer", "coordinator")
REVIEWERS = ("reviewer", "second reviewer", "unassigned reviewer")
GRADERS = ("grader", "second grader", "unassigned grader")


def page(refused: int, may: dict, told: dict | None = None) -> dict:
    """``may``: who may reach the page, with the answer to their GET (405 on a page that only
    takes POST); ``told``: people refused otherwise than with ``refused``, as (GET, POST)
    answers; everyone else gets ``refused`` to both."""
    return {"refused": refused, "may": may, "told": told or {}}


def readers_told(get: int, post: int, *, but=()) -> dict:
    return {who: (get, post) for who in READERS if who not in but}


COORDINATOR_ONLY_403 = page(403, {"coordinator": 200})
ENDORSEMENT_STEP = page(403, {"coordinator": 302})  # the exam state allows none: back to the page
COMMENT_ACTION = page(
    404, {"applicant": 405, "advisor": 405}, readers_told(405, 403, but=("applicant", "advisor"))
)

PAGES = {
    # Advisor: the coordinator's page, then the buttons and comments on the portfolio.
    "reviews:advisor.assign": COORDINATOR_ONLY_403,
    "reviews:advisor.request": page(
        404, {"applicant": 405}, readers_told(405, 302, but=("applicant",))
    ),
    "reviews:advisor.ready": page(404, {"advisor": 405}, readers_told(405, 302, but=("advisor",))),
    "reviews:comment.add": page(
        404,
        {"applicant": 200, "advisor": 200},
        readers_told(403, 403, but=("applicant", "advisor")),
    ),
    "reviews:comment.reply": COMMENT_ACTION,
    "reviews:comment.resolve": COMMENT_ACTION,
    "reviews:comment.reopen": COMMENT_ACTION,
    # Portfolio review.
    "reviews:review.assign": page(404, {"coordinator": 200}),
    "reviews:review.decide": page(404, {"coordinator": 200}),
    "reviews:assign.bulk": page(404, {"coordinator": 200}),
    "reviews:review": page(404, {"reviewer": 200}),
    "reviews:conflicts": page(404, dict.fromkeys(REVIEWERS, 200)),  # each their own
    "reviews:conflict.withdraw": page(
        404, {"reviewer": 405}, {"second reviewer": (405, 404), "unassigned reviewer": (405, 404)}
    ),
    # Exams.
    "reviews:exam.sittings": COORDINATOR_ONLY_403,
    "reviews:exam.sitting.add": COORDINATOR_ONLY_403,
    "reviews:exam.sitting": COORDINATOR_ONLY_403,
    "reviews:exam.sitting.edit": COORDINATOR_ONLY_403,
    "reviews:exam.sitting.delete": COORDINATOR_ONLY_403,
    "reviews:exam.sitting.register": page(403, {"coordinator": 405}),
    "reviews:exam.part1": page(403, {"coordinator": 200, **dict.fromkeys(GRADERS, 200)}),
    "reviews:exam.part1.check": page(403, {"coordinator": 200, **dict.fromkeys(GRADERS, 200)}),
    "reviews:exam.graders": COORDINATOR_ONLY_403,
    "reviews:exam.score": page(404, {"grader": 200}),
    "reviews:exam.register": page(404, {"applicant": 200}),
    # The coordinator's application page and its steps, the pipeline's CSV.
    "endorsement:accept": page(403, {"coordinator": 405}),
    "endorsement:return": COORDINATOR_ONLY_403,
    "endorsement:detail": COORDINATOR_ONLY_403,
    "endorsement:hold": ENDORSEMENT_STEP,
    "endorsement:resume": ENDORSEMENT_STEP,
    "endorsement:deny": ENDORSEMENT_STEP,
    "endorsement:award": ENDORSEMENT_STEP,
    "endorsement:reinstate": ENDORSEMENT_STEP,
    "endorsement:pipeline.csv": page(403, {"coordinator": 200}),
    # Moving an endorsement: the holder asks; the request is the holder's and the two
    # associations' coordinators' (the receiving one, of the other association, decides).
    "endorsement:transfer.request": page(404, {"applicant": 200}),
    "endorsement:transfer.detail": page(
        404, {"applicant": 200, "coordinator": 200, "coordinator of another association": 200}
    ),
    # Emeritus status: the holder (nobody here) asks, the association's coordinator decides.
    "endorsement:emeritus.request": page(404, {}),
    "endorsement:emeritus.decide": page(404, {"coordinator": 200}),
    # The renewal desk: its coordinators (and admins, who read it) only.
    "endorsement:desk": page(403, {"coordinator": 200, "association admin": 200}),
    "endorsement:desk.csv": page(403, {"coordinator": 200, "association admin": 200}),
    "endorsement:desk.bulk": page(403, {"coordinator": 405}),
}

# Who is tried; the platform admin works in the admin site, not on these pages.
OUTSIDERS = (
    "another applicant",
    "unassigned advisor",
    "unassigned reviewer",
    "unassigned grader",
    "association admin",
    "member without roles",
    "coordinator of another association",
    "staff of another association",
    "platform admin",
)
PEOPLE = (*READERS, "grader", "second grader", *OUTSIDERS)


def imhm_category(association):
    """A category with competency areas (the review's rubric) and both exam parts."""
    framework = FrameworkFactory(association=association)
    category = EndorsementCategoryFactory(framework=framework, code="IMHM-C", is_mentor=True)
    areas = []
    for order, name in enumerate(("Theoretical Foundations", "Reflection"), start=1):
        area = CompetencyAreaFactory(framework=framework, name=name, order=order)
        CompetencyFactory(area=area).categories.add(category)
        areas.append(area)
    for part, kind in ((1, ExamKind.MULTIPLE_CHOICE), (2, ExamKind.VIGNETTES)):
        RequirementFactory(
            category=category,
            kind=RequirementKind.EXAM,
            min_hours=None,
            exam_part=part,
            exam_kind=kind,
            questions=60 if part == 1 else None,
            graders=2 if part == 2 else None,
            pass_percent=80,
            retake_wait_months=12,
            max_attempts=3,
        )
    return category, areas


@pytest.fixture
def world(association, other_association, make_staff):
    """Ana's IMHM-C application in the exam, with everyone around it: her advisor, two
    reviewers (round 1, both submitted), a comment thread, a reviewer's conflict declaration,
    an exam sitting that has started, her registration and its two graders; and the people who
    must not reach it. Returns (people, objects)."""
    category, areas = imhm_category(association)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    people = {
        "applicant": UserFactory(full_name="Ana Applicant"),
        "advisor": make_staff(Role.ADVISOR, association),
        "reviewer": make_staff(Role.REVIEWER, association),
        "second reviewer": make_staff(Role.REVIEWER, association),
        "grader": make_staff(Role.EXAM_GRADER, association),
        "second grader": make_staff(Role.EXAM_GRADER, association),
        "coordinator": make_staff(Role.COORDINATOR, association),
        "another applicant": UserFactory(),
        "unassigned advisor": make_staff(Role.ADVISOR, association),
        "unassigned reviewer": make_staff(Role.REVIEWER, association),
        "unassigned grader": make_staff(Role.EXAM_GRADER, association),
        "association admin": make_staff(Role.ASSOCIATION_ADMIN, association),
        "member without roles": MembershipFactory(association=association).user,
        "coordinator of another association": make_staff(Role.COORDINATOR, other_association),
        "staff of another association": make_staff(Role.REVIEWER, other_association),
        "platform admin": superuser,
    }
    for role in (Role.ADVISOR, Role.EXAM_GRADER):
        RoleGrantFactory(
            role=role, association=other_association, user=people["staff of another association"]
        )
    TOTP.activate(superuser, generate_totp_secret())
    ApplicationFactory(category=category, applicant=people["another applicant"], state=S.ACCEPTED)
    application = ApplicationFactory(
        category=category,
        applicant=people["applicant"],
        advisor=people["advisor"],
        state=S.EXAM,
        submitted_at=timezone.now() - datetime.timedelta(days=60),
    )
    ApplicationEvent.objects.create(
        application=application,
        actor=people["applicant"],
        from_state=S.ACCEPTED,
        to_state=S.SUBMITTED,
    )
    assignments = []
    for who in ("reviewer", "second reviewer"):
        assignment = ReviewAssignmentFactory(
            application=application,
            reviewer=people[who],
            assigned_by=people["coordinator"],
            recommendation=Recommendation.APPROVE,
            comments="Ready for the exam.",
            submitted_at=timezone.now() - datetime.timedelta(days=30),
        )
        for area in areas:
            AreaRating.objects.create(assignment=assignment, area=area, score=RubricScore.MEETS)
        assignments.append(assignment)
    comment = CommentFactory(application=application, author=people["advisor"])
    CommentFactory(application=application, author=people["applicant"], parent=comment)
    sitting = ExamSittingFactory(
        association=association, starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    registration = ExamRegistrationFactory(
        sitting=sitting, application=application, registered_by=people["coordinator"]
    )
    scores = [
        VignetteScoreFactory(registration=registration, grader=people[who])
        for who in ("grader", "second grader")
    ]
    # Ana also holds an IFS endorsement, and asked to move it to the other association.
    endorsement = EndorsementFactory(
        application__applicant=people["applicant"],
        category__framework__association=association,
        category__code="IFS",
    )
    transfer = EndorsementTransfer.objects.create(
        from_endorsement=endorsement,
        from_association=association,
        to_association=other_association,
        requested_by=people["applicant"],
        reason="Moving to the lake.",
    )
    # A holder (not one of the people tried) and her request for emeritus status.
    holder = UserFactory(full_name="Hedda Holder")
    held_endorsement = EndorsementFactory(
        application=ApplicationFactory(category=category, applicant=holder, state=S.AWARDED),
        category=category,
    )
    objects = {
        "endorsement": endorsement,
        "transfer": transfer,
        "held_endorsement": held_endorsement,
        "emeritus": EmeritusRequest.objects.create(endorsement=held_endorsement, holder=holder),
        "application": application,
        "assignment": assignments[0],
        "comment": comment,
        "conflict": ConflictDeclarationFactory(
            association=association, reviewer=people["reviewer"]
        ),
        "sitting": sitting,
        "registration": registration,
        "score": scores[0],
    }
    return people, objects


def url_kwargs(name: str, params: set, objects: dict) -> dict:
    application = objects["application"]
    known = {
        "application_id": application.pk,
        "slug": application.association.slug,
        "assignment_id": objects["assignment"].pk,
    }
    kwargs = {param: known[param] for param in params if param in known}
    if "pk" in params:
        key = next((key for prefix, key in PK_OBJECTS if name.startswith(prefix)), None)
        if key:
            kwargs["pk"] = objects[key].pk
    return kwargs


def workflow_urls(objects) -> list[tuple[str, str]]:
    """(name, address) of every page of the two namespaces, filled with the world's objects."""
    urls = []
    for namespace, urlconf in NAMESPACES.items():
        for pattern in urlconf.urlpatterns:
            name = f"{namespace}:{pattern.name}"
            params = set(pattern.pattern.converters)
            kwargs = url_kwargs(name, params, objects)
            unknown = params - set(kwargs)
            assert not unknown, f"tell this test how to fill {unknown} in {name}"
            assert name in PAGES, f"tell this test who may reach {name} (PAGES)"
            urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


def refusal(name: str, who: str, method: str) -> int:
    """The answer ``who`` must get on the page ``name`` (they may not reach it)."""
    told = PAGES[name]["told"].get(who)
    if told:
        return told[0] if method == "get" else told[1]
    return PAGES[name]["refused"]


def post_data(people, objects) -> dict:
    """Every form's fields, filled in, so a page that let a refused POST through would act."""
    application = objects["application"]
    return {
        "advisor": people["unassigned advisor"].pk,
        "section": "general",
        "body": "Let me in.",
        "reviewers": [people["unassigned reviewer"].pk],
        "applications": [application.pk],
        "application": application.pk,
        "due_on": (timezone.now() + datetime.timedelta(days=20)).date().isoformat(),
        "decision": "approve",
        "note": "Because.",
        "reason": "Because.",
        "hold-note": "Because.",
        "resume-note": "Because.",
        "deny-note": "Because.",
        "recommendation": Recommendation.DEFER,
        "amendments": "Everything.",
        "comments": "Changed.",
        "submit": "1",
        "person_email": "someone@example.org",
        "organisation": "Early Head Start",
        "starts_at": "2030-01-01T10:00",
        "place": "Elsewhere",
        "capacity": 3,
        "sitting": objects["sitting"].pk,
        "correct": 55,
        "graders": [people["unassigned grader"].pk],
        "percent": 90,
    }


def snapshot() -> dict:
    """Every row of the portal's own tables (log-ins only touch ``last_login``)."""
    rows = {}
    for label in ("accounts", "competencies", "endorsement", "portfolios", "reviews"):
        for model in apps.get_app_config(label).get_models():
            values = list(model.objects.order_by("pk").values())
            if model._meta.label == "accounts.User":
                for row in values:
                    row.pop("last_login")
            rows[model._meta.label] = values
    return rows


def test_refused_comment_posts_from_the_panel_change_nothing(client, world):
    """The comment forms post with htmx too (the panel is sent back): refused all the same."""
    people, objects = world
    urls = [(name, url) for name, url in workflow_urls(objects) if "comment." in name]
    data = post_data(people, objects)
    before = snapshot()
    for who in PEOPLE:
        client.force_login(people[who])
        answers = {
            name: client.post(url, data, HTTP_HX_REQUEST="true").status_code
            for name, url in urls
            if who not in PAGES[name]["may"]
        }
        assert answers == {
            name: refusal(name, who, "post") for name, _url in urls if name in answers
        }, who
    assert snapshot() == before


def test_people_who_lost_their_role_are_refused(client, world):
    """The assigned advisor, reviewer and grader, and the coordinator, once their role in the
    association is withdrawn: refused like outsiders (a grader hears why: 403)."""
    people, objects = world
    urls = workflow_urls(objects)
    former = ("advisor", "reviewer", "grader", "coordinator")
    for who in former:
        people[who].role_grants.all().delete()
    for who in former:
        client.force_login(people[who])
        answers, expected = {}, {}
        for name, url in urls:
            if who in PAGES[name]["may"]:
                answers[name] = client.get(url).status_code
                expected[name] = 403 if name == "reviews:exam.score" else PAGES[name]["refused"]
        assert expected, who
        assert answers == expected, who


def test_crossed_addresses_are_refused(client, world, association, other_association):
    """An object reached through an address that names another application or association."""
    people, objects = world
    application = objects["application"]
    theirs = CommentFactory(
        application=ApplicationFactory(category=application.category, state=S.ACCEPTED)
    )
    elsewhere = ConflictDeclarationFactory(
        association=other_association, reviewer=people["reviewer"]
    )
    RoleGrantFactory(role=Role.REVIEWER, association=other_association, user=people["reviewer"])
    before = snapshot()
    crossed = [
        (who, reverse(f"reviews:comment.{action}", args=[application.pk, theirs.pk]))
        for who in ("applicant", "advisor")
        for action in ("reply", "resolve", "reopen")
    ] + [
        ("reviewer", reverse("reviews:conflict.withdraw", args=[association.slug, elsewhere.pk])),
    ]
    answers = []
    for who, url in crossed:
        client.force_login(people[who])
        answers.append(client.post(url, {"body": "Crossed."}).status_code)
    assert answers == [404] * len(crossed)
    assert snapshot() == before
