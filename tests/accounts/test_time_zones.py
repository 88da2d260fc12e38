"""Dates in one time zone: the pages of a journey whose events happen late in the evening in
Northfield (America/New_York), when it is already the next day in UTC, show one date for each
event, the association's; a reader who chose their own time zone sees theirs everywhere."""

import datetime
import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Association
from accounts.time_zones import zone_for
from competencies.models import Competency
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from portfolios.models import Reference, ReferenceRating
from reviews.enums import Recommendation
from reviews.models import ExamSitting, ReviewAssignment
from reviews.services import exams
from reviews.services.reviewing import review_areas, review_assign, review_save
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    ReferenceFactory,
    UserFactory,
)
from tests.reviews.helpers import due, exam_rows, make_framework, reviewer, submitted

pytestmark = pytest.mark.django_db

# 10:25 p.m. on 5 December in Northfield; already 6 December in UTC (and in Tokyo).
MOMENT = datetime.datetime(2025, 12, 6, 3, 25, tzinfo=datetime.UTC)
LOCAL_DAY, LOCAL_TIME = "Dec. 5, 2025", "10:25 p.m."
# The dates of December 2025 a page shows: one per event, whatever the event.
DECEMBER = re.compile(r"Dec\. \d{1,2}, 2025")


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def days_on(page: str) -> set[str]:
    return set(DECEMBER.findall(page))


@pytest.fixture
def journey(association, coordinator, applicant, make_staff):
    """Ana's IFS portfolio, submitted, a reference received and reviewed by Rita; Bea at an exam
    sitting with a grader assigned. Every moment is ``MOMENT``."""
    assert association.time_zone == "America/New_York"
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        Association.objects.filter(pk=association.pk).update(reviewers_per_portfolio=1)
        category = make_framework(association)[0]
        rita = reviewer(make_staff, association, "Rita Reviewer", "rita@example.org")
        application = submitted(category, applicant=applicant)
        reference = ReferenceFactory(
            application=application, rater_name="Pat Rater", status="completed"
        )
        item = Competency.objects.filter(area__framework=category.framework).first()
        ReferenceRating.objects.create(reference=reference, competency=item, score="3")
        review_assign(application=application, reviewers=[rita], due_on=due(), by=coordinator)
        assignment = ReviewAssignment.objects.get(application=application)
        review_save(
            assignment=assignment,
            by=rita,
            ratings={area.pk: "3" for area in review_areas(application=application)},
            recommendation=Recommendation.APPROVE,
            submit=True,
        )
        Application.objects.filter(pk=application.pk).update(submitted_at=MOMENT)
        Reference.objects.filter(pk=reference.pk).update(completed_at=MOMENT, sent_at=MOMENT)

        exam_category = exam_rows(
            EndorsementCategoryFactory(framework=category.framework, code="IMHM-C", name="Mentor")
        )
        bea = UserFactory(email="bea@example.org", full_name="Bea Candidate")
        sitting = ExamSittingFactory(association=association, starts_at=MOMENT, capacity=2)
        registration = ExamRegistrationFactory(
            sitting=sitting,
            application=ApplicationFactory(category=exam_category, applicant=bea, state=S.EXAM),
            attempt=1,
        )
        graders = [
            make_staff(Role.EXAM_GRADER, association, user__email=f"g{n}@example.org")
            for n in (1, 2)
        ]
    return {
        "application": application,
        "assignment": assignment,
        "reference": reference,
        "rita": rita,
        "bea": bea,
        "sitting": sitting,
        "registration": registration,
        "graders": graders,
    }


def applicant_pages(client, journey):
    application = journey["application"]
    kwargs = {"application_id": application.pk}
    return {
        "dashboard": client.get(reverse("accounts:dashboard.applicant")),
        "summary": client.get(reverse("portfolios:summary", kwargs=kwargs)),
        "timeline": client.get(reverse("portfolios:timeline", kwargs=kwargs)),
        "references": client.get(reverse("portfolios:references.list", kwargs=kwargs)),
        "reference": client.get(
            reverse(
                "portfolios:references.detail", kwargs={**kwargs, "pk": journey["reference"].pk}
            )
        ),
    }


def test_every_page_of_the_journey_shows_each_event_on_the_associations_day(
    client, journey, applicant, coordinator, django_capture_on_commit_callbacks
):
    application, sitting = journey["application"], journey["sitting"]
    pages = {}
    client.force_login(applicant)
    pages.update(applicant_pages(client, journey))
    client.force_login(coordinator)
    kwargs = {"application_id": application.pk}
    pages["coordinator application"] = client.get(reverse("endorsement:detail", kwargs=kwargs))
    pages["decision"] = client.get(reverse("reviews:review.decide", kwargs=kwargs))
    pages["sittings"] = client.get(
        reverse("reviews:exam.sittings", kwargs={"slug": application.association.slug})
    )
    pages["sitting"] = client.get(reverse("reviews:exam.sitting", kwargs={"pk": sitting.pk}))
    with django_capture_on_commit_callbacks(execute=True):
        rows = exams.graders_assign(
            registration=journey["registration"], graders=journey["graders"], by=coordinator
        )
    client.force_login(journey["rita"])
    pages["review"] = client.get(
        reverse("reviews:review", kwargs={"assignment_id": journey["assignment"].pk})
    )
    client.force_login(journey["graders"][0])
    pages["score"] = client.get(reverse("reviews:exam.score", kwargs={"pk": rows[0].pk}))
    client.force_login(journey["bea"])
    pages["exam registration"] = client.get(
        reverse(
            "reviews:exam.register",
            kwargs={"application_id": journey["registration"].application_id},
        )
    )

    shown = {name: days_on(text(response)) for name, response in pages.items()}
    assert shown == {name: {LOCAL_DAY} for name in pages}
    page = text(pages["summary"])
    assert f"First submitted on {LOCAL_DAY}." in page
    assert f"{LOCAL_DAY}, {LOCAL_TIME}" in text(pages["timeline"])
    assert f"Received {LOCAL_DAY}" in text(pages["review"])
    assert f"{LOCAL_DAY}, {LOCAL_TIME}" in text(pages["decision"])
    for name in ("sittings", "sitting", "score", "exam registration"):
        assert f"{LOCAL_DAY}, {LOCAL_TIME}" in text(pages[name]), name
    # The e-mail to the graders names the sitting on the same day, at the same time.
    bodies = [m.body for m in mail.outbox if m.to[0] in ("g1@example.org", "g2@example.org")]
    assert len(bodies) == 2
    for body in bodies:
        assert days_on(body) == {LOCAL_DAY}
        assert f"{LOCAL_DAY}, {LOCAL_TIME}" in body
    # Nothing stays active after a request: code outside a page works in UTC.
    assert timezone.get_current_timezone_name() == "UTC"


def test_a_reader_who_chose_a_time_zone_sees_every_date_in_it(
    client, journey, applicant, coordinator
):
    applicant.time_zone = "Asia/Tokyo"  # 12:25 p.m. on 6 December
    applicant.save(update_fields=["time_zone"])
    client.force_login(applicant)
    pages = applicant_pages(client, journey)
    assert {name: days_on(text(r)) for name, r in pages.items()} == {
        name: {"Dec. 6, 2025"} for name in pages
    }
    assert "Dec. 6, 2025, 12:25 p.m." in text(pages["timeline"])

    coordinator.time_zone = "America/Los_Angeles"  # 7:25 p.m. on 5 December
    coordinator.save(update_fields=["time_zone"])
    client.force_login(coordinator)
    url = reverse("endorsement:detail", kwargs={"application_id": journey["application"].pk})
    page = text(client.get(url))
    assert days_on(page) == {LOCAL_DAY}
    assert f"{LOCAL_DAY}, 7:25 p.m." in page
    assert LOCAL_TIME not in page


def test_the_applicant_dashboard_shows_each_application_in_its_associations_zone(
    client, journey, applicant, other_association
):
    """A page of several associations: each row in its own association's time zone."""
    Association.objects.filter(pk=other_association.pk).update(time_zone="Europe/Madrid")
    elsewhere = ApplicationFactory(
        category=EndorsementCategoryFactory(framework__association=other_association, code="IFA"),
        applicant=applicant,
        state=S.ACCEPTED,
    )
    Application.objects.filter(pk=elsewhere.pk).update(state_changed=MOMENT)  # 4:25 a.m., 6 Dec.
    client.force_login(applicant)
    page = text(client.get(reverse("accounts:dashboard.applicant")))
    rows = re.findall(r'<td data-label="Since">(Dec\. \d, 2025)</td>', page)
    assert rows == ["Dec. 6, 2025", LOCAL_DAY]  # newest application first


def test_the_profile_keeps_the_chosen_time_zone(client, applicant):
    client.force_login(applicant)
    page = text(client.get(reverse("accounts:profile")))
    assert '<option value="" selected>Each association&#x27;s own</option>' in page
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Ana Applicant", "preferred_language": "en", "time_zone": "Asia/Tokyo"},
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.time_zone == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("own", "has_association", "expected"),
    [
        ("", True, "America/New_York"),
        ("Asia/Tokyo", True, "Asia/Tokyo"),
        ("", False, "UTC"),
        ("Asia/Tokyo", False, "Asia/Tokyo"),
    ],
)
def test_zone_for(association, own, has_association, expected):
    user = UserFactory(time_zone=own)
    zone = zone_for(association=association if has_association else None, user=user)
    assert str(zone) == expected


def test_a_sitting_typed_by_a_coordinator_is_read_in_the_associations_zone(
    client, association, coordinator
):
    client.force_login(coordinator)
    url = reverse("reviews:exam.sitting.add", kwargs={"slug": association.slug})
    day = datetime.date.today() + datetime.timedelta(days=60)
    client.post(url, {"starts_at": f"{day:%Y-%m-%d}T22:25", "place": "Library", "capacity": 5})
    local = timezone.localtime(
        ExamSitting.objects.get().starts_at, zone_for(association=association)
    )
    assert (local.date(), local.hour, local.minute) == (day, 22, 25)


def test_no_template_converts_to_a_zone_of_its_own():
    """One mechanism: templates rely on the active time zone or the ``local`` filter."""
    root = Path(settings.BASE_DIR)
    templates = [*root.glob("*/templates/**/*.*"), *(root / "templates").glob("**/*.*")]
    offenders = [
        str(path.relative_to(root))
        for path in templates
        if re.search(r"{% timezone |\|timezone:", path.read_text(encoding="utf-8"))
    ]
    assert len(templates) > 100
    assert offenders == []
