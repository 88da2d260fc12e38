"""Advisor pages: assigning, asking, the comments panel and its forms, the sign-off, dashboards;
refusals (wrong role, other association, unassigned advisor, anonymous) and query counts."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role
from accounts.signed_in_pages import signed_in_pages_forget
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from reviews.models import Comment
from reviews.services import advising
from tests.factories import ApplicationFactory, EducationFactory, UserFactory
from tests.reviews.helpers import fresh


def url(name, application, **kwargs):
    return reverse(name, kwargs={"application_id": application.pk, **kwargs})


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def outsiders(make_staff, association, other_association):
    """People who may not read the portfolio: they get 404."""
    return {
        "another applicant": UserFactory(),
        "an unassigned advisor": make_staff(Role.ADVISOR, association),
        "a coordinator elsewhere": make_staff(Role.COORDINATOR, other_association),
        "the advisor role elsewhere": make_staff(Role.ADVISOR, other_association),
    }


# --- assigning ------------------------------------------------------------------------------


def test_the_coordinator_sees_who_asked_and_assigns(
    client, application, applicant, coordinator, advisor, django_capture_on_commit_callbacks
):
    advising.advisor_request(application=application, by=applicant)
    client.force_login(coordinator)
    response = client.get(url("reviews:advisor.assign", application))
    assert response.status_code == 200
    text = page_text(response)
    assert "Assign an advisor to Ana Applicant (IFS)" in text
    assert "Ana Applicant asked on" in text
    choices = [label for value, label in response.context["form"].fields["advisor"].choices]
    assert choices == ["Choose an advisor", f"Avery Advisor ({advisor.email})"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("reviews:advisor.assign", application), {"advisor": advisor.pk})
    assert response.status_code == 302
    assert response.url == "/a/northfield/dashboard/coordinator/"
    assert fresh(application).advisor == advisor
    assert [m.to for m in mail.outbox] == [[applicant.email], [advisor.email]]


def test_assigning_someone_without_the_role_is_refused_on_the_form(
    client, application, coordinator, make_staff, association
):
    reviewer = make_staff(Role.REVIEWER, association)
    client.force_login(coordinator)
    response = client.post(url("reviews:advisor.assign", application), {"advisor": reviewer.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["advisor"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert fresh(application).advisor is None


def test_the_assign_page_is_refused_to_others(
    client, application, advisor, applicant, make_staff, other_association
):
    target = url("reviews:advisor.assign", application)
    response = client.get(target)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    for person in (applicant, advisor, make_staff(Role.COORDINATOR, other_association)):
        client.force_login(person)
        assert client.get(target).status_code == 403
        assert client.post(target, {"advisor": advisor.pk}).status_code == 403
    assert fresh(application).advisor is None


# --- asking ---------------------------------------------------------------------------------


def test_the_applicant_asks_from_the_summary(client, application, applicant):
    client.force_login(applicant)
    summary = client.get(url("portfolios:summary", application))
    assert "Ask for an advisor" in page_text(summary)
    response = client.post(url("reviews:advisor.request", application), follow=True)
    assert response.redirect_chain == [(url("portfolios:summary", application), 302)]
    text = page_text(response)
    assert "You asked for an advisor." in text
    assert "Ask for an advisor</button>" not in text
    assert "the coordinator will assign one." in text
    assert fresh(application).advisor_requested_at is not None


def test_asking_is_refused_to_others(client, application, outsiders, coordinator):
    target = url("reviews:advisor.request", application)
    assert client.post(target).url.startswith("/accounts/login/")
    for person in outsiders.values():
        client.force_login(person)
        assert client.post(target).status_code == 404
    client.force_login(coordinator)
    response = client.post(target, follow=True)
    assert "Only the applicant may ask for an advisor." in page_text(response)
    assert fresh(application).advisor_requested_at is None


# --- comments -------------------------------------------------------------------------------


def test_the_advisor_comments_on_an_item_from_its_row(client, advised, advisor):
    row = EducationFactory(application=advised, credential="BA in Psychology")
    client.force_login(advisor)
    listing = client.get(url("portfolios:education.list", advised))
    add = url("reviews:comment.add", advised)
    link = f"{add}?section=education&amp;object_id={row.pk}"
    assert link in listing.content.decode()
    form = client.get(f"{add}?section=education&object_id={row.pk}")
    assert form.status_code == 200
    assert "Comment on “BA in Psychology, Northfield State University”" in page_text(form)
    response = client.post(
        add,
        {
            "section": "education",
            "object_id": row.pk,
            "body": "Upload the transcript.",
            "next": url("portfolios:education.list", advised),
        },
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == url("portfolios:education.list", advised) + f"#comment-{comment.pk}"
    assert (comment.section, comment.object_id, comment.author) == ("education", row.pk, advisor)
    text = page_text(client.get(url("portfolios:education.list", advised)))
    assert "About “BA in Psychology, Northfield State University”" in text
    assert "Upload the transcript." in text
    assert "1 unresolved comment" in text


def test_the_applicant_sees_no_item_links_but_replies_and_resolves(
    client, advised, advisor, applicant
):
    row = EducationFactory(application=advised)
    root = advising.comment_add(
        application=advised, by=advisor, section="education", object_id=row.pk, body="Why?"
    )
    client.force_login(applicant)
    listing = client.get(url("portfolios:education.list", advised))
    assert "object_id=" not in listing.content.decode()
    assert 'id="unresolved-count"' in listing.content.decode()
    reply = client.post(
        url("reviews:comment.reply", advised, pk=root.pk), {"body": "Because.", "next": "/"}
    )
    assert reply.status_code == 302
    assert Comment.objects.get(parent=root).body == "Because."
    resolve = client.post(url("reviews:comment.resolve", advised, pk=root.pk))
    assert resolve.url == url("portfolios:education.list", advised) + f"#comment-{root.pk}"
    root.refresh_from_db()
    assert root.resolved_by == applicant
    text = page_text(client.get(url("portfolios:education.list", advised)))
    assert "0 unresolved comments" in text
    assert "Reopen" in text


def test_an_unsafe_next_address_is_ignored(client, advised, advisor):
    client.force_login(advisor)
    response = client.post(
        url("reviews:comment.add", advised),
        {"section": "work", "body": "Hours?", "next": "https://evil.example.org/"},
    )
    assert response.url.startswith(url("portfolios:work.list", advised) + "#comment-")


def test_an_empty_comment_is_refused_with_a_message(client, advised, advisor):
    client.force_login(advisor)
    response = client.post(
        url("reviews:comment.add", advised), {"section": "general", "body": " "}, follow=True
    )
    assert "Write your comment first." in page_text(response)
    assert Comment.objects.count() == 0


def test_htmx_gets_the_panel_back(client, advised, advisor):
    client.force_login(advisor)
    response = client.post(
        url("reviews:comment.add", advised),
        {"section": "rsc", "body": "Which months?"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<section class="comments-panel mt-4" id="comments"')
    assert "Which months?" in html and "Comment added." in html
    assert 'id="unresolved-count" class="unresolved-count fw-semibold" hx-swap-oob="true"' in html
    root = Comment.objects.get()
    response = client.post(
        url("reviews:comment.resolve", advised, pk=root.pk), HTTP_HX_REQUEST="true"
    )
    assert "Comment resolved." in response.content.decode()
    assert "0 unresolved comments" in page_text(response)


def test_the_coordinator_reads_the_comments_but_may_not_write(
    client, advised, advisor, coordinator
):
    root = advising.comment_add(application=advised, by=advisor, section="general", body="Hi")
    client.force_login(coordinator)
    summary = client.get(url("portfolios:summary", advised))
    assert "Hi" in page_text(summary) and "Add comment" not in page_text(summary)
    assert client.get(url("reviews:comment.add", advised)).status_code == 403
    posts = [
        (url("reviews:comment.add", advised), {"section": "general", "body": "x"}),
        (url("reviews:comment.reply", advised, pk=root.pk), {"body": "x"}),
        (url("reviews:comment.resolve", advised, pk=root.pk), {}),
    ]
    for target, data in posts:
        assert client.post(target, data).status_code == 403
    assert Comment.objects.count() == 1 and fresh_comment(root).resolved_at is None


def fresh_comment(comment):
    return Comment.objects.get(pk=comment.pk)


def test_comment_pages_are_refused_to_outsiders_and_anonymous(client, advised, advisor, outsiders):
    root = advising.comment_add(application=advised, by=advisor, section="general", body="Hi")
    posts = [
        (url("reviews:comment.add", advised), {"section": "general", "body": "x"}),
        (url("reviews:comment.reply", advised, pk=root.pk), {"body": "x"}),
        (url("reviews:comment.resolve", advised, pk=root.pk), {}),
        (url("reviews:comment.reopen", advised, pk=root.pk), {}),
    ]
    for target, data in posts:
        response = client.post(target, data)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    for name, person in outsiders.items():
        client.force_login(person)
        assert client.get(url("reviews:comment.add", advised)).status_code == 404, name
        for target, data in posts:
            assert client.post(target, data).status_code == 404, (name, target)
    assert Comment.objects.count() == 1


def test_a_comment_of_another_application_is_not_found(client, advised, advisor, category):
    other = ApplicationFactory(category=category, state=S.ACCEPTED, advisor=advisor)
    theirs = advising.comment_add(application=other, by=advisor, section="general", body="x")
    client.force_login(advisor)
    target = url("reviews:comment.resolve", advised, pk=theirs.pk)
    assert client.post(target).status_code == 404


def test_an_item_that_is_not_in_the_portfolio_is_not_found(client, advised, advisor, category):
    theirs = EducationFactory(application=ApplicationFactory(category=category))
    client.force_login(advisor)
    add = url("reviews:comment.add", advised)
    assert client.get(f"{add}?section=education&object_id={theirs.pk}").status_code == 404


# --- ready for review -----------------------------------------------------------------------


def test_the_advisor_marks_ready_and_the_applicant_sees_it(
    client, advised, advisor, applicant, association
):
    association.advisor_signoff_required = True
    association.save()
    client.force_login(applicant)
    text = page_text(client.get(url("portfolios:summary", advised)))
    assert "The advisor has not marked the portfolio ready for review yet." in text
    assert "Your association requires this sign-off before the portfolio is submitted." in text
    assert "Mark ready for review" not in text
    client.post(url("reviews:advisor.ready", advised))
    assert fresh(advised).ready_for_review_at is None

    client.force_login(advisor)
    response = client.post(url("reviews:advisor.ready", advised), follow=True)
    assert "You marked the portfolio ready for review." in page_text(response)
    assert fresh(advised).ready_for_review_at is not None
    client.force_login(applicant)
    text = page_text(client.get(url("portfolios:summary", advised)))
    assert "The advisor marked the portfolio ready for review on" in text


def test_the_submit_page_says_the_sign_off_is_missing(
    client, advised, applicant, association, monkeypatch
):
    association.advisor_signoff_required = True
    association.save()
    from portfolios.views import summary

    class Complete:
        complete = True
        missing = []

    monkeypatch.setattr(summary.SubmitView, "get_check", lambda self: Complete())
    client.force_login(applicant)
    text = page_text(client.get(url("portfolios:submit", advised)))
    assert "Your advisor has not yet marked the portfolio ready for review." in text
    assert "Submit my portfolio</button>" not in text


def test_marking_ready_is_refused_to_outsiders(client, advised, outsiders):
    for person in outsiders.values():
        client.force_login(person)
        assert client.post(url("reviews:advisor.ready", advised)).status_code == 404
    assert fresh(advised).ready_for_review_at is None


# --- dashboards -----------------------------------------------------------------------------


def test_the_advisor_dashboard_lists_advisees(client, advised, advisor, category):
    advising.comment_add(application=advised, by=advisor, section="general", body="1")
    advising.comment_add(application=advised, by=advisor, section="work", body="2")
    ApplicationFactory(category=category, state=S.ACCEPTED)  # someone else's
    client.force_login(advisor)
    response = client.get("/a/northfield/dashboard/advisor/")
    assert [row["application"].pk for row in response.context["advisees"]] == [advised.pk]
    html = response.content.decode()
    assert f'href="{url("portfolios:summary", advised)}"' in html
    row = page_text(response).split(f'id="advisee-{advised.pk}"')[1].split("</tr>")[0]
    assert "Ana Applicant" in row and "IFS" in row and "Building the portfolio</span></td>" in row
    assert '<td class="text-end unresolved" data-label="Unresolved comments">2</td>' in row
    assert "Not yet" in row


def test_the_coordinator_dashboard_lists_requests(client, application, applicant, coordinator):
    advising.advisor_request(application=application, by=applicant)
    client.force_login(coordinator)
    response = client.get("/a/northfield/dashboard/coordinator/")
    assert [a.pk for a in response.context["advisor_requests"]] == [application.pk]
    assert url("reviews:advisor.assign", application) in response.content.decode()


# --- query counts ---------------------------------------------------------------------------


def count_queries(client, target) -> int:
    client.get(target)
    # What rendering costs, not the cached copy (accounts.signed_in_pages).
    signed_in_pages_forget()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(target)
    assert response.status_code == 200
    return len(queries)


def fill(application, advisor, applicant, threads: int):
    for _ in range(threads):
        row = EducationFactory(application=application)
        root = advising.comment_add(
            application=application, by=advisor, section="education", object_id=row.pk, body="?"
        )
        advising.comment_reply(parent=root, by=applicant, body="!")
        advising.comment_add(application=application, by=advisor, section="general", body="?")


@pytest.mark.parametrize("who", ["advisor", "applicant"])
@pytest.mark.parametrize("page", ["portfolios:summary", "portfolios:education.list"])
def test_portfolio_pages_cost_the_same_with_1_or_15_threads(
    client, category, advisor, who, page, make_staff
):
    small = ApplicationFactory(category=category, state=S.ACCEPTED, advisor=advisor)
    large = ApplicationFactory(category=category, state=S.ACCEPTED, advisor=advisor)
    fill(small, advisor, small.applicant, 1)
    fill(large, advisor, large.applicant, 15)
    counts = []
    for application in (small, large):
        client.force_login(advisor if who == "advisor" else application.applicant)
        counts.append(count_queries(client, url(page, application)))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("size", [1, 10])
def test_the_advisor_dashboard_costs_the_same_for_1_or_10_advisees(
    client, category, advisor, size, django_assert_num_queries
):
    for _ in range(size):
        application = ApplicationFactory(category=category, state=S.ACCEPTED, advisor=advisor)
        fill(application, advisor, application.applicant, 2)
    client.force_login(advisor)
    # Session, user, roles, association; the advisees with their counts and last deferral.
    with django_assert_num_queries(5):
        response = client.get("/a/northfield/dashboard/advisor/")
    assert len(response.context["advisees"]) == size


@pytest.mark.parametrize("size", [1, 10])
def test_the_assign_page_costs_the_same_for_1_or_10_advisors(
    client, application, coordinator, make_staff, association, size
):
    for _ in range(size):
        make_staff(Role.ADVISOR, association)
    client.force_login(coordinator)
    target = url("reviews:advisor.assign", application)
    assert count_queries(client, target) == ASSIGN_PAGE_QUERIES
    assert Application.objects.count() == 1


# Session, user, roles, the application; the advisors (the choices), whether any exist.
ASSIGN_PAGE_QUERIES = 6


def test_comments_add_one_query_to_a_portfolio_page(client, category, advisor):
    """Without any comment the panel reads nothing (the application is read with
    ``has_comments``); with comments one query reads the page's threads and every unresolved
    count, and one more names the evidence rows they are about."""
    application = ApplicationFactory(category=category, state=S.ACCEPTED, advisor=advisor)
    client.force_login(application.applicant)
    summary = url("portfolios:summary", application)
    education = url("portfolios:education.list", application)
    before = (count_queries(client, summary), count_queries(client, education))
    fill(application, advisor, application.applicant, 1)
    after = (count_queries(client, summary), count_queries(client, education))
    assert (after[0] - before[0], after[1] - before[1]) == (1, 2)
