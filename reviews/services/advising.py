"""Advising: the advisor the coordinator assigns, comments on the portfolio, the sign-off.

The writes of the advisor's part of the workflow (the reads are in
``reviews.selectors.advising``). Comments are not e-mailed one by one: ``comments_digest_send``
(run by the beat task ``reviews.comments_send_digests`` every few minutes) sends each side one
e-mail listing what is new, soon after the comments or once a day, as each recipient chose
(``User.comment_emails``).

Who may do what is in ``reviews.rules``.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.enums import CommentEmails, Role
from accounts.models import RoleGrant, User
from accounts.rules import is_coordinator_of
from accounts.signed_in_pages import signed_in_pages_forget
from accounts.time_zones import zone_for
from endorsement.emails import application_email_on_commit, coordinators_of
from endorsement.enums import BUILDING_STATES, CLOSED_STATES
from endorsement.models import Application
from endorsement.rules import is_application_advisor
from endorsement.services import application_touch
from notifications.emails import user_language
from reviews.enums import CommentSection
from reviews.models import Comment
from reviews.rules import READY_STATES, can_comment
from reviews.selectors.advising import section_item, signoff_given

BODY_MAX_LENGTH = 5000


class AdvisingRefused(Exception):
    """Raised with a sentence a person can read."""


# --- Advisor ------------------------------------------------------------------------------


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("association", "applicant", "category", "advisor")
        .get(pk=application.pk)
    )


def _portfolio_url(application: Application) -> str:
    return settings.SITE_URL + reverse(
        "portfolios:summary", kwargs={"application_id": application.pk}
    )


@transaction.atomic
def advisor_request(*, application: Application, by: User) -> Application:
    """The applicant asks for an advisor; the coordinators are told."""
    application = _locked(application)
    if application.applicant_id != by.pk:
        raise AdvisingRefused(_("Only the applicant may ask for an advisor."))
    if application.advisor_id is not None:
        raise AdvisingRefused(_("You already have an advisor."))
    if application.advisor_requested_at is not None:
        raise AdvisingRefused(
            _("You have already asked for an advisor: the coordinator will assign one.")
        )
    if application.state not in BUILDING_STATES:
        raise AdvisingRefused(
            _("You can ask for an advisor while you build your portfolio (status: “%(state)s”).")
            % {"state": application.state_for_applicant}
        )
    application.advisor_requested_at = timezone.now()
    application.save(update_fields=["advisor_requested_at"])
    application_touch(application=application)
    assign_url = settings.SITE_URL + reverse(
        "reviews:advisor.assign", kwargs={"application_id": application.pk}
    )
    application_email_on_commit(
        application=application,
        key="advisor_requested.coordinator",
        recipients=coordinators_of(application.association),
        extra={"url": assign_url},
    )
    return application


@transaction.atomic
def advisor_assign(*, application: Application, advisor: User, by: User) -> Application:
    """The coordinator assigns (or replaces) the application's advisor; both people are told."""
    application = _locked(application)
    if not is_coordinator_of(by, application.association):
        raise AdvisingRefused(_("Only a coordinator of this association may assign an advisor."))
    if application.state in CLOSED_STATES:
        raise AdvisingRefused(
            _("This application is finished (“%(state)s”): it needs no advisor.")
            % {"state": application.get_state_display()}
        )
    name = advisor.get_full_name()
    if advisor.pk == application.applicant_id:
        raise AdvisingRefused(_("Applicants cannot advise themselves."))
    holds_role = RoleGrant.objects.filter(
        user=advisor, association=application.association, role=Role.ADVISOR
    ).exists()
    if not holds_role or not advisor.is_active:
        raise AdvisingRefused(
            _("%(name)s is not an advisor of %(association)s.")
            % {"name": name, "association": application.association.name}
        )
    if application.advisor_id == advisor.pk:
        raise AdvisingRefused(_("%(name)s is already the advisor.") % {"name": name})
    application.advisor = advisor
    application.save(update_fields=["advisor"])
    application_touch(application=application)
    extra = {"advisor": name, "advisor_email": advisor.email}
    application_email_on_commit(
        application=application,
        key="advisor_assigned",
        recipients=[application.applicant],
        extra=extra,
    )
    application_email_on_commit(
        application=application,
        key="advisor_assigned.advisor",
        recipients=[advisor],
        extra={**extra, "url": _portfolio_url(application)},
    )
    return application


@transaction.atomic
def advisor_mark_ready(*, application: Application, by: User) -> Application:
    """The advisor signs the portfolio off as ready for review; the applicant is told.

    A deferral cancels the sign-off (``endorsement.models.advisor_signoff_current``): the
    advisor marks the amended portfolio ready again.
    """
    application = _locked(application)
    if not is_application_advisor(by, application):
        raise AdvisingRefused(_("Only the applicant's advisor may mark the portfolio ready."))
    if application.state not in READY_STATES:
        raise AdvisingRefused(
            _("The portfolio cannot be marked ready while its status is “%(state)s”.")
            % {"state": application.get_state_display()}
        )
    if signoff_given(application):
        raise AdvisingRefused(_("You have already marked this portfolio ready for review."))
    application.ready_for_review_at = timezone.now()
    application.save(update_fields=["ready_for_review_at"])
    application_touch(application=application)
    application_email_on_commit(
        application=application,
        key="ready_for_review",
        recipients=[application.applicant],
        extra={"advisor": by.get_full_name()},
    )
    return application


# --- Comments -----------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise AdvisingRefused(_("Write your comment first."))
    if len(body) > BODY_MAX_LENGTH:
        raise AdvisingRefused(
            _("A comment may be at most %(max)s characters long.") % {"max": BODY_MAX_LENGTH}
        )
    return body


def _check_may_comment(user: User, application: Application) -> None:
    if not can_comment(user, application):
        raise AdvisingRefused(_("You may not comment on this portfolio."))


def _thread_root(comment: Comment) -> Comment:
    """The first comment of the thread (locked), whatever comment of the thread is given."""
    return (
        Comment.objects.select_for_update(of=("self",))
        .select_related("application__association")
        .get(pk=comment.parent_id or comment.pk)
    )


@transaction.atomic
def comment_add(
    *,
    application: Application,
    by: User,
    section: str,
    body: str,
    object_id: int | None = None,
) -> Comment:
    """Start a thread about the portfolio, a section or one live evidence row of it."""
    _check_may_comment(by, application)
    if section not in CommentSection.values:
        raise AdvisingRefused(_("Unknown section: %(section)s.") % {"section": section})
    if (
        object_id is not None
        and section_item(application=application, section=section, object_id=object_id) is None
    ):
        raise AdvisingRefused(_("That item is not in this section of the portfolio."))
    comment = Comment.objects.create(
        application=application,
        author=by,
        section=section,
        object_id=object_id,
        body=_clean_body(body),
    )
    application_touch(application=application)
    return comment


@transaction.atomic
def comment_reply(*, parent: Comment, by: User, body: str) -> Comment:
    """Reply in a thread (replies attach to its first comment); a resolved thread reopens."""
    root = _thread_root(parent)
    application = root.application
    _check_may_comment(by, application)
    reply = Comment.objects.create(
        application=application,
        author=by,
        parent=root,
        section=root.section,
        object_id=root.object_id,
        body=_clean_body(body),
    )
    if root.resolved_at is not None:
        root.resolved_at = None
        root.resolved_by = None
        root.save(update_fields=["resolved_at", "resolved_by"])
    application_touch(application=application)
    return reply


@transaction.atomic
def comment_resolve(*, comment: Comment, by: User) -> Comment:
    """Mark the comment's thread resolved."""
    root = _thread_root(comment)
    _check_may_comment(by, root.application)
    if root.resolved_at is not None:
        raise AdvisingRefused(_("This comment is already resolved."))
    root.resolved_at = timezone.now()
    root.resolved_by = by
    root.save(update_fields=["resolved_at", "resolved_by"])
    application_touch(application=root.application)
    return root


@transaction.atomic
def comment_reopen(*, comment: Comment, by: User) -> Comment:
    """Open a resolved thread again."""
    root = _thread_root(comment)
    _check_may_comment(by, root.application)
    if root.resolved_at is None:
        raise AdvisingRefused(_("This comment is not resolved."))
    root.resolved_at = None
    root.resolved_by = None
    root.save(update_fields=["resolved_at", "resolved_by"])
    application_touch(application=root.application)
    return root


# --- Digest -------------------------------------------------------------------------------


def _digest_text(comments: list[Comment], language: str) -> str:
    """The comments as plain text for the e-mail, in the recipient's language."""
    with translation.override(language):
        blocks = []
        for comment in comments:
            about = str(CommentSection(comment.section).label)
            if comment.parent_id:
                about = _("%(section)s, reply") % {"section": about}
            author = comment.author.get_full_name()
            blocks.append(f"* {about} – {author}:\n{comment.body}")
        return "\n\n".join(blocks)


def daily_digest_since(*, recipient: User, association, now: datetime.datetime):
    """The latest ``COMMENT_DAILY_DIGEST_HOUR`` o'clock at or before ``now`` in the recipient's
    time zone (their own, else the association's): the digest of someone who chose one e-mail
    a day goes out at the first run after it, when a comment older than it waits."""
    zone = zone_for(association=association, user=recipient)
    local = now.astimezone(zone)
    since = datetime.datetime.combine(
        local.date(), datetime.time(settings.COMMENT_DAILY_DIGEST_HOUR), tzinfo=zone
    )
    return since if since <= local else since - datetime.timedelta(days=1)


@transaction.atomic
def comments_digest_send(*, now: datetime.datetime | None = None) -> int:
    """One e-mail per application and side listing the comments the other side has not been
    told about yet: the advisor's to the applicant ("comments_digest"), the applicant's to the
    advisor ("comments_digest.advisor"). Marks them notified, so a second run sends nothing;
    rows another run is sending are skipped. Returns the number of e-mails queued.

    Each recipient chose when (``User.comment_emails``): "immediately" gets what is new at each
    run (every ``COMMENT_DIGEST_SECONDS``, a few minutes: comments written in one sitting
    arrive together, not one e-mail each); "daily" gets it at the first run after the morning
    hour (``daily_digest_since``), once the oldest waiting comment is older than that hour:
    everything written since the last e-mail comes in one e-mail, at most one a day for each
    portfolio."""
    now = now or timezone.now()
    pending = list(
        Comment.objects.filter(notified_at__isnull=True)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related(
            "application__applicant", "application__advisor", "application__association", "author"
        )
        .order_by("application_id", "created", "id")
    )
    groups: dict[tuple[int, str], list[Comment]] = defaultdict(list)
    for comment in pending:
        side = "advisor" if comment.author_id == comment.application.applicant_id else "applicant"
        groups[(comment.application_id, side)].append(comment)
    sent = 0
    notified = []
    for (_application_id, side), comments in groups.items():
        application = comments[0].application
        recipient = application.applicant if side == "applicant" else application.advisor
        if recipient is None:
            # No advisor (any more): nobody to tell; the replies are not kept waiting.
            notified.extend(comments)
            continue
        if recipient.comment_emails == CommentEmails.DAILY and comments[0].created >= (
            daily_digest_since(recipient=recipient, association=application.association, now=now)
        ):
            continue  # tomorrow morning's e-mail
        language = user_language(recipient)
        application_email_on_commit(
            application=application,
            key="comments_digest" if side == "applicant" else "comments_digest.advisor",
            recipients=[recipient],
            extra={
                "comments": _digest_text(comments, language),
                "count": str(len(comments)),
                "url": _portfolio_url(application),
            },
        )
        notified.extend(comments)
        sent += 1
    if notified:
        Comment.objects.filter(pk__in=[comment.pk for comment in notified]).update(notified_at=now)
        signed_in_pages_forget()  # no signal for update()
    return sent
