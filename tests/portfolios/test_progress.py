"""The applicant's timeline, withdrawing and resuming after an inactivity hold."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from tests.factories import (
    ApplicationFactory,
    RoleGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(association):
    return RoleGrantFactory(association=association, user__email="casey@example.org").user


def url(name, application) -> str:
    return reverse(f"portfolios:{name}", kwargs={"application_id": application.pk})


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def state_of(application) -> str:
    return Application.objects.get(pk=application.pk).state


def event(application, actor, from_state, to_state, note="", public=True):
    return ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        from_state=from_state,
        to_state=to_state,
        note=note,
        note_is_public=public,
    )


def test_timeline_shows_public_notes_and_never_private_ones(
    client, category, applicant, coordinator
):
    application = ApplicationFactory(category=category, applicant=applicant, state=S.IN_REVIEW)
    event(application, applicant, "", S.REGISTERED)
    event(application, coordinator, S.REGISTERED, S.ACCEPTED, "Welcome aboard.")
    event(application, applicant, S.ACCEPTED, S.SUBMITTED)
    event(application, coordinator, S.SUBMITTED, S.IN_REVIEW, "Reviewer is slow.", public=False)
    client.force_login(applicant)
    response = client.get(url("timeline", application))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Welcome aboard." in page
    assert "Reviewer is slow." not in page
    assert "Private note" not in page
    assert [(e.to_state, e.note) for e in response.context["events"]] == [
        (S.REGISTERED, ""),
        (S.ACCEPTED, "Welcome aboard."),
        (S.SUBMITTED, ""),
        (S.IN_REVIEW, ""),
    ]
    # The applicant reads plain sentences about themselves, not the staff's labels.
    steps = re.findall(r'<th scope="row" class="fw-normal">(.*?)</th>', page)
    assert steps == [
        "You registered",
        "The coordinator accepted your registration",
        "You submitted your portfolio",
        "The review of your portfolio started",
    ]
    assert '<span class="portfolio-state">Status: Your portfolio is being reviewed.</span>' in page
    assert "<h1>Your application’s timeline</h1>" in page
    assert response.context["can_withdraw"] is True
    assert response.context["can_resume"] is False


def test_the_coordinator_may_read_the_applicants_timeline_without_private_notes(
    client, category, applicant, make_staff, association
):
    coordinator = make_staff(Role.COORDINATOR, association)
    application = ApplicationFactory(category=category, applicant=applicant, state=S.IN_REVIEW)
    event(application, coordinator, S.SUBMITTED, S.IN_REVIEW, "Reviewer is slow.", public=False)
    client.force_login(coordinator)
    response = client.get(url("timeline", application))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Reviewer is slow." not in page
    # Staff read their short labels.
    assert '<th scope="row" class="fw-normal">Submitted → In review</th>' in page
    assert '<span class="portfolio-state">Status: In review.</span>' in page
    assert (response.context["can_withdraw"], response.context["can_resume"]) == (False, False)


def test_the_applicant_reads_the_timeline_in_spanish(client, category, applicant):
    applicant.preferred_language = "es"
    applicant.save()
    application = ApplicationFactory(category=category, applicant=applicant, state=S.DEFERRED)
    event(application, applicant, "", S.REGISTERED)
    event(application, None, S.IN_REVIEW, S.DEFERRED)
    event(application, None, S.DEFERRED, S.ON_HOLD)
    event(application, applicant, S.ON_HOLD, S.DEFERRED)
    client.force_login(applicant)
    page = client.get(url("timeline", application), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    steps = re.findall(r'<th scope="row" class="fw-normal">(.*?)</th>', page)
    assert steps == [
        "Usted se inscribió",
        "Se le pidió corregir y volver a enviar su portafolio",
        "Su solicitud quedó en pausa",
        "Usted reanudó su solicitud",
    ]
    assert "Estado: Corrija y vuelva a enviar su portafolio." in page


@pytest.mark.parametrize(
    "state",
    [S.REGISTERED, S.RETURNED, S.ACCEPTED, S.SUBMITTED, S.IN_REVIEW, S.ON_HOLD, S.APPROVED, S.EXAM],
)
def test_withdraw_from_any_state_before_the_award(
    client, category, applicant, coordinator, state, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(category=category, applicant=applicant, state=state)
    client.force_login(applicant)
    confirm = client.get(url("withdraw", application))
    assert confirm.status_code == 200
    assert "<h1>Withdraw your application</h1>" in confirm.content.decode()
    assert state_of(application) == state
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("withdraw", application), {"note": "I moved away."})
    assert response.status_code == 302
    assert response["Location"] == url("timeline", application)
    assert messages_of(response) == ["Your application is withdrawn. The coordinator is told."]
    assert state_of(application) == S.WITHDRAWN
    saved = ApplicationEvent.objects.get(application=application)
    assert (saved.actor, saved.from_state, saved.to_state, saved.note) == (
        applicant,
        state,
        S.WITHDRAWN,
        "I moved away.",
    )
    assert [m.to for m in mail.outbox] == [["casey@example.org"]]


def test_withdraw_without_a_reason(client, category, applicant):
    application = ApplicationFactory(category=category, applicant=applicant, state=S.ACCEPTED)
    client.force_login(applicant)
    client.post(url("withdraw", application), {"note": ""})
    assert state_of(application) == S.WITHDRAWN


@pytest.mark.parametrize("state", [S.AWARDED, S.DENIED, S.WITHDRAWN])
def test_withdraw_is_refused_after_the_award_or_once_closed(client, category, applicant, state):
    application = ApplicationFactory(category=category, applicant=applicant, state=state)
    client.force_login(applicant)
    label = S(state).label
    expected = [f"This step is not possible while the application is “{label}”."]
    response = client.get(url("withdraw", application))
    assert (response.status_code, response["Location"]) == (302, url("timeline", application))
    assert messages_of(response) == expected
    timeline = client.get(url("timeline", application))
    assert timeline.context["can_withdraw"] is False
    response = client.post(url("withdraw", application), {"note": "Too late?"})
    assert messages_of(response) == expected
    assert state_of(application) == state
    assert ApplicationEvent.objects.count() == 0


def test_resume_after_an_inactivity_hold(
    client, category, applicant, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(
        category=category, applicant=applicant, state=S.ON_HOLD, state_before_hold=S.ACCEPTED
    )
    client.force_login(applicant)
    timeline = client.get(url("timeline", application))
    assert timeline.context["can_resume"] is True
    assert url("resume", application) in timeline.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("resume", application))
    assert messages_of(response) == ["Your application goes on again. Welcome back."]
    assert state_of(application) == S.ACCEPTED
    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    assert (
        message.subject == "Your application for Infant Family Specialist (IFS) is going on again"
    )


def test_the_applicant_cannot_resume_a_hold_during_the_review(client, category, applicant):
    application = ApplicationFactory(
        category=category, applicant=applicant, state=S.ON_HOLD, state_before_hold=S.IN_REVIEW
    )
    client.force_login(applicant)
    assert client.get(url("timeline", application)).context["can_resume"] is False
    response = client.post(url("resume", application))
    assert messages_of(response) == ["You may not take this step on this application."]
    assert state_of(application) == S.ON_HOLD


def test_resume_answers_a_get_with_the_timeline(client, category, applicant):
    application = ApplicationFactory(
        category=category, applicant=applicant, state=S.ON_HOLD, state_before_hold=S.ACCEPTED
    )
    client.force_login(applicant)
    response = client.get(url("resume", application))
    assert (response.status_code, response["Location"]) == (302, url("timeline", application))
    assert state_of(application) == S.ON_HOLD


@pytest.mark.parametrize("name", ["withdraw", "resume"])
def test_only_the_applicant_takes_their_steps(
    client, category, applicant, make_staff, association, name
):
    application = ApplicationFactory(
        category=category, applicant=applicant, state=S.ON_HOLD, state_before_hold=S.ACCEPTED
    )
    client.force_login(make_staff(Role.COORDINATOR, association))
    assert client.get(url(name, application)).status_code == 404
    assert client.post(url(name, application)).status_code == 404
    assert state_of(application) == S.ON_HOLD


@pytest.mark.parametrize("name", ["timeline", "withdraw", "resume"])
def test_outsiders_get_404_and_anonymous_visitors_log_in(
    client, category, applicant, make_staff, other_association, name
):
    application = ApplicationFactory(category=category, applicant=applicant, state=S.ACCEPTED)
    for outsider in (UserFactory(), make_staff(Role.COORDINATOR, other_association)):
        client.force_login(outsider)
        assert client.get(url(name, application)).status_code == 404
        assert client.post(url(name, application)).status_code == 404
        client.logout()
    response = client.post(url(name, application))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert state_of(application) == S.ACCEPTED


@pytest.mark.parametrize("size", [1, 30])
def test_timeline_query_count_does_not_grow(
    client, category, applicant, django_assert_num_queries, size
):
    application = ApplicationFactory(category=category, applicant=applicant, state=S.IN_REVIEW)
    for index in range(size):
        event(application, UserFactory(), S.SUBMITTED, S.IN_REVIEW, f"n{index}", index % 2 == 0)
    client.force_login(applicant)
    client.get(url("timeline", application))
    with django_assert_num_queries(TIMELINE_QUERIES):
        response = client.get(url("timeline", application))
    assert len(response.context["events"]) == size


TIMELINE_QUERIES = 5
