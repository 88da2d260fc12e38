"""Who may take part in advising, reviewing and the exam (django-rules predicates and
permissions).

Predicates about the application itself come from ``endorsement.rules``; these add what the
reviews app knows: the advisor's conversation, the sign-off, the assigned reviewers. The
portfolio pages ask ``rules.has_perm("reviews.…")`` without importing this app, and the assigned
reviewers are added to the portfolio's readers (``portfolios.rules.portfolio_readers``) here.
"""

import rules

from accounts.rules import is_coordinator_of, is_exam_grader_in, is_reviewer_in
from endorsement.enums import BUILDING_STATES
from endorsement.enums import ApplicationState as S
from endorsement.rules import (
    application_is_open,
    is_applicant,
    is_application_advisor,
    is_application_coordinator,
)
from portfolios.rules import portfolio_readers

# The advisor signs off while the applicant can still submit.
READY_STATES = {S.ACCEPTED, S.DEFERRED}


@rules.predicate
def has_advisor(user, application):
    return application.advisor_id is not None


@rules.predicate
def may_ask_for_advisor(user, application):
    return (
        application.state in BUILDING_STATES
        and application.advisor_id is None
        and application.advisor_requested_at is None
    )


@rules.predicate
def may_be_marked_ready(user, application):
    return application.state in READY_STATES


@rules.predicate
def is_assigned_reviewer(user, application):
    """A reviewer assigned to this portfolio (any round), while they hold the role there."""
    return (
        user.is_authenticated
        and is_reviewer_in(user, application.association)
        and application.review_assignments.filter(reviewer=user).exists()
    )


# The two sides of the conversation: the assigned advisor (holding the role) and the applicant
# once an advisor is assigned.
can_comment = application_is_open & (is_application_advisor | (is_applicant & has_advisor))
rules.add_perm("reviews.comment_application", can_comment)
# The advisor's "comment on this item" links on the section pages.
rules.add_perm("reviews.comment_items", application_is_open & is_application_advisor)
# The coordinator reads the conversation too (without taking part).
rules.add_perm(
    "reviews.view_comments",
    is_applicant | is_application_advisor | is_application_coordinator,
)
rules.add_perm("reviews.assign_advisor", application_is_open & is_application_coordinator)
rules.add_perm("reviews.request_advisor", is_applicant & may_ask_for_advisor)
rules.add_perm("reviews.mark_ready", is_application_advisor & may_be_marked_ready)
# About an association: who may enter the exam's Part 1 scores.
can_enter_exam_scores = is_coordinator_of | is_exam_grader_in
rules.add_perm("reviews.enter_exam_scores", can_enter_exam_scores)

if is_assigned_reviewer not in portfolio_readers:
    portfolio_readers.append(is_assigned_reviewer)
