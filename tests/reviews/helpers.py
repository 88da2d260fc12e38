"""Builders of the review-workflow tests (the fixtures are in conftest.py): portfolio-review
frameworks and submitted applications, exam rows, dates, a sitting that has started, a fresh
copy of an application, its state and last event; for the pages, their messages and text, the
exam pages' URLs, a review submitted, a review form's data and the review pages' query budgets."""

import datetime
import re

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from competencies.enums import ExamKind, RequirementKind
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from reviews.services.reviewing import review_save
from tests.factories import (
    ApplicationFactory,
    CompetencyAreaFactory,
    CompetencyFactory,
    EndorsementCategoryFactory,
    FrameworkFactory,
    RequirementFactory,
    UserFactory,
)

AREA_NAMES = ("Theoretical Foundations", "Reflection")
MENTOR_AREA = "Administration"


def fresh(application) -> Application:
    return Application.objects.select_related("association", "advisor").get(pk=application.pk)


def due(days=14) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=days)


def in_days(days: int) -> datetime.datetime:
    return timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)


def state_of(application) -> str:
    return Application.objects.get(pk=application.pk).state


def last_event(application):
    return ApplicationEvent.objects.filter(application=application).order_by("id").last()


# --- portfolio review ---------------------------------------------------------------------------


def make_framework(association, *, mentor=False, code="IFS"):
    """(category, [areas rated for it]) in a framework of the association: three areas, the
    third (Administration) for Mentors only."""
    framework = FrameworkFactory(association=association)
    areas = [
        CompetencyAreaFactory(framework=framework, name=name, order=order)
        for order, name in enumerate(AREA_NAMES, start=1)
    ]
    admin_area = CompetencyAreaFactory(
        framework=framework, name=MENTOR_AREA, order=9, mentors_only=True
    )
    category = EndorsementCategoryFactory(
        framework=framework, code=code, name=f"Category {code}", is_mentor=mentor
    )
    for area in [*areas, admin_area]:
        item = CompetencyFactory(area=area, name=f"{area.name} item")
        item.categories.add(category)
    return category, areas + ([admin_area] if mentor else [])


def submitted(category, *, submissions=1, state=S.SUBMITTED, **kwargs):
    """An application in ``state`` that was submitted ``submissions`` times (with its submission
    events, so the round is ``submissions``)."""
    kwargs.setdefault("applicant", UserFactory(full_name="Ana Applicant"))
    application = ApplicationFactory(
        category=category,
        state=state,
        submitted_at=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC),
        **kwargs,
    )
    for _ in range(submissions):
        ApplicationEvent.objects.create(
            application=application,
            actor=application.applicant,
            from_state=S.ACCEPTED,
            to_state=S.SUBMITTED,
        )
    return application


def reviewer(make_staff, association, name="Rita Reviewer", email=None):
    email = email or f"{name.split()[0].lower()}@example.org"
    return make_staff(Role.REVIEWER, association, user__full_name=name, user__email=email)


# --- exams --------------------------------------------------------------------------------------


def exam_rows(category, *, part1=True, part2=True, max_attempts=3, graders=2):
    """The category's exam requirements: Part 1 (60 questions) and Part 2 (vignettes, graded by
    ``graders``), both passed at 80%."""
    if part1:
        RequirementFactory(
            category=category,
            kind=RequirementKind.EXAM,
            min_hours=None,
            exam_part=1,
            exam_kind=ExamKind.MULTIPLE_CHOICE,
            questions=60,
            minutes=90,
            pass_percent=80,
            retake_wait_months=12,
            max_attempts=max_attempts,
        )
    if part2:
        RequirementFactory(
            category=category,
            kind=RequirementKind.EXAM,
            min_hours=None,
            exam_part=2,
            exam_kind=ExamKind.VIGNETTES,
            graders=graders,
            pass_percent=80,
            retake_wait_months=12,
        )
    return category


def sitting_started(sitting, *, hours_ago: int = 1):
    """Let time pass: the sitting started ``hours_ago`` (a sitting is created in the future)."""
    sitting.starts_at = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=hours_ago)
    sitting.save(update_fields=["starts_at"])
    return sitting


def messages_of(response) -> list[str]:
    """The messages the response adds (the ones of earlier redirects are still queued)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1:]


def sittings_url(association):
    return reverse("reviews:exam.sittings", kwargs={"slug": association.slug})


def sitting_url(sitting, name="exam.sitting"):
    return reverse(f"reviews:{name}", kwargs={"pk": sitting.pk})


# --- review pages -------------------------------------------------------------------------------


def submit_review(assignment, areas, recommendation="approve", **kwargs):
    return review_save(
        assignment=assignment,
        by=assignment.reviewer,
        ratings={area.pk: "3" for area in areas},
        recommendation=recommendation,
        submit=True,
        **kwargs,
    )


def review_post(areas, action="submit", score="3", **fields):
    data = {f"area_{area.pk}": score for area in areas}
    data.update(fields)
    data[action] = "1"
    return data


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


BULK_QUERIES = 6
ASSIGN_QUERIES = 12
DASHBOARD_QUERIES = 6
CONFLICTS_QUERIES = 5
REVIEW_QUERIES = 15
DECISION_QUERIES = 9
