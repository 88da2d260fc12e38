"""References: raters invited through a single-use link, their ratings, and what they count for.

The rules, in plain words:

* Inviting a rater creates a random token (``secrets.token_urlsafe``); only its SHA-256 is kept
  (``Reference.token_hash``), the token itself travels only in the e-mail to the rater. The link
  ``/portfolio/rate/<token>/`` works until ``token_expires`` (``REFERENCE_LINK_DAYS`` days) and
  until the rating is sent: sending the rating uses it up. Before that the rater may save a
  draft of their answers (``Reference.rating_draft``) and come back through the same link;
  saving a draft does not use the link up. Sending a new link makes the old one stop working.
* The rater rates every competency item of the application's category, each with a score or
  "not enough information" (NEI). With more NEI answers than the framework allows
  (``reference_not_enough_information_limit``, 5: six or more do not count) the reference becomes
  NOT_COUNTED and the applicant is asked to ask someone else (replace); otherwise COMPLETED.
* A completed rating is valid for ``reference_valid_months`` (12) from ``completed_at``.
* Each REFERENCE requirement row of the category is one rating needed, of its ``reference_kind``:
  a kind other than "any" is filled only by a rater with that relationship (the current
  supervisor by a rater named as current supervisor, …); "any" rows are filled by any counted
  rating left over. A category without reference rows needs ``reference_count`` ratings of any
  kind.

The rater's e-mail and form are in the language the applicant chose for the rater
(``Reference.rater_language``); the applicant's e-mails are in the applicant's language. They
leave through the one e-mail door (``endorsement.emails``; keys in ``portfolios.emails``).
Where the references stand is read by ``portfolios.reference_status``.
"""

import datetime
import hashlib
import logging
import math
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from competencies.models import Competency
from endorsement.emails import email_on_commit
from endorsement.models import Application
from portfolios.enums import RaterRelationship, RatingScore, ReferenceStatus
from portfolios.models import Reference, ReferenceRating
from portfolios.reference_status import OPEN_STATUSES, RATED_STATUSES, local_date
from portfolios.services import (
    evidence_delete,
    evidence_history_record,
    evidence_snapshot,
    portfolio_assert_editable,
)

logger = logging.getLogger(__name__)

# The rater's relationship to the applicant, as the rater's e-mail and form put it.
RATER_ROLE = {
    RaterRelationship.CURRENT_SUPERVISOR: gettext_lazy("their current supervisor"),
    RaterRelationship.RSC_PROVIDER: gettext_lazy(
        "their reflective supervision/consultation provider"
    ),
    RaterRelationship.SUPERVISEE: gettext_lazy(
        "someone who receives reflective supervision/consultation from them"
    ),
    RaterRelationship.OTHER: gettext_lazy("someone who knows their work"),
}


class RatingLinkUnusable(Exception):
    """The rater's link cannot be used; ``reason`` is one of LINK_* below."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


LINK_USED = "used"
LINK_EXPIRED = "expired"
LINK_REPLACED = "replaced"
LINK_WITHDRAWN = "withdrawn"


# --- tokens and links ---------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def rating_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portfolios:rate", kwargs={"token": token})


def reference_for_token(*, token: str) -> Reference | None:
    """The reference whose link this is, looked up by the token's hash (never by the token).

    One query, with what the rater's page shows. Comparing fixed-length hashes through the
    unique index gives an attacker no timing signal about stored tokens.
    """
    if not token or len(token) > 100:
        return None
    return (
        Reference.objects.select_related(
            "application__applicant",
            "application__association",
            "application__category__framework",
        )
        .filter(token_hash=token_hash(token))
        .first()
    )


def rating_link_problem(*, reference: Reference, now: datetime.datetime | None = None) -> str:
    """Why the link can no longer be used ("" when it can)."""
    now = now or timezone.now()
    if reference.deleted_at is not None:
        return LINK_WITHDRAWN
    if reference.status in RATED_STATUSES:
        return LINK_USED
    if reference.status == ReferenceStatus.REPLACED:
        return LINK_REPLACED
    if reference.status == ReferenceStatus.EXPIRED or reference.token_expires <= now:
        return LINK_EXPIRED
    return ""


# --- e-mails ------------------------------------------------------------------------------------


def minutes_to_rate(item_count: int) -> int:
    """A generous estimate: 20 seconds per item and 5 minutes for the comment, in fives."""
    return max(10, 5 * math.ceil((5 + item_count / 3) / 5))


def _send_invitation(*, reference: Reference, token: str, is_new_link: bool) -> None:
    application = reference.application
    items = Competency.objects.filter(categories=application.category).count()
    language = reference.rater_language
    with translation.override(language):
        context = {
            "rater": reference.rater_name,
            "applicant": application.applicant.get_full_name(),
            "association": application.association.name,
            "category": application.category.display_name,
            "role": str(RATER_ROLE[reference.relationship]),
            "items": items,
            "minutes": minutes_to_rate(items),
            "deadline": local_date(reference.token_expires, application),
            "link": rating_url(token),
            "is_new_link": is_new_link,
            "waived": reference.applicant_waived_right_to_see,
            "limit": application.framework.reference_not_enough_information_limit,
        }
    email_on_commit(
        association=application.association,
        key="reference_invitation",
        to=reference.rater_email,
        language=language,
        context=context,
        reply_to=application.association.contact_email,
    )


def _send_rating_received(*, reference: Reference, not_enough_information: int) -> None:
    application = reference.application
    applicant = application.applicant
    framework = application.framework
    context = {
        "rater": reference.rater_name,
        "waived": reference.applicant_waived_right_to_see,
        "applicant": applicant.get_short_name(),
        "association": application.association.name,
        "nei": not_enough_information,
        "limit": framework.reference_not_enough_information_limit,
        "months": framework.reference_valid_months,
        "link": settings.SITE_URL.rstrip("/")
        + reverse("portfolios:references.list", kwargs={"application_id": application.pk}),
    }
    name = "not_counted" if reference.status == ReferenceStatus.NOT_COUNTED else "received"
    email_on_commit(
        association=application.association,
        key=f"reference_{name}",
        to=applicant.email,
        language=applicant.preferred_language,
        context=context,
        reply_to=application.association.contact_email,
    )


# --- services -----------------------------------------------------------------------------------


def _check_rater_email(*, application: Application, rater_email: str, exclude=None) -> str:
    email = rater_email.strip()
    if email.casefold() == application.applicant.email.casefold():
        raise ValidationError(
            {
                "rater_email": _(
                    "This is your own e-mail address. Ask someone who knows your work to rate you."
                )
            }
        )
    already = (
        Reference.objects.filter(
            application=application,
            rater_email__iexact=email,
            status__in=[ReferenceStatus.INVITED, ReferenceStatus.COMPLETED],
        )
        .live()
        .exclude(pk=getattr(exclude, "pk", None))
    )
    if already.exists():
        raise ValidationError(
            {
                "rater_email": _(
                    "You have already asked %(email)s. Send them a new link or replace them "
                    "from your references page instead."
                )
                % {"email": email}
            }
        )
    return email


def _invite(
    *,
    application: Application,
    rater_name: str,
    rater_email: str,
    relationship: str,
    waive: bool,
    rater_language: str | None,
    by,
    replaces: Reference | None = None,
) -> Reference:
    email = _check_rater_email(application=application, rater_email=rater_email)
    if relationship not in RaterRelationship.values:
        raise ValidationError({"relationship": _("Choose how this person knows you.")})
    languages = dict(settings.LANGUAGES)
    language = rater_language or application.applicant.preferred_language
    if language not in languages:
        language = settings.LANGUAGE_CODE
    token, hashed = _new_token()
    now = timezone.now()
    reference = Reference.objects.create(
        application=application,
        rater_name=rater_name.strip(),
        rater_email=email,
        relationship=relationship,
        applicant_waived_right_to_see=waive,
        rater_language=language,
        token_hash=hashed,
        token_expires=now + datetime.timedelta(days=settings.REFERENCE_LINK_DAYS),
        sent_at=now,
        replaces=replaces,
    )
    evidence_history_record(
        application=application, instance=reference, action="created", before=None, by=by
    )
    _send_invitation(reference=reference, token=token, is_new_link=False)
    return reference


@transaction.atomic
def reference_invite(
    *,
    application: Application,
    rater_name: str,
    rater_email: str,
    relationship: str,
    waive: bool,
    by,
    rater_language: str | None = None,
) -> Reference:
    """Invite a rater: a new reference with a single-use link, e-mailed once this commits.

    ``rater_language`` (the rater's e-mail and form) defaults to the applicant's language.
    Raises ``ValidationError`` (keyed by form field) for the applicant's own e-mail or a rater
    already asked, ``PortfolioLocked`` once the portfolio is read-only.
    """
    portfolio_assert_editable(application=application)
    return _invite(
        application=application,
        rater_name=rater_name,
        rater_email=rater_email,
        relationship=relationship,
        waive=waive,
        rater_language=rater_language,
        by=by,
    )


def _locked_reference(reference: Reference) -> Reference:
    return Reference.objects.select_for_update().get(pk=reference.pk)


@transaction.atomic
def reference_resend(*, reference: Reference, by) -> Reference:
    """A new link for a rater who has not answered: the old link stops working."""
    application = reference.application
    portfolio_assert_editable(application=application)
    locked = _locked_reference(reference)
    if locked.deleted_at is not None or locked.status not in OPEN_STATUSES:
        raise ValidationError(_("This rater has already answered: a new link is not needed."))
    before = evidence_snapshot(locked)
    token, hashed = _new_token()
    now = timezone.now()
    locked.token_hash = hashed
    locked.token_expires = now + datetime.timedelta(days=settings.REFERENCE_LINK_DAYS)
    locked.sent_at = now
    locked.status = ReferenceStatus.INVITED
    locked.save(update_fields=["token_hash", "token_expires", "sent_at", "status", "updated"])
    locked.application = application
    evidence_history_record(
        application=application, instance=locked, action="changed", before=before, by=by
    )
    _send_invitation(reference=locked, token=token, is_new_link=True)
    return locked


def reference_reminder_link(*, reference: Reference) -> str:
    """A fresh personal link for the rater's reminder, or "" when the link can no longer be
    used (rated, replaced, withdrawn or expired meanwhile).

    Only the token's hash is kept, so the invitation's link cannot be sent again: the reminder
    carries a new token, and the earlier link stops working (the draft, kept on the reference,
    is not lost). The deadline and the invitation's date stay as they are: a reminder is not a
    new invitation (``reference_resend`` is). Runs in the caller's transaction, with the row
    locked against the rater sending their rating at the same moment.
    """
    locked = _locked_reference(reference)
    if rating_link_problem(reference=locked):
        return ""
    token, hashed = _new_token()
    # Not "updated" (nor the evidence's history): a new link is not a change of the evidence.
    Reference.objects.filter(pk=locked.pk).update(token_hash=hashed)
    return rating_url(token)


@transaction.atomic
def reference_replace(
    *,
    reference: Reference,
    rater_name: str,
    rater_email: str,
    relationship: str,
    by,
    rater_language: str | None = None,
    waive: bool | None = None,
) -> Reference:
    """Ask someone else instead: the old reference is REPLACED (its link stops working and its
    rating no longer counts) and the new rater is invited. The language and the waiver default
    to the old reference's."""
    application = reference.application
    portfolio_assert_editable(application=application)
    old = _locked_reference(reference)
    if old.deleted_at is not None or old.status == ReferenceStatus.REPLACED:
        raise ValidationError(_("This reference has already been replaced or withdrawn."))
    before = evidence_snapshot(old)
    old.status = ReferenceStatus.REPLACED
    old.save(update_fields=["status", "updated"])
    evidence_history_record(
        application=application, instance=old, action="changed", before=before, by=by
    )
    return _invite(
        application=application,
        rater_name=rater_name,
        rater_email=rater_email,
        relationship=relationship,
        waive=old.applicant_waived_right_to_see if waive is None else waive,
        rater_language=rater_language or old.rater_language,
        by=by,
        replaces=old,
    )


@transaction.atomic
def reference_withdraw(*, reference: Reference, by) -> None:
    """Withdraw an invitation never answered: the link stops working. Not undone: invite again."""
    application = reference.application
    locked = _locked_reference(reference)
    if locked.deleted_at is not None or locked.status not in OPEN_STATUSES:
        raise ValidationError(_("Only an invitation that has not been answered can be withdrawn."))
    evidence_delete(application=application, instance=locked, by=by)


def rating_draft_scores(reference: Reference) -> dict[int, str]:
    """{competency id: score} of the rater's saved draft ({} without one)."""
    scores = (reference.rating_draft or {}).get("scores") or {}
    return {int(pk): score for pk, score in scores.items()}


@transaction.atomic
def reference_save_rating_draft(
    *, reference: Reference, scores: dict[int, str], comment: str
) -> Reference:
    """Keep the rater's answers so far (any number of items) and comment, to finish later.

    The link is not used up: only ``reference_submit_rating`` does that. Raises
    ``RatingLinkUnusable`` like it, ``ValidationError`` for an unknown item or an invalid score.
    """
    locked = Reference.objects.select_for_update().get(pk=reference.pk)
    problem = rating_link_problem(reference=locked)
    if problem:
        raise RatingLinkUnusable(problem)
    item_ids = set(
        Competency.objects.filter(categories=reference.application.category).values_list(
            "pk", flat=True
        )
    )
    if not set(scores) <= item_ids:
        raise ValidationError(_("One of the rated items is not in this form."))
    if any(score not in RatingScore.values for score in scores.values()):
        raise ValidationError(_("One of the ratings is not a valid choice."))
    locked.rating_draft = {
        "scores": {str(pk): score for pk, score in sorted(scores.items())},
        "comment": comment.strip(),
    }
    # Not "updated": a draft is not a change of the evidence.
    locked.save(update_fields=["rating_draft"])
    reference.rating_draft = locked.rating_draft
    return locked


@transaction.atomic
def reference_submit_rating(
    *, reference: Reference, scores: dict[int, str], comment: str
) -> Reference:
    """The rater's answers: one score (or NEI) for every competency item of the category.

    Uses up the link. Raises ``RatingLinkUnusable`` when the link is used, expired, replaced or
    withdrawn, ``ValidationError`` when an item is missing, unknown or has an invalid score.
    """
    locked = Reference.objects.select_for_update().get(pk=reference.pk)
    problem = rating_link_problem(reference=locked)
    if problem:
        raise RatingLinkUnusable(problem)
    application = reference.application
    locked.application = application
    item_ids = set(
        Competency.objects.filter(categories=application.category).values_list("pk", flat=True)
    )
    if set(scores) != item_ids:
        raise ValidationError(_("Rate every competency item, or choose “Not enough information”."))
    if any(score not in RatingScore.values for score in scores.values()):
        raise ValidationError(_("One of the ratings is not a valid choice."))
    # The draft is the rater's alone: gone once the rating is sent, and never in the history.
    locked.rating_draft = None
    before = evidence_snapshot(locked)
    nei = sum(1 for score in scores.values() if score == RatingScore.NOT_ENOUGH_INFORMATION)
    limit = application.framework.reference_not_enough_information_limit
    ReferenceRating.objects.bulk_create(
        ReferenceRating(reference=locked, competency_id=pk, score=score)
        for pk, score in sorted(scores.items())
    )
    locked.status = ReferenceStatus.NOT_COUNTED if nei > limit else ReferenceStatus.COMPLETED
    locked.comment = comment.strip()
    locked.completed_at = timezone.now()
    locked.save(update_fields=["status", "comment", "completed_at", "rating_draft", "updated"])
    evidence_history_record(
        application=application, instance=locked, action="changed", before=before, by=None
    )
    _send_rating_received(reference=locked, not_enough_information=nei)
    return locked
