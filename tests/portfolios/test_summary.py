"""The summary page: checklist, evidence counts, coverage matrix, history; who may see it."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from competencies.models import Competency
from portfolios.enums import RaterRelationship
from portfolios.requirements import progress_width
from portfolios.services import evidence_save
from tests.factories import UserFactory
from tests.portfolios.check_helpers import (
    accepted_application,
    add_education,
    add_reference,
    add_training,
    add_work,
    complete_ifs,
    load_category,
)


@pytest.fixture
def ifs(association):
    return load_category(association, "IFS")


@pytest.fixture
def portfolio(ifs):
    return accepted_application(ifs)


def summary_url(application) -> str:
    return reverse("portfolios:summary", kwargs={"application_id": application.pk})


def text(html: str) -> str:
    """The page's text without tags, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section_html(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_summary_checklist_of_an_empty_ifs_portfolio(client, portfolio):
    client.force_login(portfolio.applicant)
    response = client.get(summary_url(portfolio))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert text(html[html.index("<h1") : html.index("</h1>")]).endswith(
        "Your portfolio: Infant Family Specialist"
    )
    # The progress bar opens the page, then the one next step.
    top = html[html.index("</h1>") : html.index('<section aria-labelledby="checklist-heading"')]
    assert re.search(r'id="check-status">([^<]*)</p>', top)[1] == "1 of 10 requirements met"
    assert (
        '<div class="progress mb-3" role="progressbar" aria-labelledby="check-status" '
        'aria-valuenow="1" aria-valuemin="0" aria-valuemax="10">' in top
    )
    assert '<div class="progress-bar progress-w-10"></div>' in top
    start = top[top.index('class="start-here') :]
    assert text(start[start.index(">") + 1 :]) == (
        "Start here: Work experience: 0 of 2 years of paid work with infants/toddlers and "
        "families. Go to Work experience"
    )
    assert f'href="/portfolio/{portfolio.pk}/work/">Go to Work experience</a>' in start
    # The checklist: neutral "To do" badges, not a wall of red.
    checklist = section_html(html, "checklist-heading")
    assert re.findall(r'<span class="badge [^"]*">([^<]*)</span>', checklist) == ["To do"] * 9
    assert "Not met" not in checklist
    assert checklist.count("✓</span> Met</span>") == 1
    details = re.findall(r'<span class="check-detail">([^<]*)</span>', html)
    assert details == [
        "Education: no degree is required.",
        "Work experience: 0 of 2 years of paid work with infants/toddlers and families.",
        "Training: 0 of 30 hours",
        "RS/C: 0 of 24 hours within 24 months",
        "Current supervisor: nobody asked yet.",
        "RS/C provider: nobody asked yet.",
        "Anyone who knows your work: nobody asked yet.",
        "Code of Ethics: Northfield Association for Infant Mental Health has not published it "
        "yet. Please contact them.",
        "Endorsement Agreement: Northfield Association for Infant Mental Health has not "
        "published it yet. Please contact them.",
        "Membership of Northfield Association for Infant Mental Health: none on record for this "
        "year. Join online: pay the membership fee or ask for a waiver.",
    ]
    # Each missing item links to its section; the met one does not.
    assert html.count("to complete this</a>") == 8
    assert f'href="/portfolio/{portfolio.pk}/training/">Go to Training to complete this' in html
    # No submit button while something is missing.
    assert reverse("portfolios:submit", kwargs={"application_id": portfolio.pk}) not in html
    assert "You can submit when every requirement above is met." in text(html)
    assert "Processing fee: paying online is not available yet." in text(html)


def test_summary_counts_live_evidence_per_section(client, portfolio):
    add_training(portfolio, 3)
    add_training(portfolio, 4)
    add_education(portfolio, "bachelor")
    add_work(portfolio, start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31))
    deleted = add_training(portfolio, 5)
    deleted.deleted_at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    deleted.save()
    add_reference(portfolio, RaterRelationship.OTHER)
    client.force_login(portfolio.applicant)
    html = client.get(summary_url(portfolio)).content.decode()
    rows = re.findall(
        r'<tr><th scope="row"><a href="[^"]+">([^<]+)</a></th><td class="text-end">(\d+)</td></tr>',
        section_html(html, "counts-heading"),
    )
    assert rows == [
        ("Education", "1"),
        ("Work experience", "1"),
        ("Training", "2"),
        ("Reflective supervision/consultation", "0"),
        ("References", "1"),
        ("Agreements", "0"),
    ]


def test_coverage_matrix(client, portfolio, ifs):
    items = list(Competency.objects.filter(categories=ifs).select_related("area"))
    first, second = items[0], items[1]
    add_training(portfolio, 3, title="Attachment basics", items=[first, second])
    add_training(portfolio, 2, title="Grief and loss", items=[first])
    client.force_login(portfolio.applicant)
    html = client.get(summary_url(portfolio)).content.decode()
    matrix = section_html(html, "coverage-heading")
    assert "<caption>Competency items of IFS and the trainings that cover them</caption>" in matrix
    assert matrix.count('<th scope="rowgroup"') == len({item.area_id for item in items})
    assert matrix.count('<th scope="row"') == len(items)
    rows = {
        text(name): text(cell)
        for name, cell in re.findall(
            r'<th scope="row" class="fw-normal">(.*?)</th>\s*<td>(.*?)</td>', matrix, re.S
        )
    }
    assert rows[first.name] == "✓ 2 trainings: Grief and loss; Attachment basics"
    assert rows[second.name] == "✓ 1 training: Attachment basics"
    assert rows[items[2].name] == "not yet covered"
    assert list(rows.values()).count("not yet covered") == len(items) - 2
    first_area = text(re.search(r'<th scope="rowgroup"[^>]*>(.*?)</th>', matrix, re.S)[1])
    in_area = sum(item.area_id == first.area_id for item in items)
    assert first_area == f"{first.area.name} (2 of {in_area} items covered)"


def test_complete_portfolio_offers_submit(client, portfolio):
    complete_ifs(portfolio)
    client.force_login(portfolio.applicant)
    html = client.get(summary_url(portfolio)).content.decode()
    assert "Every requirement is met. You can submit your portfolio." in text(html)
    assert f'href="/portfolio/{portfolio.pk}/submit/"' in html


def test_registered_portfolio_cannot_be_submitted_yet(client, ifs):
    from endorsement.services import application_register

    application = application_register(applicant=UserFactory(), category=ifs)
    client.force_login(application.applicant)
    html = client.get(summary_url(application)).content.decode()
    assert "You can submit once the coordinator has accepted your registration." in text(html)


def test_exams_listed_after_review(client, association):
    application = accepted_application(load_category(association, "IMHM-C"))
    client.force_login(application.applicant)
    html = client.get(summary_url(application)).content.decode()
    assert "Exam, after the review" in html
    assert "Exam part 1: multiple-choice questions (60 questions, 90 minutes" in text(html)


def test_history_shown_after_a_return(client, make_staff, portfolio, association):
    """Changes recorded after the first submission are listed to the applicant and coordinator."""
    from endorsement.models import Application

    training = add_training(portfolio, 3, title="Home visiting")
    Application.objects.filter(pk=portfolio.pk).update(
        submitted_at=datetime.datetime(2025, 5, 1, tzinfo=datetime.UTC)
    )
    portfolio.refresh_from_db()
    training.hours = 5
    evidence_save(application=portfolio, instance=training, by=portfolio.applicant)
    client.force_login(portfolio.applicant)
    html = client.get(summary_url(portfolio)).content.decode()
    history = text(section_html(html, "history-heading"))
    assert "Training Home visiting changed hours: 3.0 → 5" in history
    assert portfolio.applicant.full_name in history

    coordinator = make_staff(Role.COORDINATOR, association)
    client.force_login(coordinator)
    html = client.get(summary_url(portfolio)).content.decode()
    assert 'id="history-heading"' in html
    assert "Portfolio of Ana Applicant: Infant Family Specialist" in text(html)


def test_no_history_section_without_changes(client, portfolio):
    client.force_login(portfolio.applicant)
    html = client.get(summary_url(portfolio)).content.decode()
    assert 'id="history-heading"' not in html


# Refusals


def test_summary_anonymous_goes_to_login(client, portfolio):
    response = client.get(summary_url(portfolio))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/portfolio/{portfolio.pk}/"


def test_summary_of_another_applicant_is_404(client, portfolio):
    client.force_login(UserFactory())
    assert client.get(summary_url(portfolio)).status_code == 404


def test_summary_for_a_coordinator_of_another_association_is_404(
    client, make_staff, portfolio, other_association
):
    client.force_login(make_staff(Role.COORDINATOR, other_association))
    assert client.get(summary_url(portfolio)).status_code == 404


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.REVIEWER, Role.EXAM_GRADER])
def test_summary_for_other_roles_of_the_association_is_404(
    client, make_staff, portfolio, association, role
):
    client.force_login(make_staff(role, association))
    assert client.get(summary_url(portfolio)).status_code == 404


def test_unknown_portfolio_is_404(client, portfolio):
    client.force_login(portfolio.applicant)
    assert (
        client.get(reverse("portfolios:summary", kwargs={"application_id": 999999})).status_code
        == 404
    )


def test_coordinator_sees_no_submit_section(client, make_staff, portfolio, association):
    complete_ifs(portfolio)
    client.force_login(make_staff(Role.COORDINATOR, association))
    response = client.get(summary_url(portfolio))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="submit-heading"' not in html
    assert "to complete this</a>" not in html


def test_coordinator_sees_the_progress_but_no_start_here(
    client, make_staff, portfolio, association
):
    client.force_login(make_staff(Role.COORDINATOR, association))
    html = client.get(summary_url(portfolio)).content.decode()
    assert re.search(r'id="check-status">([^<]*)</p>', html)[1] == "1 of 10 requirements met"
    assert "start-here" not in html


@pytest.mark.parametrize(
    ("done", "total", "width"),
    [(0, 10, 0), (1, 10, 10), (1, 41, 5), (7, 12, 55), (40, 41, 95), (41, 41, 100), (0, 0, 100)],
)
def test_progress_width_in_steps_of_five(done, total, width):
    assert progress_width(done, total) == width


def test_evidence_history_rows(portfolio):
    from portfolios.models import EvidenceChange
    from portfolios.selectors import evidence_history

    # Changes are recorded after the first submission only.
    portfolio.submitted_at = timezone.now()
    training = add_training(portfolio, 3, title="Home visiting")
    EvidenceChange.objects.create(
        application=portfolio,
        section="training",
        object_id=training.pk,
        action="deleted",
        before={"title": "Home visiting", "hours": "3.0"},
        after=None,
        by=portfolio.applicant,
    )
    EvidenceChange.objects.create(
        application=portfolio,
        section="training",
        object_id=training.pk,
        action="changed",
        before={"title": "Home visiting", "hours": "3.0", "updated": "x", "old_field": "a"},
        after={"title": "Home visiting", "hours": "4.0", "updated": "y", "old_field": "b"},
        by=None,
    )
    EvidenceChange.objects.create(
        application=portfolio,
        section="gone",
        object_id=7,
        action="changed",
        before={"note": "a"},
        after={"note": "b", "extra": "c"},
        by=None,
    )
    rows = evidence_history(application=portfolio)
    assert [(r.section_label, r.item, r.change.action, r.fields) for r in rows] == [
        ("training", "Home visiting", "deleted", []),
        (
            "training",
            "Home visiting",
            "changed",
            [("hours", "3.0", "4.0"), ("old_field", "a", "b")],
        ),
        ("gone", "#7", "changed", [("note", "a", "b"), ("extra", None, "c")]),
    ]


def test_summary_with_one_item_missing(client, portfolio):
    complete_ifs(portfolio)
    portfolio.applicant.memberships.all().delete()
    client.force_login(portfolio.applicant)
    html = client.get(summary_url(portfolio)).content.decode()
    status = re.search(r'id="check-status">(.*?)</p>', html, re.S)[1]
    assert text(status) == "9 of 10 requirements met"
    assert 'aria-valuenow="9" aria-valuemin="0" aria-valuemax="10"' in html
    assert '<div class="progress-bar progress-w-90"></div>' in html
    # Membership has no page of the portfolio: the next step's button is the join page.
    start = html[
        html.index('class="start-here') : html.index('<section aria-labelledby="checklist-heading"')
    ]
    assert text(start[start.index(">") + 1 :]).startswith(
        "Start here: Membership of Northfield Association for Infant Mental Health: none on "
        "record for this year."
    )
    assert 'class="btn btn-primary btn-sm" href="/billing/membership/northfield/"' in start
    assert "You can submit when every requirement above is met." in text(html)


def test_the_applicant_is_not_shown_the_frameworks_version_but_the_coordinator_is(
    client, portfolio, make_staff, association
):
    client.force_login(portfolio.applicant)
    mine = text(client.get(summary_url(portfolio)).content.decode())
    client.force_login(make_staff(Role.COORDINATOR, association))
    theirs = text(client.get(summary_url(portfolio)).content.decode())
    version = f"requirements of version {portfolio.category.framework.version}."
    assert (version in mine, version in theirs) == (False, True)
