"""The coordinator's page of an application: facts, the full timeline, the steps allowed now."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.urls import reverse

from accounts.enums import Role
from competencies.enums import RequirementKind
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent, Endorsement
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    RequirementFactory,
    UserFactory,
)


@pytest.fixture
def category(association):
    association.number_prefix = "NFAIMH"
    association.time_zone = "America/New_York"
    association.save()
    return EndorsementCategoryFactory(
        framework__association=association, code="IFS", name="Infant Family Specialist"
    )


def application_in(category, applicant, state, **kwargs):
    return ApplicationFactory(category=category, applicant=applicant, state=state, **kwargs)


def detail_url(application) -> str:
    return reverse("endorsement:detail", kwargs={"application_id": application.pk})


def step_url(application, step) -> str:
    return reverse(f"endorsement:{step}", kwargs={"application_id": application.pk})


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def state_of(application) -> str:
    return Application.objects.get(pk=application.pk).state


def log_event(application, actor, from_state, to_state, note, public=True, at=None):
    event = ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        note=note,
        note_is_public=public,
    )
    if at is not None:
        # ``at`` is auto_now_add and the log refuses updates: set it in SQL.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE endorsement_applicationevent SET at = %s WHERE id = %s", [at, event.pk]
            )
    return event


def test_page_shows_applicant_category_state_days_and_advisor(
    client, coordinator, category, applicant
):
    advisor = UserFactory(full_name="Avery Advisor")
    application = application_in(category, applicant, S.ACCEPTED, advisor=advisor)
    Application.objects.filter(pk=application.pk).update(
        state_changed=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=9, hours=1)
    )
    client.force_login(coordinator)
    response = client.get(detail_url(application))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Ana Applicant – Infant Family Specialist (IFS)</h1>" in page
    assert response.context["days_in_state"] == 9
    assert "Building the portfolio</span>, for 9 days" in page
    assert "Avery Advisor" in page
    assert "ana@example.org" in page


def test_timeline_shows_every_event_in_the_association_time_zone_with_private_notes_marked(
    client, coordinator, category, applicant
):
    application = application_in(category, applicant, S.IN_REVIEW)
    at = datetime.datetime(2026, 7, 1, 16, 30, tzinfo=datetime.UTC)
    log_event(application, applicant, "", S.REGISTERED, "", at=at)
    log_event(application, coordinator, S.REGISTERED, S.ACCEPTED, "Welcome aboard.", at=at)
    log_event(application, coordinator, S.SUBMITTED, S.IN_REVIEW, "Reviewer is slow.", public=False)
    log_event(application, None, S.ACCEPTED, S.ON_HOLD, "Held by the portal.")
    client.force_login(coordinator)
    response = client.get(detail_url(application))
    events = response.context["events"]
    assert [(e.from_state, e.to_state, e.note) for e in events] == [
        ("", S.REGISTERED, ""),
        (S.REGISTERED, S.ACCEPTED, "Welcome aboard."),
        (S.SUBMITTED, S.IN_REVIEW, "Reviewer is slow."),
        (S.ACCEPTED, S.ON_HOLD, "Held by the portal."),
    ]
    page = response.content.decode()
    # 16:30 UTC is 12:30 in New York in July.
    assert '<time datetime="2026-07-01T16:30:00+00:00">July 1, 2026, 12:30 p.m.</time>' in page
    assert "Times in America/New_York." in page
    assert page.count("Private note</span>") == 1
    assert "Reviewer is slow." in page
    assert "Registered → Building the portfolio" in page
    assert "the portal" in page
    assert "Casey Coord" in page


def forms_shown(response) -> dict:
    allowed = response.context["allowed"]
    return {step for step, yes in allowed.items() if yes}


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        (S.REGISTERED, {"accept", "return_registration"}),
        (S.ACCEPTED, set()),
        (S.SUBMITTED, {"hold", "deny"}),
        (S.IN_REVIEW, {"hold", "deny"}),
        (S.ON_HOLD, {"resume", "deny"}),
        (S.DEFERRED, {"deny"}),
        (S.APPROVED, {"award"}),
        (S.EXAM_PASSED, {"award"}),
        (S.EXAM_FAILED, {"deny"}),
        (S.AWARDED, set()),
        (S.WITHDRAWN, set()),
    ],
)
def test_step_forms_follow_the_state(client, coordinator, category, applicant, state, shown):
    application = application_in(category, applicant, state)
    client.force_login(coordinator)
    response = client.get(detail_url(application))
    assert forms_shown(response) == shown
    page = response.content.decode()
    for step in ("hold", "resume", "deny", "award"):
        assert (step_url(application, step) in page) == (step in shown), step


def test_award_explains_why_an_exam_category_waits(client, coordinator, category, applicant):
    RequirementFactory(category=category, kind=RequirementKind.EXAM, min_hours=None)
    application = application_in(category, applicant, S.APPROVED)
    client.force_login(coordinator)
    response = client.get(detail_url(application))
    assert forms_shown(response) == set()
    assert response.context["award_refusal"] == (
        "This category has an exam: the award follows a passed exam."
    )


def test_hold_with_a_private_note(client, coordinator, category, applicant):
    application = application_in(category, applicant, S.IN_REVIEW)
    client.force_login(coordinator)
    response = client.post(
        step_url(application, "hold"), {"hold-note": "Waiting for the board.", "hold-private": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(application)
    assert messages_of(response) == ["The application of Ana Applicant is on hold."]
    saved = Application.objects.get(pk=application.pk)
    assert (saved.state, saved.state_before_hold) == (S.ON_HOLD, S.IN_REVIEW)
    event = ApplicationEvent.objects.get(application=application)
    assert (event.actor, event.note, event.note_is_public) == (
        coordinator,
        "Waiting for the board.",
        False,
    )


def test_resume_goes_back_to_the_state_before_the_hold(client, coordinator, category, applicant):
    application = application_in(category, applicant, S.ON_HOLD, state_before_hold=S.SUBMITTED)
    client.force_login(coordinator)
    response = client.post(step_url(application, "resume"), {"resume-note": ""})
    assert messages_of(response) == ["The application of Ana Applicant goes on again."]
    assert state_of(application) == S.SUBMITTED


def test_deny_requires_reasons(client, coordinator, category, applicant):
    application = application_in(category, applicant, S.IN_REVIEW)
    client.force_login(coordinator)
    response = client.post(step_url(application, "deny"), {"deny-note": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors == {"note": ["This field is required."]}
    assert state_of(application) == S.IN_REVIEW
    response = client.post(
        step_url(application, "deny"), {"deny-note": "The work experience is not dyadic."}
    )
    assert messages_of(response) == [
        "The endorsement of Ana Applicant is denied; they are told the reasons."
    ]
    assert state_of(application) == S.DENIED
    assert ApplicationEvent.objects.get().note == "The work experience is not dyadic."


def test_award_asks_first_naming_the_number(client, coordinator, category, applicant):
    application = application_in(category, applicant, S.APPROVED)
    client.force_login(coordinator)
    response = client.get(step_url(application, "award"))
    assert response.status_code == 200
    year = response.context["awarded_on"].year
    assert response.context["number"] == f"NFAIMH-IFS-{year}-0001"
    assert f"This creates endorsement number <strong>NFAIMH-IFS-{year}-0001</strong>" in (
        response.content.decode()
    )
    assert state_of(application) == S.APPROVED
    assert Endorsement.objects.count() == 0


def test_award_post_awards_and_the_page_shows_the_endorsement(
    client, coordinator, category, applicant, django_capture_on_commit_callbacks
):
    application = application_in(category, applicant, S.APPROVED)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step_url(application, "award"))
    endorsement = Endorsement.objects.get()
    assert messages_of(response) == [f"Awarded endorsement {endorsement.number} to Ana Applicant."]
    assert state_of(application) == S.AWARDED
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    page = client.get(detail_url(application)).content.decode()
    assert endorsement.number in page


@pytest.mark.parametrize(
    ("step", "state", "data"),
    [
        ("hold", S.ACCEPTED, {"hold-note": ""}),
        ("resume", S.IN_REVIEW, {}),
        ("deny", S.APPROVED, {"deny-note": "No."}),
        ("award", S.IN_REVIEW, {}),
    ],
)
def test_a_step_the_state_does_not_allow_is_refused_with_a_message(
    client, coordinator, category, applicant, step, state, data
):
    application = application_in(category, applicant, state)
    client.force_login(coordinator)
    response = client.post(step_url(application, step), data)
    assert response.status_code == 302
    assert response["Location"] == detail_url(application)
    label = S(state).label
    assert messages_of(response) == [
        f"This step is not possible while the application is “{label}”."
    ]
    assert state_of(application) == state
    assert ApplicationEvent.objects.count() == 0
    assert Endorsement.objects.count() == 0


def test_the_award_page_refuses_with_the_condition_message(
    client, coordinator, category, applicant
):
    RequirementFactory(category=category, kind=RequirementKind.EXAM, min_hours=None)
    application = application_in(category, applicant, S.APPROVED)
    client.force_login(coordinator)
    for method in (client.get, client.post):
        response = method(step_url(application, "award"))
        assert response.status_code == 302
        assert messages_of(response) == [
            "This category has an exam: the award follows a passed exam."
        ]
        client.get(detail_url(application))  # shows (and so consumes) the message
    assert state_of(application) == S.APPROVED


STEPS = [
    ("detail", S.IN_REVIEW, {}),
    ("hold", S.IN_REVIEW, {"hold-note": "x"}),
    ("resume", S.ON_HOLD, {}),
    ("deny", S.IN_REVIEW, {"deny-note": "x"}),
    ("award", S.APPROVED, {}),
]


@pytest.mark.parametrize(("step", "state", "data"), STEPS)
@pytest.mark.parametrize("who", ["applicant", "reviewer", "advisor", "other coordinator", "admin"])
def test_refused_for_the_wrong_role_or_association(
    client, make_staff, association, other_association, category, applicant, step, state, data, who
):
    application = application_in(category, applicant, state, state_before_hold=S.IN_REVIEW)
    user = {
        "applicant": lambda: applicant,
        "reviewer": lambda: make_staff(Role.REVIEWER, association),
        "advisor": lambda: make_staff(Role.ADVISOR, association),
        "other coordinator": lambda: make_staff(Role.COORDINATOR, other_association),
        "admin": lambda: make_staff(Role.ASSOCIATION_ADMIN, association),
    }[who]()
    client.force_login(user)
    url = detail_url(application) if step == "detail" else step_url(application, step)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    assert state_of(application) == state
    assert ApplicationEvent.objects.count() == 0


@pytest.mark.parametrize(("step", "state", "data"), STEPS)
def test_anonymous_visitors_are_sent_to_log_in(client, category, applicant, step, state, data):
    application = application_in(category, applicant, state, state_before_hold=S.IN_REVIEW)
    url = detail_url(application) if step == "detail" else step_url(application, step)
    for response in (client.get(url), client.post(url, data)):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert state_of(application) == state


def test_unknown_application_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/coordinator/applications/999999/").status_code == 404


@pytest.mark.parametrize("size", [1, 30])
def test_query_count_does_not_grow_with_the_timeline(
    client, coordinator, category, applicant, django_assert_num_queries, size
):
    application = application_in(category, applicant, S.IN_REVIEW, advisor=UserFactory())
    for index in range(size):
        log_event(application, UserFactory(), S.SUBMITTED, S.IN_REVIEW, f"n{index}", index % 2 == 0)
    client.force_login(coordinator)
    client.get(detail_url(application))  # warm the session and the caches
    with django_assert_num_queries(QUERIES_DETAIL):
        response = client.get(detail_url(application))
    assert len(response.context["events"]) == size


# ... and the application's invoices (billing's panel).
QUERIES_DETAIL = 6


@pytest.mark.parametrize(
    ("state", "links"),
    [
        (S.ACCEPTED, ["Assign an advisor"]),
        (S.SUBMITTED, ["Assign an advisor", "Assign reviewers"]),
        (S.IN_REVIEW, ["Assign an advisor", "Assign reviewers", "Reviews and decision"]),
        (S.APPROVED, ["Assign an advisor", "Exam sittings"]),
        (S.AWARDED, []),
    ],
)
def test_links_to_the_review_pages_follow_the_state(
    client, coordinator, category, applicant, association, state, links
):
    application = application_in(category, applicant, state)
    client.force_login(coordinator)
    related = client.get(detail_url(application)).context["related"]
    assert [str(label) for _url, label in related] == links
    urls = {
        "Assign an advisor": f"/advising/{application.pk}/advisor/",
        "Assign reviewers": f"/reviewing/applications/{application.pk}/assign/",
        "Reviews and decision": f"/reviewing/applications/{application.pk}/decision/",
        "Exam sittings": f"/exams/a/{association.slug}/sittings/",
    }
    assert [url for url, _label in related] == [urls[label] for label in links]


def test_first_submitted_is_the_associations_day(client, coordinator, category, applicant):
    # 9 March, 10:15 p.m. in New York is already 10 March in UTC.
    submitted = datetime.datetime(2026, 3, 10, 3, 15, tzinfo=datetime.UTC)
    application = application_in(category, applicant, S.SUBMITTED, submitted_at=submitted)
    client.force_login(coordinator)
    page = client.get(detail_url(application)).content.decode()
    assert '<dd class="col-sm-9">March 9, 2026</dd>' in page
    client.force_login(applicant)
    summary = client.get(reverse("portfolios:summary", kwargs={"application_id": application.pk}))
    assert "First submitted on March 9, 2026." in summary.content.decode()
