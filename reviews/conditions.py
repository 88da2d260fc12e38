"""The review's and the exam's conditions on the workflow's steps (``endorsement.conditions``)."""

from django.utils import formats
from django.utils.translation import gettext as _

from endorsement import conditions
from endorsement.enums import ApplicationState as S
from reviews.selectors.exams import (
    applications_near_a_sitting,
    exam_rules,
    local_date,
    retake_status,
)
from reviews.selectors.reviewing import round_status
from reviews.services.reviewing import DECISIONS_AFTER_REVIEWS


@conditions.register(*DECISIONS_AFTER_REVIEWS)
def every_review_in(application, *, review_status=None, **facts) -> str:
    """Approving or deferring needs every review of the current round submitted
    (``review_status``: the round's ``RoundStatus`` when the caller has it already)."""
    if (review_status or round_status(application=application)).complete:
        return ""
    return _("Every review of this round must be in before this decision.")


@conditions.register("retake_exam")
def retake_allowed(application, *, sitting=None, **facts) -> str:
    """Attempts left, and the sitting (today, without one) at least the category's waiting
    period after the last attempt's sitting."""
    status = retake_status(application)
    if status is None:
        return ""
    if status.limit_reached:
        return _(
            "The exam may be taken %(n)s times: all attempts are used, so no retake is possible."
        ) % {"n": status.max_attempts}
    if status.possible_from is None:
        return ""
    if sitting is not None:
        day = local_date(sitting.starts_at, sitting.association)
    else:
        day = application.association.today()
    if day >= status.possible_from:
        return ""
    return _(
        "A retake is possible no sooner than %(months)s months after the last attempt: choose "
        "a sitting on or after %(date)s."
    ) % {
        "months": exam_rules(application.category).retake_wait_months,
        "date": formats.date_format(status.possible_from, "DATE_FORMAT"),
    }


def sitting_offer(sitting) -> tuple[list, list[tuple]]:
    """The applications a coordinator may register for ``sitting`` and those left out, each
    with the reason: already registered, or what ``retake_allowed`` says for that sitting
    (constant queries: ``applications_near_a_sitting``)."""
    offered, left_out = [], []
    for application in applications_near_a_sitting(sitting.association):
        if application.state == S.EXAM:
            if application.pending_sitting_id == sitting.pk:
                reason = _("Already registered for this sitting.")
            else:
                reason = _("Already registered for the sitting of %(date)s.") % {
                    "date": formats.date_format(
                        local_date(application.pending_starts_at, application.association),
                        "DATE_FORMAT",
                    )
                }
        elif application.state == S.EXAM_FAILED:
            reason = retake_allowed(application, sitting=sitting)
        else:
            reason = ""
        if reason:
            left_out.append((application, reason))
        else:
            offered.append(application)
    return offered, left_out
