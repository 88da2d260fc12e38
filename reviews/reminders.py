"""The reminders of advising, reviewing and the exam (``notifications.reminders``):

- ``comment_unanswered``: 14 days after an advisor's comment that is the last word of a thread
  still open (no reply after it, not resolved), the applicant is reminded, with a link to the
  portfolio page that shows the comment. A reply, or resolving the thread, stops it; so do the
  application's end and the advisor's removal (the applicant can then no longer reply);
- ``review_due`` (3 days before the review's due date) and ``review_overdue`` (1 day after),
  while the review of the current round is not submitted and the portfolio is in review: to the
  reviewer, and a separate e-mail to each coordinator of the association;
- ``grading_due`` and ``grading_overdue``: the same for a grader's Part 2 score. Grading has no
  due date of its own: it is due ``EXAM_GRADING_DAYS`` (14) days after the sitting's day, or
  after the day the grader was assigned when that is later (a grader named late gets the same
  time);
- ``exam_sitting``: 14 and 2 days before the sitting, to each candidate still registered for
  it, with its date and time in the association's time zone and a link to their exam page.
  Essential: nobody should miss their exam.

Each ``find`` is one query, bounded in SQL to the rows whose reminder falls due between
``since`` and ``today`` in the association's calendar, with what ``send`` reads.
"""

import datetime

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.time_zones import association_day, association_days_span
from endorsement.emails import (
    CONTEXT_HELP,
    application_email_on_commit,
    coordinators_of,
    register_emails,
)
from endorsement.enums import CLOSED_STATES
from endorsement.enums import ApplicationState as S
from notifications.emails import user_language
from notifications.reminders import days_now, register_reminders
from reviews.enums import CommentSection, ExamResult
from reviews.models import Comment, ExamRegistration, ReviewAssignment, VignetteScore
from reviews.panels import section_url
from reviews.selectors.exams import sitting_label
from reviews.selectors.reviewing import submissions_subquery

# The comment's text in the reminder, at most this long.
EXCERPT_LENGTH = 300

REVIEW_VALUES = {
    **CONTEXT_HELP,
    "reviewer": _("the reviewer's name"),
    "due_on": _("the date the review is due"),
    "days": _("the days left, or the days late"),
}
GRADING_VALUES = {
    **CONTEXT_HELP,
    "grader": _("the grader's name"),
    "sitting": _("the exam sitting: date, time and place"),
    "due_on": _("the date the score is due"),
    "days": _("the days left, or the days late"),
}

register_emails(
    folder="reviews/emails",
    emails={
        "reminder.comment_unanswered": _(
            "Reminder: an advisor's comment is waiting for an answer (to the applicant)"
        ),
        "reminder.review_due.reviewer": _("Reminder: review due soon (to the reviewer)"),
        "reminder.review_due.coordinator": _("Reminder: review due soon (to the coordinators)"),
        "reminder.review_overdue.reviewer": _("Reminder: review overdue (to the reviewer)"),
        "reminder.review_overdue.coordinator": _("Reminder: review overdue (to the coordinators)"),
        "reminder.grading_due.grader": _("Reminder: exam score due soon (to the grader)"),
        "reminder.grading_due.coordinator": _(
            "Reminder: exam score due soon (to the coordinators)"
        ),
        "reminder.grading_overdue.grader": _("Reminder: exam score overdue (to the grader)"),
        "reminder.grading_overdue.coordinator": _(
            "Reminder: exam score overdue (to the coordinators)"
        ),
        "reminder.exam_sitting": _("Reminder: the exam is coming (to the candidate)"),
    },
    values={
        "reminder.comment_unanswered": {
            **CONTEXT_HELP,
            "advisor": _("the name of the advisor who wrote the comment"),
            "section": _("what the comment is about (a section of the portfolio)"),
            "written_on": _("the date the comment was written"),
            "comment": _("the comment's text (its beginning when it is long)"),
            "days": _("how many days ago the comment was written"),
        },
        "reminder.review_due.reviewer": REVIEW_VALUES,
        "reminder.review_due.coordinator": REVIEW_VALUES,
        "reminder.review_overdue.reviewer": REVIEW_VALUES,
        "reminder.review_overdue.coordinator": REVIEW_VALUES,
        "reminder.grading_due.grader": GRADING_VALUES,
        "reminder.grading_due.coordinator": GRADING_VALUES,
        "reminder.grading_overdue.grader": GRADING_VALUES,
        "reminder.grading_overdue.coordinator": GRADING_VALUES,
        "reminder.exam_sitting": {
            **CONTEXT_HELP,
            "sitting": _("the exam sitting: date, time and place"),
            "sitting_note": _("the coordinator's note for candidates"),
            "days": _("how many days are left before the exam"),
        },
    },
)


def _url(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _span(association, since, today, shift: int):
    """The moments of the days ``since + shift`` to ``today + shift`` (association's calendar)."""
    delta = datetime.timedelta(days=shift)
    return association_days_span(association, since + delta, today + delta)


# --- comments ---------------------------------------------------------------------------------


def comment_unanswered_find(*, association, days: int, since, today):
    """Advisors' comments written ``days`` days before a day of the window that are still the
    last word of their open thread."""
    start, end = _span(association, since, today, -days)
    later = Comment.objects.filter(parent_id=OuterRef("thread")).filter(
        Q(created__gt=OuterRef("created")) | Q(created=OuterRef("created"), id__gt=OuterRef("id"))
    )
    rows = (
        Comment.objects.annotate(thread=Coalesce("parent_id", "id"))
        .filter(
            application__association=association,
            application__advisor__isnull=False,
            created__gte=start,
            created__lt=end,
        )
        .exclude(application__state__in=CLOSED_STATES)
        .exclude(author_id=F("application__applicant_id"))
        .filter(
            Q(parent__isnull=True, resolved_at__isnull=True)
            | Q(parent__isnull=False, parent__resolved_at__isnull=True)
        )
        .filter(~Exists(later))
        .select_related(
            "application__association",
            "application__applicant",
            "application__category",
            "author",
        )
    )
    for comment in rows.iterator(chunk_size=1000):
        yield comment, association_day(comment.created, association) + datetime.timedelta(days=days)


def comment_unanswered_send(*, object, days: int, due) -> None:
    comment = object
    application = comment.application
    body = comment.body if len(comment.body) <= EXCERPT_LENGTH else comment.body[:EXCERPT_LENGTH]
    if body != comment.body:
        body = body.rstrip() + "…"
    application_email_on_commit(
        application=application,
        key="reminder.comment_unanswered",
        recipients=[application.applicant],
        extra={
            "advisor": comment.author.get_full_name(),
            "section": CommentSection(comment.section).label,
            "written_on": association_day(comment.created, application.association),
            "comment": body,
            "days": str(days_now(days=days, due=due, before=False)),
            "url": settings.SITE_URL
            + section_url(application, comment.section)
            + f"#comment-{comment.pk}",
        },
    )


# --- reviews ----------------------------------------------------------------------------------


def _reviews_waiting(association):
    """Reviews of the current round not submitted, while the portfolio is in review."""
    return (
        ReviewAssignment.objects.filter(
            application__association=association,
            application__state=S.IN_REVIEW,
            submitted_at__isnull=True,
            reviewer__is_active=True,
        )
        .annotate(current_round=Greatest(submissions_subquery(), 1))
        .filter(round=F("current_round"))
        .select_related(
            "application__association",
            "application__applicant",
            "application__category",
            "reviewer",
        )
    )


def _review_find(*, before: bool):
    """``find`` of the reminder ``days`` days before the review's due date (``before``), or
    ``days`` days after it: due on ``days`` days after (before) a day of the window."""

    def find(*, association, days: int, since, today):
        shift = datetime.timedelta(days=days if before else -days)
        rows = _reviews_waiting(association).filter(
            due_on__gte=since + shift, due_on__lte=today + shift
        )
        for assignment in rows.iterator(chunk_size=1000):
            yield assignment, assignment.due_on - shift

    return find


def _review_send(name: str, assignment: ReviewAssignment, days: int) -> None:
    """The reviewer's e-mail and, separately, each coordinator's (not the reviewer again)."""
    application = assignment.application
    reviewer = assignment.reviewer
    extra = {"reviewer": reviewer.get_full_name(), "due_on": assignment.due_on, "days": str(days)}
    application_email_on_commit(
        application=application,
        key=f"reminder.{name}.reviewer",
        recipients=[reviewer],
        extra={**extra, "url": _url("reviews:review", assignment_id=assignment.pk)},
    )
    application_email_on_commit(
        application=application,
        key=f"reminder.{name}.coordinator",
        recipients=[
            user for user in coordinators_of(application.association) if user.pk != reviewer.pk
        ],
        extra={**extra, "url": _url("endorsement:detail", application_id=application.pk)},
    )


# --- exam grading -------------------------------------------------------------------------------


def grading_due_on(score_row: VignetteScore) -> datetime.date:
    """``EXAM_GRADING_DAYS`` after the sitting's day, or after the grader's assignment if later
    (``grading_from``, annotated by ``_grading_waiting``)."""
    association = score_row.registration.sitting.association
    return association_day(score_row.grading_from, association) + datetime.timedelta(
        days=settings.EXAM_GRADING_DAYS
    )


def _grading_waiting(association):
    """Part 2 scores not given yet, while the exam's result is open."""
    return (
        VignetteScore.objects.filter(
            registration__sitting__association=association,
            registration__result=ExamResult.PENDING,
            submitted_at__isnull=True,
            grader__is_active=True,
        )
        .exclude(registration__application__state__in=CLOSED_STATES)
        .annotate(grading_from=Greatest("registration__sitting__starts_at", "created"))
        .select_related(
            "registration__sitting__association",
            "registration__application__association",
            "registration__application__applicant",
            "registration__application__category",
            "grader",
        )
    )


def _grading_find(*, before: bool):
    """``find`` of the reminder ``days`` days before the score is due (``before``), or ``days``
    days after it: due on ``days`` days after (before) a day of the window."""

    def find(*, association, days: int, since, today):
        shift = days if before else -days
        start, end = _span(association, since, today, shift - settings.EXAM_GRADING_DAYS)
        rows = _grading_waiting(association).filter(grading_from__gte=start, grading_from__lt=end)
        for row in rows.iterator(chunk_size=1000):
            yield row, grading_due_on(row) - datetime.timedelta(days=shift)

    return find


def _grading_send(name: str, score_row: VignetteScore, days: int) -> None:
    """The grader's e-mail and, separately, each coordinator's; the sitting is written in each
    recipient's language (in the association's time zone)."""
    registration = score_row.registration
    sitting = registration.sitting
    application = registration.application
    grader = score_row.grader
    extra = {
        "grader": grader.get_full_name(),
        "due_on": grading_due_on(score_row),
        "days": str(days),
    }
    with translation.override(user_language(grader)):
        label = sitting_label(sitting)
    application_email_on_commit(
        application=application,
        key=f"reminder.{name}.grader",
        recipients=[grader],
        extra={**extra, "sitting": label, "url": _url("reviews:exam.score", pk=score_row.pk)},
    )
    coordinators = [user for user in coordinators_of(sitting.association) if user.pk != grader.pk]
    for coordinator in coordinators:
        with translation.override(user_language(coordinator)):
            label = sitting_label(sitting)
        application_email_on_commit(
            application=application,
            key=f"reminder.{name}.coordinator",
            recipients=[coordinator],
            extra={**extra, "sitting": label, "url": _url("reviews:exam.sitting", pk=sitting.pk)},
        )


# --- the exam sitting ---------------------------------------------------------------------------


def exam_sitting_find(*, association, days: int, since, today):
    """Candidates of a sitting ``days`` days after a day of the window, still to take it."""
    start, end = _span(association, since, today, days)
    rows = ExamRegistration.objects.filter(
        sitting__association=association,
        sitting__starts_at__gte=start,
        sitting__starts_at__lt=end,
        sitting__starts_at__gt=timezone.now(),
        result=ExamResult.PENDING,
        application__state=S.EXAM,
    ).select_related(
        "sitting__association",
        "application__association",
        "application__applicant",
        "application__category",
    )
    for registration in rows.iterator(chunk_size=1000):
        sitting = registration.sitting
        yield (
            registration,
            association_day(sitting.starts_at, association) - datetime.timedelta(days=days),
        )


def exam_sitting_send(*, object, days: int, due) -> None:
    registration = object
    application = registration.application
    sitting = registration.sitting
    with translation.override(user_language(application.applicant)):
        label = sitting_label(sitting)
    application_email_on_commit(
        application=application,
        key="reminder.exam_sitting",
        recipients=[application.applicant],
        extra={
            "sitting": label,
            "sitting_note": sitting.note,
            "days": str(days_now(days=days, due=due, before=True)),
            "url": _url("reviews:exam.register", application_id=application.pk),
        },
    )


# --- the kinds ----------------------------------------------------------------------------------


def _due_and_overdue(name: str, *, find, write, labels: tuple, days_help: tuple, **shared) -> dict:
    """The table's rows of ``<name>_due`` (by default 3 days before the due date) and
    ``<name>_overdue`` (1 day after it), with the arguments they share: ``find(before=)`` makes
    their ``find``; their ``send`` calls ``write(kind, object, days)`` with the days left, or
    late, on the day it is sent."""

    def row(kind: str, before: bool, default_days: tuple, label, help_text) -> dict:
        def send(*, object, days: int, due) -> None:
            write(kind, object, days_now(days=days, due=due, before=before))

        return {
            **shared,
            "label": label,
            "default_days": default_days,
            "days_help": help_text,
            "find": find(before=before),
            "send": send,
        }

    return {
        f"{name}_due": row(f"{name}_due", True, (3,), labels[0], days_help[0]),
        f"{name}_overdue": row(f"{name}_overdue", False, (1,), labels[1], days_help[1]),
    }


register_reminders(
    {
        "comment_unanswered": {
            "label": _("An advisor's comment is waiting for an answer"),
            "recipients": _("the applicant"),
            "model": Comment,
            "default_days": (14,),
            "days_help": _("days after the comment was written"),
            "find": comment_unanswered_find,
            "send": comment_unanswered_send,
        },
        **_due_and_overdue(
            "review",
            recipients=_("the reviewer, and the coordinators"),
            model=ReviewAssignment,
            labels=(_("Review due soon"), _("Review overdue")),
            days_help=(
                _("days before the review's due date"),
                _("days after the review's due date"),
            ),
            find=_review_find,
            write=_review_send,
        ),
        **_due_and_overdue(
            "grading",
            recipients=_("the grader, and the coordinators"),
            model=VignetteScore,
            labels=(_("Exam score due soon"), _("Exam score overdue")),
            days_help=(
                _("days before the score is due (a set time after the sitting)"),
                _("days after the score was due (a set time after the sitting)"),
            ),
            find=_grading_find,
            write=_grading_send,
        ),
        "exam_sitting": {
            "label": _("The exam is coming"),
            "recipients": _("each registered candidate"),
            "model": ExamRegistration,
            "default_days": (14, 2),
            "days_help": _("days before the exam sitting"),
            "find": exam_sitting_find,
            "send": exam_sitting_send,
            "essential": True,
        },
    }
)
