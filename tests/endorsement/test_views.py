"""The coordinator accepts or returns registrations; the applicant is e-mailed."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.enums import Role
from competencies.enums import EducationLevel
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    MembershipFactory,
)

DASHBOARD = "/a/northfield/dashboard/coordinator/"


@pytest.fixture
def other_category(other_association):
    return EndorsementCategoryFactory(framework__association=other_association, code="IFS")


@pytest.fixture
def registration(category, applicant):
    return ApplicationFactory(
        category=category,
        applicant=applicant,
        registration_education=EducationLevel.BACHELOR,
        registration_work_years=Decimal("3"),
        registration_rsc_hours=Decimal("30"),
        registration_note="I work as a home visitor.",
    )


@pytest.fixture
def coordinator(make_staff, association):
    return make_staff(Role.COORDINATOR, association, user__email="casey@example.org")


def accept_url(application) -> str:
    return reverse("endorsement:accept", kwargs={"application_id": application.pk})


def return_url(application) -> str:
    return reverse("endorsement:return", kwargs={"application_id": application.pk})


def state_of(application) -> str:
    return Application.objects.get(pk=application.pk).state


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def events(application) -> list[tuple]:
    return list(
        ApplicationEvent.objects.filter(application=application)
        .order_by("at", "id")
        .values_list("actor__email", "from_state", "to_state", "note")
    )


# Accept


def test_urls():
    assert accept_url(Application(pk=7)) == "/coordinator/applications/7/accept/"
    assert return_url(Application(pk=7)) == "/coordinator/applications/7/return/"


def test_accept(client, coordinator, registration, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(accept_url(registration))
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    assert state_of(registration) == S.ACCEPTED
    assert events(registration) == [("casey@example.org", S.REGISTERED, S.ACCEPTED, "")]
    assert messages_of(response) == [
        "Accepted the registration of Ana Applicant for IFS.",
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.org"]
    assert message.subject == ("Your registration for Infant Family Specialist (IFS) is accepted")
    assert "Dear Ana Applicant," in message.body
    assert f"{settings.SITE_URL}/dashboard/applicant/\n" in message.body


def test_no_mail_before_commit(
    client, coordinator, registration, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(accept_url(registration))
    # The e-mail and the audit log's line wait for the commit.
    assert len(callbacks) == 2
    assert mail.outbox == []


def test_accept_mail_in_the_applicant_language(
    client, coordinator, registration, applicant, django_capture_on_commit_callbacks, monkeypatch
):
    applicant.preferred_language = "es"
    applicant.save(update_fields=["preferred_language"])
    languages = []
    original = translation.override

    def spy(language, *args, **kwargs):
        languages.append(language)
        return original(language, *args, **kwargs)

    monkeypatch.setattr("notifications.emails.translation.override", spy)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(accept_url(registration))
    # Written in Spanish only (the outbox renders its HTML part and masked text in it too).
    assert languages[0] == "es"
    assert set(languages) == {"es"}
    with translation.override("es"):
        expected = gettext("Your registration for %(category)s is accepted") % {
            "category": "Infant Family Specialist (IFS)"
        }
    assert mail.outbox[0].subject == expected


def test_accept_twice_shows_the_reason_not_an_error_page(
    client, coordinator, registration, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    client.post(accept_url(registration), follow=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(accept_url(registration), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(DASHBOARD, 302)]
    assert messages_of(response) == [
        "This step is not possible while the application is “Building the portfolio”."
    ]
    assert "This step is not possible" in response.content.decode()
    assert len(events(registration)) == 1
    assert mail.outbox == []


def test_accept_is_post_only(client, coordinator, registration):
    client.force_login(coordinator)
    assert client.get(accept_url(registration)).status_code == 405
    assert state_of(registration) == S.REGISTERED


# Return


def test_return_with_a_reason(
    client, coordinator, registration, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            return_url(registration), {"reason": "  Please add your years of work.  "}
        )
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    assert state_of(registration) == S.RETURNED
    assert events(registration) == [
        ("casey@example.org", S.REGISTERED, S.RETURNED, "Please add your years of work.")
    ]
    assert messages_of(response) == ["Returned the registration of Ana Applicant for IFS."]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == (
        "Your registration for Infant Family Specialist (IFS) was returned to you"
    )
    assert "The coordinator's reason:\nPlease add your years of work.\n" in message.body
    assert f"{settings.SITE_URL}/portfolio/{registration.pk}/registration/\n" in message.body


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_needs_a_reason(
    client, coordinator, registration, django_capture_on_commit_callbacks, reason
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(return_url(registration), {"reason": reason})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert state_of(registration) == S.REGISTERED
    assert mail.outbox == []


def test_return_page_shows_the_form(client, coordinator, registration):
    client.force_login(coordinator)
    response = client.get(return_url(registration))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Return the registration of Ana Applicant (IFS)" in html
    assert 'for="id_reason" class="form-label requiredField"' in html
    assert 'id="id_reason"' in html


def test_return_when_already_accepted(client, coordinator, registration):
    client.force_login(coordinator)
    client.post(accept_url(registration), follow=True)
    response = client.post(return_url(registration), {"reason": "Too late"}, follow=True)
    assert response.status_code == 200
    assert messages_of(response) == [
        "This step is not possible while the application is “Building the portfolio”."
    ]
    assert state_of(registration) == S.ACCEPTED


# Refusals


@pytest.mark.parametrize("view", [accept_url, return_url])
def test_refused_to_a_coordinator_of_another_association(
    client, make_staff, other_association, registration, view
):
    client.force_login(make_staff(Role.COORDINATOR, other_association))
    response = client.post(view(registration), {"reason": "No"})
    assert response.status_code == 403
    assert state_of(registration) == S.REGISTERED


@pytest.mark.parametrize("view", [accept_url, return_url])
def test_refused_to_the_applicant(client, applicant, registration, view):
    client.force_login(applicant)
    response = client.post(view(registration), {"reason": "No"})
    assert response.status_code == 403
    assert state_of(registration) == S.REGISTERED


@pytest.mark.parametrize("view", [accept_url, return_url])
@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADVISOR, Role.ASSOCIATION_ADMIN])
def test_refused_to_other_roles_of_the_association(
    client, make_staff, association, registration, view, role
):
    client.force_login(make_staff(role, association))
    response = client.post(view(registration), {"reason": "No"})
    assert response.status_code == 403
    assert state_of(registration) == S.REGISTERED


@pytest.mark.parametrize("view", [accept_url, return_url])
def test_anonymous_is_sent_to_log_in(client, registration, view):
    url = view(registration)
    response = client.post(url, {"reason": "No"})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert state_of(registration) == S.REGISTERED


def test_return_page_refused_to_another_coordinator(
    client, make_staff, other_association, registration
):
    client.force_login(make_staff(Role.COORDINATOR, other_association))
    assert client.get(return_url(registration)).status_code == 403


def test_unknown_application_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.post("/coordinator/applications/999999/accept/").status_code == 404


# The dashboard lists the registrations with their details and the buttons


def test_dashboard_lists_registrations_with_details(
    client, coordinator, registration, association, other_category
):
    MembershipFactory(user=registration.applicant, association=association)
    ApplicationFactory(category=other_category, applicant__full_name="Lee Elsewhere")
    client.force_login(coordinator)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert [(a.pk, a.is_member) for a in response.context["waiting"]] == [(registration.pk, True)]
    html = response.content.decode()
    assert "Ana Applicant – Infant Family Specialist (IFS)" in html
    assert '<dd class="col-sm-8">Bachelor&#x27;s degree</dd>' in html
    assert '<dd class="col-sm-8">3.0</dd>' in html
    assert '<dd class="col-sm-8">30.0</dd>' in html
    assert "I work as a home visitor." in html
    assert "Current member" in html
    assert f'action="{accept_url(registration)}"' in html
    assert f'action="{return_url(registration)}"' in html
    assert f'<label class="form-label" for="reason-{registration.pk}">' in html
    assert "Lee Elsewhere" not in html


def test_dashboard_says_when_the_applicant_is_not_a_member(client, coordinator, registration):
    client.force_login(coordinator)
    response = client.get(DASHBOARD)
    assert [a.is_member for a in response.context["waiting"]] == [False]
    assert "No current membership" in response.content.decode()


@pytest.mark.parametrize("size", [1, 6])
def test_dashboard_query_count_is_constant(
    client, coordinator, association, category, django_assert_num_queries, size
):
    for index in range(size):
        application = ApplicationFactory(
            category=category,
            registration_education=EducationLevel.MASTER,
            registration_work_years=Decimal(index),
            registration_note=f"Note {index}",
        )
        if index % 2:
            MembershipFactory(user=application.applicant, association=association)
    client.force_login(coordinator)
    # Session, user, roles (TOTP remembered at log-in), association; waiting list; the pipeline
    # (categories, counts by state, table count, page, review assignments, reviewers);
    # applicants asking for an advisor; "needs you now": awards waiting, review and exam rows,
    # changes of name to decide and failed certificates (one query).
    with django_assert_num_queries(15):
        response = client.get(DASHBOARD)
    assert len(response.context["waiting"]) == size
    assert response.content.decode().count('class="card mb-3 registration"') == size
