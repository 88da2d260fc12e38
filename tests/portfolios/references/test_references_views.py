"""References: the applicant's pages (list, invite, read, resend, replace, withdraw)."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.utils import timezone

from accounts.enums import Role
from endorsement.enums import ApplicationState
from portfolios.enums import RaterRelationship, ReferenceStatus
from portfolios.models import FormDraft, Reference, ReferenceRating
from portfolios.references import reference_for_token, reference_submit_rating
from tests.factories import ReferenceFactory, UserFactory
from tests.portfolios.references_helpers import (
    competency_ids,
    last_token,
    make_application,
    scores,
    set_state,
)


@pytest.fixture
def applicant_client(client, application):
    client.force_login(application.applicant)
    return client


def url(name, application, **kwargs):
    from django.urls import reverse

    return reverse(
        f"portfolios:references.{name}", kwargs={"application_id": application.pk, **kwargs}
    )


def text(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def h1(response) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", "", m).split())
        for m in re.findall(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    ]


def invite_data(**kwargs):
    return {
        "rater_name": "Grace Supervisor",
        "rater_email": "grace@example.org",
        "relationship": "current_supervisor",
        "rater_language": "en",
        **kwargs,
    }


# --- list ---------------------------------------------------------------------------------------


def test_the_list_shows_each_rater_with_status_dates_and_actions(applicant_client, application):
    sent = datetime.datetime(2026, 5, 4, 15, tzinfo=datetime.UTC)
    invited = ReferenceFactory(
        application=application,
        rater_name="Grace Supervisor",
        rater_email="grace@example.org",
        relationship=RaterRelationship.CURRENT_SUPERVISOR,
        sent_at=sent,
        token_expires=timezone.now() + datetime.timedelta(days=3),
    )
    done = ReferenceFactory(
        application=application,
        rater_name="Pat Provider",
        relationship=RaterRelationship.RSC_PROVIDER,
        status=ReferenceStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    ReferenceFactory(application=application, rater_name="Gone", deleted_at=timezone.now())

    response = applicant_client.get(url("list", application))

    assert response.status_code == 200
    assert h1(response) == ["References"]
    page = text(response)
    assert "References: 1 of 3 received, supervisor and 1 other pending" in page
    assert "Gone" not in page
    assert "<caption>The people you asked</caption>" in response.content.decode()
    assert [row.reference for row in response.context["rows"]] == [invited, done]
    assert [row.status for row in response.context["rows"]] == [
        "Invitation sent, waiting for the rating",
        "Rating received",
    ]
    assert (
        "Grace Supervisor grace@example.org My current supervisor "
        "Invitation sent, waiting for the rating May 4, 2026" in page
    )
    links = re.findall(r'(?:href|action)="(/portfolio/[^"]+)"', response.content.decode())
    assert [link for link in links if "/references/" in link] == [
        url("list", application),  # the section's navigation
        url("invite", application),
        url("resend", application, pk=invited.pk),
        url("replace", application, pk=invited.pk),
        url("withdraw", application, pk=invited.pk),
        url("detail", application, pk=done.pk),
        url("replace", application, pk=done.pk),
    ]


def test_the_list_tells_the_applicant_to_ask_someone_else_and_marks_expired_links(
    applicant_client, application
):
    ReferenceFactory(
        application=application,
        rater_name="Nina",
        status=ReferenceStatus.NOT_COUNTED,
        completed_at=timezone.now(),
    )
    ReferenceFactory(
        application=application,
        rater_name="Eddie",
        token_expires=timezone.now() - datetime.timedelta(days=1),
    )
    ReferenceFactory(
        application=application,
        rater_name="Olive Old",
        status=ReferenceStatus.COMPLETED,
        completed_at=timezone.now() - datetime.timedelta(days=400),
    )
    response = applicant_client.get(url("list", application))
    page = text(response)
    assert [row.status for row in response.context["rows"]] == [
        "Does not count: too many “not enough information” answers",
        "Link expired: send a new one",
        "Rating more than 12 months old: no longer valid",
    ]
    assert "Please ask someone else: choose “Replace”." in page


def test_the_list_hides_the_link_to_a_waived_rating_from_the_applicant_only(
    client, application, make_staff, association
):
    waived = ReferenceFactory(
        application=application,
        applicant_waived_right_to_see=True,
        status=ReferenceStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    client.force_login(application.applicant)
    page = client.get(url("list", application)).content.decode()
    assert f'href="{url("detail", application, pk=waived.pk)}"' not in page
    assert "You waived your right to see this rating." in page

    client.force_login(make_staff(Role.COORDINATOR, association))
    page = client.get(url("list", application)).content.decode()
    assert f'href="{url("detail", application, pk=waived.pk)}"' in page
    # The coordinator sees the portfolio but does not change it.
    assert url("replace", application, pk=waived.pk) not in page


def test_the_list_costs_the_same_queries_with_one_or_many_references(
    applicant_client, application, django_assert_num_queries
):
    ReferenceFactory(
        application=application, status=ReferenceStatus.COMPLETED, completed_at=timezone.now()
    )
    with django_assert_num_queries(QUERIES_LIST) as one:
        applicant_client.get(url("list", application))
    for index in range(12):
        ReferenceFactory(
            application=application,
            status=[ReferenceStatus.COMPLETED, ReferenceStatus.INVITED][index % 2],
            completed_at=timezone.now(),
            relationship=RaterRelationship.values[index % 4],
        )
    with django_assert_num_queries(QUERIES_LIST) as many:
        response = applicant_client.get(url("list", application))
    assert len(response.context["rows"]) == 13
    assert len(one.captured_queries) == len(many.captured_queries)


# Session, user, role grants (navigation), application; the requirement rows and the references,
# read once for the section's check panel and the list.
QUERIES_LIST = 6


# --- invite -------------------------------------------------------------------------------------


def test_the_invite_form(applicant_client, application):
    response = applicant_client.get(url("invite", application))
    assert response.status_code == 200
    assert h1(response) == ["Ask someone for a rating"]
    form = response.context["form"]
    assert list(form.fields) == [
        "rater_name",
        "rater_email",
        "relationship",
        "rater_language",
        "applicant_waived_right_to_see",
    ]
    assert form["rater_language"].value() == "en"
    page = text(response)
    assert "If you waive your right, you will not see this rating; reviewers will." in page
    assert (
        "For your category you need ratings from: Current supervisor RS/C provider Anyone who "
        "knows your work" in page
    )
    assert [label for _value, label in form.fields["relationship"].choices] == [
        "My current supervisor",
        "My reflective supervision/consultation provider",
        "Someone who receives RS/C from me",
        "Someone else who knows my work",
    ]


def test_the_rater_language_defaults_to_the_applicants(client, category):
    application = make_application(category, email="lucia@example.org", preferred_language="es")
    client.force_login(application.applicant)
    response = client.get(url("invite", application))
    assert response.context["form"]["rater_language"].value() == "es"


def test_inviting_sends_the_e_mail_and_returns_to_the_list(
    applicant_client, application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(
            url("invite", application),
            invite_data(rater_language="es", applicant_waived_right_to_see="on"),
        )
    assert response.status_code == 302
    assert response.url == url("list", application)
    reference = Reference.objects.get()
    assert (
        reference.rater_name,
        reference.rater_email,
        reference.relationship,
        reference.rater_language,
        reference.applicant_waived_right_to_see,
    ) == ("Grace Supervisor", "grace@example.org", "current_supervisor", "es", True)
    assert [m.to for m in mail.outbox] == [["grace@example.org"]]
    assert reference_for_token(token=last_token()) == reference
    page = text(applicant_client.get(response.url))
    assert "We sent Grace Supervisor an e-mail with a personal link to rate you." in page


def test_inviting_refuses_the_applicants_own_e_mail(applicant_client, application):
    response = applicant_client.post(
        url("invite", application), invite_data(rater_email="ANA@example.org")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "rater_email": [
            "This is your own e-mail address. Ask someone who knows your work to rate you."
        ]
    }
    assert Reference.objects.count() == 0
    # What was typed is kept.
    assert response.context["form"]["rater_name"].value() == "Grace Supervisor"


def test_inviting_the_same_rater_twice_is_refused_on_the_form(applicant_client, application):
    ReferenceFactory(application=application, rater_email="grace@example.org")
    response = applicant_client.post(url("invite", application), invite_data())
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "rater_email": [
            "You have already asked grace@example.org. Send them a new link or replace them "
            "from your references page instead."
        ]
    }


def test_the_invite_form_keeps_a_draft(applicant_client, application):
    response = applicant_client.post(
        url("invite", application), {"rater_name": "Half typed", "save_draft": "1"}
    )
    assert response.status_code == 302
    assert FormDraft.objects.get().data == {"rater_name": "Half typed"}
    response = applicant_client.get(url("invite", application))
    assert response.context["form"]["rater_name"].value() == "Half typed"
    assert "We restored what you typed last time. Check it and send." in text(response)
    # Autosave while typing (htmx).
    response = applicant_client.post(
        url("invite", application), {"rater_name": "Typed more"}, HTTP_HX_REQUEST="true"
    )
    assert (response.status_code, response.content) == (200, b"Draft saved.")
    assert FormDraft.objects.get().data == {"rater_name": "Typed more"}
    applicant_client.post(url("invite", application), invite_data())
    assert FormDraft.objects.count() == 0


def test_send_and_ask_someone_else_stays_on_the_form_until_the_last_rating_needed(
    applicant_client, application
):
    ask_another = "Send and ask someone else"
    assert ask_another in text(applicant_client.get(url("invite", application)))

    response = applicant_client.post(url("invite", application), invite_data(another="1"))

    assert (response.status_code, response["Location"]) == (302, url("invite", application))
    page = applicant_client.get(response["Location"])
    assert "We sent Grace Supervisor an e-mail with a personal link to rate you." in text(page)
    assert page.context["form"]["rater_name"].value() in (None, "")
    assert ask_another in text(page)
    # The second invitation leaves one rating open: that one is the last to ask for here.
    applicant_client.post(
        url("invite", application),
        invite_data(rater_name="Pat", rater_email="pat@example.org", relationship="rsc_provider"),
    )
    assert ask_another not in text(applicant_client.get(url("invite", application)))
    # Without the button's name, back to the list.
    response = applicant_client.post(
        url("invite", application),
        invite_data(rater_name="Olga", rater_email="olga@example.org", relationship="any"),
    )
    assert response["Location"] == url("list", application)


# --- detail -------------------------------------------------------------------------------------


@pytest.fixture
def rated(application, category):
    reference = ReferenceFactory(
        application=application, rater_name="Pat Provider", relationship="rsc_provider"
    )
    values = scores(category, nei=1, score="3")
    reference_submit_rating(reference=reference, scores=values, comment="Warm and reflective.")
    reference.refresh_from_db()
    return reference


def test_the_applicant_reads_a_rating_grouped_by_area(applicant_client, application, rated):
    response = applicant_client.get(url("detail", application, pk=rated.pk))
    assert response.status_code == 200
    assert h1(response) == ["Rating from Pat Provider"]
    groups = response.context["groups"]
    assert [area.name for area, _ratings in groups] == [
        "Theoretical Foundations",
        "Direct Service Skills",
    ]
    assert [r.get_score_display() for r in groups[0][1]] == [
        "Not enough information",
        "Strong",
        "Strong",
        "Strong",
    ]
    assert "Warm and reflective." in text(response)


def test_a_waived_rating_is_refused_to_the_applicant_with_an_explanation(
    client, application, rated, make_staff, association
):
    Reference.objects.filter(pk=rated.pk).update(applicant_waived_right_to_see=True)
    client.force_login(application.applicant)
    response = client.get(url("detail", application, pk=rated.pk))
    assert response.status_code == 403
    assert (
        "You waived your right to see this rating when you asked Pat Provider, so only the "
        "reviewers can read it." in text(response)
    )
    client.force_login(make_staff(Role.COORDINATOR, association))
    assert client.get(url("detail", application, pk=rated.pk)).status_code == 200


def test_the_detail_page_costs_a_fixed_number_of_queries(
    applicant_client, application, rated, django_assert_num_queries
):
    # Session, user, role grants, application; requirement rows and references (the check);
    # the reference; its ratings with their items and areas.
    with django_assert_num_queries(8):
        applicant_client.get(url("detail", application, pk=rated.pk))


# --- resend, replace, withdraw ------------------------------------------------------------------


def test_resend_sends_a_new_link(applicant_client, application, django_capture_on_commit_callbacks):
    reference = ReferenceFactory(application=application, rater_name="Grace")
    old_hash = reference.token_hash
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(url("resend", application, pk=reference.pk))
    assert response.status_code == 302
    reference.refresh_from_db()
    assert reference.token_hash != old_hash
    assert reference_for_token(token=last_token()) == reference
    assert "We sent Grace a new link. The link sent before no longer works." in text(
        applicant_client.get(response.url)
    )
    assert applicant_client.get(url("resend", application, pk=reference.pk)).status_code == 405


def test_resend_of_an_answered_reference_is_not_found(applicant_client, application, rated):
    assert applicant_client.post(url("resend", application, pk=rated.pk)).status_code == 404


def test_replace(applicant_client, application, rated, django_capture_on_commit_callbacks):
    response = applicant_client.get(url("replace", application, pk=rated.pk))
    assert response.status_code == 200
    assert h1(response) == ["Replace Pat Provider"]
    assert "The rating from Pat Provider will no longer count." in text(response)
    assert response.context["form"]["relationship"].value() == "rsc_provider"

    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(
            url("replace", application, pk=rated.pk),
            invite_data(
                rater_name="Quinn New", rater_email="quinn@example.org", relationship="rsc_provider"
            ),
        )
    assert response.status_code == 302
    new = Reference.objects.get(rater_name="Quinn New")
    rated.refresh_from_db()
    assert (rated.status, new.replaces) == (ReferenceStatus.REPLACED, rated)
    assert [m.to for m in mail.outbox] == [["quinn@example.org"]]
    page = applicant_client.get(response.url)
    assert [row.reference for row in page.context["replaced_rows"]] == [rated]
    assert (
        "We sent Quinn New an e-mail with a personal link. Pat Provider's link no longer works."
        in text(page)
    )
    # A replaced reference cannot be replaced again.
    assert applicant_client.get(url("replace", application, pk=rated.pk)).status_code == 404


def test_withdraw_asks_first(applicant_client, application):
    reference = ReferenceFactory(application=application, rater_name="Grace")
    response = applicant_client.get(url("withdraw", application, pk=reference.pk))
    assert response.status_code == 200
    assert h1(response) == ["Withdraw the request to Grace?"]
    reference.refresh_from_db()
    assert reference.deleted_at is None

    response = applicant_client.post(url("withdraw", application, pk=reference.pk))
    assert response.status_code == 302
    reference.refresh_from_db()
    assert reference.deleted_at is not None
    assert "You withdrew the request to Grace. Their link no longer works." in text(
        applicant_client.get(response.url)
    )


def test_an_answered_reference_cannot_be_withdrawn(applicant_client, application, rated):
    assert applicant_client.get(url("withdraw", application, pk=rated.pk)).status_code == 404
    assert applicant_client.post(url("withdraw", application, pk=rated.pk)).status_code == 404


# --- read-only and refusals -----------------------------------------------------------------------


def test_after_submission_the_section_is_read_only(applicant_client, application, rated):
    invited = ReferenceFactory(application=application)
    set_state(application, ApplicationState.SUBMITTED)

    response = applicant_client.get(url("list", application))
    assert response.status_code == 200
    html = response.content.decode()
    assert url("invite", application) not in html
    assert url("replace", application, pk=invited.pk) not in html
    for name, kwargs in [
        ("invite", {}),
        ("resend", {"pk": invited.pk}),
        ("replace", {"pk": invited.pk}),
        ("withdraw", {"pk": invited.pk}),
    ]:
        response = applicant_client.post(url(name, application, **kwargs), invite_data())
        assert response.status_code == 403, name
    assert Reference.objects.count() == 2
    # Reading stays possible.
    assert applicant_client.get(url("detail", application, pk=rated.pk)).status_code == 200


def all_urls(application, reference):
    return [
        ("get", url("list", application)),
        ("get", url("invite", application)),
        ("post", url("invite", application)),
        ("get", url("detail", application, pk=reference.pk)),
        ("post", url("resend", application, pk=reference.pk)),
        ("get", url("replace", application, pk=reference.pk)),
        ("post", url("replace", application, pk=reference.pk)),
        ("get", url("withdraw", application, pk=reference.pk)),
        ("post", url("withdraw", application, pk=reference.pk)),
    ]


def test_another_applicant_gets_404_everywhere(client, application):
    reference = ReferenceFactory(application=application)
    client.force_login(UserFactory())
    for method, address in all_urls(application, reference):
        assert getattr(client, method)(address, invite_data()).status_code == 404, address
    assert mail.outbox == []


def test_a_coordinator_of_another_association_gets_404_everywhere(
    client, application, make_staff, other_association
):
    reference = ReferenceFactory(application=application)
    client.force_login(make_staff(Role.COORDINATOR, other_association))
    for method, address in all_urls(application, reference):
        assert getattr(client, method)(address, invite_data()).status_code == 404, address


def test_the_coordinator_may_read_but_not_change(client, application, make_staff, association):
    reference = ReferenceFactory(application=application)
    client.force_login(make_staff(Role.COORDINATOR, association))
    assert client.get(url("list", application)).status_code == 200
    assert client.get(url("detail", application, pk=reference.pk)).status_code == 200
    readable = {url("list", application), url("detail", application, pk=reference.pk)}
    for method, address in all_urls(application, reference):
        if address not in readable:
            assert getattr(client, method)(address, invite_data()).status_code == 404, address
    assert Reference.objects.get() == reference
    assert reference.status == ReferenceStatus.INVITED


def test_anonymous_visitors_are_sent_to_log_in(client, application):
    reference = ReferenceFactory(application=application)
    for method, address in all_urls(application, reference):
        response = getattr(client, method)(address)
        assert response.status_code == 302, address
        assert response.url.startswith("/accounts/login/?next="), address


def test_a_reference_of_another_portfolio_is_not_found_through_mine(
    applicant_client, application, category
):
    other = make_application(category, email="someone@example.org")
    reference = ReferenceFactory(application=other)
    for method, address in all_urls(application, reference)[3:]:
        assert getattr(applicant_client, method)(address, invite_data()).status_code == 404, address
    assert ReferenceRating.objects.count() == 0
    assert competency_ids(category)


def test_a_portfolio_submitted_meanwhile_refuses_the_change(
    applicant_client, application, monkeypatch
):
    """The page was open while the portfolio was submitted elsewhere: the service refuses."""
    from portfolios.services import PortfolioLocked

    def locked(**kwargs):
        raise PortfolioLocked("Your portfolio is submitted: it cannot be changed now.")

    invited = ReferenceFactory(application=application)
    for name in ("reference_invite", "reference_resend", "reference_replace", "reference_withdraw"):
        monkeypatch.setattr(f"portfolios.views.references.{name}", locked)
    for name, kwargs in [
        ("invite", {}),
        ("resend", {"pk": invited.pk}),
        ("replace", {"pk": invited.pk}),
        ("withdraw", {"pk": invited.pk}),
    ]:
        response = applicant_client.post(url(name, application, **kwargs), invite_data())
        assert response.status_code == 403, name
        assert "Your portfolio is submitted: it cannot be changed now." in text(response)
