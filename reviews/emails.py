"""The e-mails of advising, reviewing and exams, registered with the one e-mail door
(``endorsement.emails.register_emails``) when the app loads; their default wording is in
``reviews/templates/reviews/emails/``. The e-mails of the exam's steps (registered, passed, not
passed) are the workflow's step e-mails (``endorsement.emails.TRANSITION_EMAILS``)."""

from django.utils.translation import gettext_lazy as _

from endorsement.emails import register_emails

register_emails(
    folder="reviews/emails",
    emails={
        "advisor_requested.coordinator": _(
            "An applicant asks for an advisor (to the coordinators)"
        ),
        "advisor_assigned": _("Advisor assigned (to the applicant)"),
        "advisor_assigned.advisor": _("Advisee assigned (to the advisor)"),
        "comments_digest": _("New comments on the portfolio (digest to the applicant)"),
        "comments_digest.advisor": _("The applicant's replies (digest to the advisor)"),
        "ready_for_review": _("Advisor marked the portfolio ready for review (to the applicant)"),
        "reviewer_assigned.reviewer": _("Portfolio to review (to the reviewer)"),
        "reviews_disagree.coordinator": _("Reviewers disagree (to the coordinators)"),
        "reviews_complete.coordinator": _("Every review is in (to the coordinators)"),
        "grader_assigned.grader": _("Exam vignettes to score (to the grader)"),
        "exam_scores_complete.coordinator": _("Exam scores are complete (to the coordinators)"),
    },
    # New comments: their recipients may unsubscribe (notifications.unsubscribe).
    non_essential=["comments_digest", "comments_digest.advisor"],
)
