"""The design system's components (accounts.templatetags.ui) and the components page."""

import re
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts import ui
from accounts.dashboards import NextStep
from accounts.enums import Role
from tests.factories import UserFactory


def render(source: str, **context) -> str:
    return " ".join(Template("{% load ui %}" + source).render(Context(context)).split())


def test_next_step_card_has_one_primary_button_and_secondary_links():
    step = NextStep(
        heading="Amend your portfolio",
        text="One sentence.",
        action_label="Amend it",
        action_url="/portfolio/7/",
        links=(("Start an application", "/portfolio/start/"),),
        detail_label="What to amend:",
        detail="Add a training.",
    )
    html = render("{% next_step_card step %}", step=step)
    assert html.count("btn-primary") == 1
    assert '<a class="btn btn-primary btn-lg" href="/portfolio/7/">Amend it</a>' in html
    assert '<a class="next-step-link" href="/portfolio/start/">Start an application</a>' in html
    assert '<h2 class="h4 card-title" id="next-step-heading">Amend your portfolio</h2>' in html
    assert '<p class="fw-semibold mb-1">What to amend:</p><p>Add a training.</p>' in html


def test_next_step_card_without_action_has_no_button_and_none_renders_nothing():
    html = render("{% next_step_card step %}", step=NextStep(heading="Wait", text="Nothing."))
    assert "btn" not in html
    assert "Your next step" in html
    assert render("{% next_step_card step %}", step=None) == ""


def test_step_list_marks_done_current_and_upcoming():
    steps = [
        {"label": "Registered", "status": "done"},
        {"label": "Submitted", "status": "current"},
        {"label": "Awarded", "status": "upcoming"},
    ]
    html = render("{% step_list steps %}", steps=steps)
    assert html.startswith('<ol class="list-unstyled d-flex flex-wrap gap-2 progress-steps">')
    found = re.findall(r'step-(\w+)"( aria-current="step")?>(.*?)</li>', html)
    assert [(s, bool(c), re.sub("<[^>]+>", "", t)) for s, c, t in found] == [
        ("done", False, "Done: ✓ Registered"),
        ("current", True, "Current step: Submitted"),
        ("upcoming", False, "Still to come: Awarded"),
    ]


def item(detail, met, required=True):
    return SimpleNamespace(
        detail=detail,
        met=met,
        required=required,
        notes=[],
        label="",
        missing=not met,
        url_name="",
        section="work",
    )


def test_checklist_rows_and_counts():
    items = [item("Work", True), item("Hours", False), item("Rating", False, required=False)]
    html = render("{% checklist items counts=True %}", items=items)
    assert '<p class="checklist-count small mb-1">1 of 2 met</p>' in html
    badges = re.findall(
        r'<span class="badge ([^"]+)">(.*?)</span> <span class="check-detail">', html
    )
    assert [(cls, re.sub("<[^>]+>", "", text).strip()) for cls, text in badges] == [
        ("text-bg-success", "✓ Met"),
        ("text-bg-danger", "✗ Not met"),
        ("text-bg-secondary", "Optional"),
    ]
    todo = render("{% checklist items todo=True %}", items=items)
    assert "To do" in todo and "Not met" not in todo
    assert 'data-section="work"' in todo


def test_status_badge_shows_the_words_and_the_family():
    assert ui.status_family("deferred") == ui.ACTION
    assert ui.status_family("awarded") == ui.SUCCESS
    assert ui.status_family("no such state") == ui.NEUTRAL
    html = render("{% status_badge 'deferred' 'Deferred: amend and resubmit' %}")
    assert html == (
        '<span class="badge status-badge status-action" data-state="deferred">'
        "Deferred: amend and resubmit</span>"
    )


def test_every_application_state_has_a_family():
    from endorsement.enums import ApplicationState

    assert {
        state: ui.status_family(state) != ui.NEUTRAL for state in ApplicationState.values
    } == dict.fromkeys(ApplicationState.values, True)


def test_unknown_family_is_refused():
    with pytest.raises(ValueError):
        ui.register_status_families({"x": "purple"})


def test_empty_state_with_and_without_action():
    html = render("{% empty_state 'Nothing yet.' extra_class='needs-you-empty' %}")
    assert html == (
        '<div class="empty-state"> <p class="empty-state-text needs-you-empty mb-0">'
        "Nothing yet.</p> </div>"
    )
    html = render("{% empty_state 'Nothing yet.' action_label='Start' action_url='/s/' %}")
    assert '<a class="btn btn-outline-primary" href="/s/">Start</a>' in html


def test_page_header():
    association = SimpleNamespace(name="Northfield")
    html = render("{% page_header 'Dashboard' association=a lead='Hi.' %}", a=association)
    assert html == (
        '<div class="page-header mb-4"> <p class="page-header-association text-body-secondary '
        'mb-1">Northfield</p> <h1>Dashboard</h1> <p class="lead mb-0">Hi.</p> </div>'
    )


# The components page: staff only

URL = "/ui/"


def test_components_page_url_name():
    assert reverse("accounts:ui") == URL


def test_components_page_sends_anonymous_people_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_components_page_refuses_applicants(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 403
    assert "Only staff may see the components page." in response.content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_components_page_shows_every_component_to_staff(client, make_staff, association, role):
    client.force_login(make_staff(role, association))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for marker in (
        'class="page-header',
        'class="card next-step-card',
        'class="list-unstyled d-flex flex-wrap gap-2 progress-steps"',
        'class="list-unstyled checklist"',
        'class="badge status-badge status-action"',
        'class="empty-state"',
        '<table class="table table-stack" id="ui-table-stack-example">',
        '<td data-label="Provider">Northfield University</td>',
    ):
        assert marker in html, marker
    # The application's 14 states, the endorsement's 7 statuses (credentials), the 5 standings
    # of a membership, the 3 states of a transfer and of a proof of membership elsewhere, and
    # the 5 states of an e-mail in the outbox (notifications).
    assert html.count('class="badge status-badge') == 37


def test_components_page_for_is_staff(client, db):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    admin = UserFactory(is_staff=True)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    assert client.get(URL).status_code == 200


def test_components_page_in_spanish(client, make_staff, association):
    client.force_login(make_staff(Role.COORDINATOR, association, user__preferred_language="es"))
    html = client.get(URL).content.decode()
    assert "<h1>Componentes</h1>" in html
    assert "Su próximo paso" in html
