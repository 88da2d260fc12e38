"""The demo's advising, reviews and exams, through the reviews services: an advisor's comment,
reviewers assigned with a due date and their reviews, the exam sittings (one ahead, one the
applicant sat) and a registration for the next one."""

import datetime
import zoneinfo

from django.utils import timezone

from accounts.models import Association, User
from endorsement.models import Application
from reviews.enums import Recommendation, RubricScore
from reviews.models import Comment, ReviewAssignment
from reviews.selectors.exams import sittings_upcoming
from reviews.selectors.reviewing import review_areas
from reviews.services.advising import comment_add
from reviews.services.exams import exam_register, sitting_create
from reviews.services.reviewing import review_assign, review_save


def advisor_comment(
    *, application: Application, advisor: User, body: str, moment: datetime.datetime
) -> None:
    """The advisor comments on the trainings; told to the applicant in the next morning's
    digest."""
    comment = comment_add(application=application, by=advisor, section="training", body=body)
    Comment.objects.filter(pk=comment.pk).update(
        notified_at=min(moment + datetime.timedelta(hours=18), timezone.now())
    )


def reviewers_assign(
    *,
    application: Application,
    reviewers: list[User],
    due_in: int,
    on: datetime.date,
    by: User,
) -> None:
    """As many of ``reviewers`` as the association has per portfolio, due ``due_in`` days
    after ``on``."""
    association = application.association
    due = datetime.timedelta(days=due_in)
    assignments = review_assign(
        application=application,
        reviewers=reviewers[: association.reviewers_per_portfolio],
        due_on=association.today() + due,
        by=by,
    )
    ReviewAssignment.objects.filter(pk__in=[a.pk for a in assignments]).update(due_on=on + due)


def review_write(
    *, application: Application, reviewer: User, recommend: str, amendments: str
) -> None:
    """The reviewer rates every area and submits; nothing where they are not assigned."""
    assignment = ReviewAssignment.objects.filter(application=application, reviewer=reviewer).first()
    if assignment is None:
        return
    defer = recommend == Recommendation.DEFER
    areas = review_areas(application=application)
    ratings = {
        area.pk: RubricScore.EMERGING if defer and i == 0 else RubricScore.MEETS
        for i, area in enumerate(areas)
    }
    review_save(
        assignment=assignment,
        by=reviewer,
        ratings=ratings,
        comments=(
            "Strong work experience; two things to amend (see what to amend)."
            if defer
            else "Clear portfolio; the training hours are well documented."
        ),
        recommendation=recommend,
        amendments=amendments,
        submit=True,
    )


def sitting_ahead(association: Association, coordinator: User) -> None:
    """An exam sitting about two months ahead, at 9:30 in the morning where the association is,
    for the approved Mentor applicant."""
    if association.exam_sittings.filter(starts_at__gt=timezone.now()).exists():
        return
    day = association.today() + datetime.timedelta(days=60)
    sitting_create(
        association=association,
        starts_at=datetime.datetime.combine(
            day, datetime.time(9, 30), tzinfo=zoneinfo.ZoneInfo(association.time_zone)
        ),
        capacity=12,
        place="Northfield State University, Room 214",
        by=coordinator,
    )


def sitting_plan(association: Association, coordinator: User) -> datetime.datetime:
    """A sitting planned for tomorrow (a new one must be in the future), to be moved back to
    when it took place (``back_date``); its start is returned."""
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=1)
    sitting = sitting_create(
        association=association,
        starts_at=start,
        capacity=12,
        place="Northfield State University, Room 110",
        by=coordinator,
    )
    return sitting.starts_at


def exam_register_next(application: Application) -> None:
    """The applicant registers for the next sitting: the one just planned."""
    sitting = sittings_upcoming(association=application.association).order_by("starts_at", "id")[0]
    exam_register(application=application, sitting=sitting, by=application.applicant)
