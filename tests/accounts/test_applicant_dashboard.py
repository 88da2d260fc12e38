"""The applicant's dashboard: where each application is, what happens next, the latest steps."""

import datetime
import re

import pytest

from competencies.enums import RequirementKind
from endorsement.enums import ApplicationState as S
from endorsement.models import ApplicationEvent, Endorsement
from tests.factories import (
    ApplicationFactory,
    CommentFactory,
    EndorsementCategoryFactory,
    RequirementFactory,
    UserFactory,
)

URL = "/dashboard/applicant/"


@pytest.fixture
def applicant(db):
    return UserFactory(full_name="Ana Applicant", email="ana@example.org")


@pytest.fixture
def ifs(association):
    return EndorsementCategoryFactory(
        framework__association=association, code="IFS", name="Infant Family Specialist"
    )


@pytest.fixture
def imhm(association):
    category = EndorsementCategoryFactory(
        framework__association=association, code="IMHM-C", name="Infant Mental Health Mentor"
    )
    RequirementFactory(category=category, kind=RequirementKind.EXAM, min_hours=None)
    return category


def event(application, to_state, note="", public=True, from_state=""):
    return ApplicationEvent.objects.create(
        application=application,
        from_state=from_state,
        to_state=to_state,
        note=note,
        note_is_public=public,
    )


def section(client, application) -> str:
    """The text of the application's progress card, whitespace collapsed."""
    html = client.get(URL).content.decode()
    match = re.search(
        rf'<section class="card mb-3 application-progress" id="progress-{application.pk}".*?'
        r"</section>",
        html,
        re.S,
    )
    assert match, "no progress card"
    return " ".join(match.group(0).split())


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


NEXT = {
    S.REGISTERED: "Waiting for the coordinator to accept your registration.",
    S.ACCEPTED: "Your registration is accepted. Build your portfolio: fill in each section, ask "
    "your raters for their ratings and sign the agreements. Submit it when every requirement is "
    "met.",
    S.SUBMITTED: "Your portfolio is submitted. The coordinator will let you know when the review "
    "starts.",
    S.IN_REVIEW: "Reviewers are reading your portfolio. The coordinator will tell you their "
    "decision.",
    S.APPROVED: "Your portfolio is approved. The coordinator will award your endorsement and let "
    "you know.",
    S.EXAM_FAILED: "You did not pass the exam this time.",
    S.WITHDRAWN: "You withdrew this application. Nothing more happens to it; you can start a new "
    "one at any time.",
}


@pytest.mark.parametrize("state", list(NEXT))
def test_what_happens_next_in_plain_words(client, applicant, ifs, state):
    application = ApplicationFactory(applicant=applicant, category=ifs, state=state)
    client.force_login(applicant)
    assert NEXT[state] in text(section(client, application))


@pytest.mark.parametrize("state", S.values)
def test_every_state_says_what_happens_next(client, applicant, imhm, state):
    application = ApplicationFactory(applicant=applicant, category=imhm, state=state)
    client.force_login(applicant)
    card = section(client, application)
    next_step = re.search(r'<div class="next-step">(.*?)</div>', card, re.S).group(1)
    assert len(text(next_step)) > 20


def test_the_portfolio_link_only_while_it_can_be_opened(client, applicant, ifs):
    accepted = ApplicationFactory(applicant=applicant, category=ifs, state=S.ACCEPTED)
    withdrawn = ApplicationFactory(applicant=applicant, category=ifs, state=S.WITHDRAWN)
    client.force_login(applicant)
    assert f'<a href="/portfolio/{accepted.pk}/">Open your portfolio (IFS)</a>' in section(
        client, accepted
    )
    assert f'href="/portfolio/{withdrawn.pk}/"' not in section(client, withdrawn)


def test_steps_mark_the_current_one(client, applicant, ifs, imhm):
    no_exam = ApplicationFactory(applicant=applicant, category=ifs, state=S.SUBMITTED)
    with_exam = ApplicationFactory(applicant=applicant, category=imhm, state=S.EXAM)
    client.force_login(applicant)
    card = section(client, no_exam)
    steps = re.findall(r'<li class="badge[^"]*step-(\w+)"( aria-current="step")?>(.*?)</li>', card)
    assert [(status, bool(current), text(label)) for status, current, label in steps] == [
        ("done", False, "Done: ✓ Registered"),
        ("done", False, "Done: ✓ Accepted"),
        ("current", True, "Current step: Portfolio submitted"),
        ("upcoming", False, "Still to come: In review"),
        ("upcoming", False, "Still to come: Approved"),
        ("upcoming", False, "Still to come: Awarded"),
    ]
    card = section(client, with_exam)
    assert card.count('aria-current="step"') == 1
    assert "Current step: </span>Exam</li>" in card


def test_approved_with_an_exam_says_the_exam_comes_next(client, applicant, imhm):
    application = ApplicationFactory(applicant=applicant, category=imhm, state=S.APPROVED)
    client.force_login(applicant)
    assert (
        "Your portfolio is approved. Next comes the exam: register for an exam sitting, or the "
        "coordinator registers you."
    ) in text(section(client, application))


def test_deferral_shows_the_public_reasons_of_the_latest_deferral(client, applicant, ifs):
    application = ApplicationFactory(applicant=applicant, category=ifs, state=S.DEFERRED)
    event(application, S.DEFERRED, "An older reason.", from_state=S.IN_REVIEW)
    event(application, S.SUBMITTED, "Internal: second round.", public=False)
    event(application, S.DEFERRED, "Add 6 RS/C hours within the window.")
    client.force_login(applicant)
    card = section(client, application)
    reasons = re.search(r'<div class="deferral-reason">(.*?)</div>', card).group(1)
    assert text(reasons) == (
        "What to amend, from the coordinator: Add 6 RS/C hours within the window."
    )
    assert "Internal: second round." not in card


def test_a_private_deferral_note_is_never_shown(client, applicant, ifs):
    application = ApplicationFactory(applicant=applicant, category=ifs, state=S.DEFERRED)
    event(application, S.DEFERRED, "Reviewer A was harsh; keep this between us.", public=False)
    client.force_login(applicant)
    response = client.get(URL)
    assert response.context["applications"][0].deferral_reason == ""
    html = response.content.decode()
    assert "Reviewer A was harsh" not in html
    assert "What to amend, from the coordinator:" not in html
    # The step itself is in the latest steps, without its note.
    assert "You were asked to amend and resubmit your portfolio</li>" in html


def test_denial_shows_the_reasons(client, applicant, ifs):
    application = ApplicationFactory(applicant=applicant, category=ifs, state=S.DENIED)
    event(application, S.DENIED, "The work experience is not with infants.", from_state=S.IN_REVIEW)
    client.force_login(applicant)
    card = text(section(client, application))
    assert "The endorsement was not awarded on this application." in card
    assert "The coordinator's reasons: The work experience is not with infants." in card
    assert "Current step: In review" in card


def test_awarded_shows_the_number_and_the_end_date(client, applicant, ifs, association):
    application = ApplicationFactory(applicant=applicant, category=ifs, state=S.AWARDED)
    Endorsement.objects.create(
        association=association,
        application=application,
        holder=applicant,
        category=ifs,
        number="NF-IFS-2026-0042",
        awarded_on=datetime.date(2026, 5, 4),
        valid_through=datetime.date(2026, 12, 31),
    )
    client.force_login(applicant)
    assert (
        "Congratulations: you hold the endorsement NF-IFS-2026-0042, valid through Dec. 31, "
        "2026. Renew it every year before it ends."
    ) in text(section(client, application))


def test_latest_steps_show_public_notes_and_link_the_timeline(client, applicant, ifs):
    application = ApplicationFactory(applicant=applicant, category=ifs, state=S.IN_REVIEW)
    event(application, S.REGISTERED)
    event(application, S.ACCEPTED, "Welcome aboard.", from_state=S.REGISTERED)
    event(application, S.SUBMITTED, from_state=S.ACCEPTED)
    event(application, S.IN_REVIEW, "Two reviewers, both strict.", public=False)
    client.force_login(applicant)
    card = section(client, application)
    entries = re.findall(r'<ul class="latest-events">(.*?)</ul>', card)[0]
    assert [re.sub(r"^.*?: ", "", text(li)) for li in re.findall(r"<li>(.*?)</li>", entries)] == [
        "The review of your portfolio started",
        "You submitted your portfolio",
        "The coordinator accepted your registration – Welcome aboard.",
    ]
    assert "Two reviewers" not in card
    assert f'<a href="/portfolio/{application.pk}/timeline/">The whole timeline (IFS)</a>' in card


def test_unresolved_comment_threads_are_counted(client, applicant, ifs):
    application = ApplicationFactory(applicant=applicant, category=ifs, state=S.ACCEPTED)
    first = CommentFactory(application=application)
    CommentFactory(application=application, parent=first)  # a reply: not a thread
    CommentFactory(application=application)
    resolved = CommentFactory(application=application)
    type(resolved).objects.filter(pk=resolved.pk).update(
        resolved_at=datetime.datetime.now(datetime.UTC)
    )
    CommentFactory()  # someone else's
    client.force_login(applicant)
    response = client.get(URL)
    assert response.context["applications"][0].unresolved_comments == 2
    assert "2 comments on your portfolio are not resolved yet." in response.content.decode()


def test_the_advisor_is_named(client, applicant, ifs):
    advisor = UserFactory(full_name="Avery Advisor")
    application = ApplicationFactory(
        applicant=applicant, category=ifs, state=S.ACCEPTED, advisor=advisor
    )
    client.force_login(applicant)
    assert "Your advisor: Avery Advisor." in text(section(client, application))
