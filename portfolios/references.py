"""References: raters invited through a single-use link, their ratings, and what they count for.

The rules, in plain words:

* Inviting a rater creates a random token (``secrets.token_urlsafe``); only its SHA-256 is kept
  (``Reference.token_hash``), the token itself travels only in the e-mail to the rater. The link
  ``/portfolio/rate/<token>/`` works until ``token_expires`` (``REFERENCE_LINK_DAYS`` days) and
  only once: the rating uses it up. Sending a new link makes the old one stop working.
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
(``Reference.rater_language``); the applicant's e-mails are in the applicant's language.
"""

import calendar
import datetime
import hashlib
import logging
import math
import secrets
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from competencies.enums import ReferenceKind, RequirementKind
from competencies.models import Competency, Requirement
from endorsement.models import Application
from portfolios.enums import RaterRelationship, RatingScore, ReferenceStatus
from portfolios.models import Reference, ReferenceRating
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

# Short names of the reference kinds in the summary ("…, supervisor pending").
KIND_SHORT = {
    ReferenceKind.CURRENT_SUPERVISOR: gettext_lazy("supervisor"),
    ReferenceKind.RSC_PROVIDER: gettext_lazy("RS/C provider"),
    ReferenceKind.RSC_RECIPIENT: gettext_lazy("RS/C recipient"),
}

# Names of the reference kinds at the start of a requirement's message.
KIND_LABEL = {
    ReferenceKind.CURRENT_SUPERVISOR: gettext_lazy("Current supervisor"),
    ReferenceKind.RSC_PROVIDER: gettext_lazy("RS/C provider"),
    ReferenceKind.RSC_RECIPIENT: gettext_lazy("Someone who receives RS/C from you"),
    ReferenceKind.ANY: gettext_lazy("Anyone who knows your work"),
}

# Statuses whose link can still be used (the others have used it up or retired it).
OPEN_STATUSES = {ReferenceStatus.INVITED, ReferenceStatus.EXPIRED}
RATED_STATUSES = {ReferenceStatus.COMPLETED, ReferenceStatus.NOT_COUNTED}


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


# --- validity -----------------------------------------------------------------------------------


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, _month_days(year, month)))


def _month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def rating_valid_until(*, reference: Reference, application: Application):
    if reference.completed_at is None:
        return None
    return add_months(reference.completed_at, application.framework.reference_valid_months)


def rating_is_valid(*, reference: Reference, application: Application, now=None) -> bool:
    """A completed (counted) rating, still inside its validity."""
    if reference.status != ReferenceStatus.COMPLETED or reference.deleted_at is not None:
        return False
    return (now or timezone.now()) < rating_valid_until(
        reference=reference, application=application
    )


# --- e-mails ------------------------------------------------------------------------------------


def _local_date(moment: datetime.datetime, application: Application) -> str:
    zone = zoneinfo.ZoneInfo(application.association.time_zone)
    return date_format(timezone.localtime(moment, zone).date(), "DATE_FORMAT")


def _send(*, to: str, subject: str, body: str, reply_to: str) -> None:
    """Sent once the transaction commits; a failure is logged (the applicant can resend)."""

    def send():
        try:
            EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[to],
                reply_to=[reply_to],
            ).send()
        except Exception:
            logger.exception("Reference e-mail to %s could not be sent", to)

    transaction.on_commit(send)


def _render_mail(name: str, context: dict, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"portfolios/emails/references/{name}_subject.txt", context)
        body = render_to_string(f"portfolios/emails/references/{name}.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def minutes_to_rate(item_count: int) -> int:
    """A generous estimate: 20 seconds per item and 5 minutes for the comment, in fives."""
    return max(10, 5 * math.ceil((5 + item_count / 3) / 5))


def _send_invitation(*, reference: Reference, token: str, is_new_link: bool) -> None:
    application = reference.application
    items = Competency.objects.filter(categories=application.category).count()
    language = reference.rater_language
    with translation.override(language):
        context = {
            "reference": reference,
            "applicant": application.applicant.get_full_name(),
            "association": application.association,
            "category": application.category,
            "role": RATER_ROLE[reference.relationship],
            "items": items,
            "minutes": minutes_to_rate(items),
            "deadline": _local_date(reference.token_expires, application),
            "link": rating_url(token),
            "is_new_link": is_new_link,
            "limit": application.framework.reference_not_enough_information_limit,
        }
    subject, body = _render_mail("invitation", context, language)
    _send(
        to=reference.rater_email,
        subject=subject,
        body=body,
        reply_to=application.association.contact_email,
    )


def _send_rating_received(*, reference: Reference, not_enough_information: int) -> None:
    application = reference.application
    applicant = application.applicant
    framework = application.framework
    context = {
        "reference": reference,
        "applicant": applicant.get_short_name(),
        "association": application.association,
        "nei": not_enough_information,
        "limit": framework.reference_not_enough_information_limit,
        "months": framework.reference_valid_months,
        "link": settings.SITE_URL.rstrip("/")
        + reverse("portfolios:references.list", kwargs={"application_id": application.pk}),
    }
    name = "not_counted" if reference.status == ReferenceStatus.NOT_COUNTED else "received"
    subject, body = _render_mail(name, context, applicant.preferred_language)
    _send(
        to=applicant.email,
        subject=subject,
        body=body,
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
    locked.save(update_fields=["status", "comment", "completed_at", "updated"])
    evidence_history_record(
        application=application, instance=locked, action="changed", before=before, by=None
    )
    _send_rating_received(reference=locked, not_enough_information=nei)
    return locked


# --- the state of the references ------------------------------------------------------------------


@dataclass
class ReferenceResult:
    """One rating needed (one REFERENCE requirement row) and what fills it."""

    kind: str
    requirement: Requirement | None
    reference: Reference | None = None  # the valid counted rating that fills it
    waiting: Reference | None = None  # otherwise: the invitation (or failed rating) for it
    messages: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.reference is not None

    @property
    def label(self) -> str:
        return str(KIND_LABEL[self.kind])


@dataclass
class ReferencesStatus:
    """Per rating needed, whether a valid counted rating fills it; iterable over the results
    (each with .requirement, .met and .messages, like the RS/C results)."""

    results: list[ReferenceResult]
    summary: str
    counted: list[Reference]

    def __iter__(self):
        return iter(self.results)

    def __len__(self):
        return len(self.results)

    @property
    def needed(self) -> int:
        return len(self.results)

    @property
    def received(self) -> int:
        return sum(1 for result in self.results if result.met)

    @property
    def met(self) -> bool:
        return all(result.met for result in self.results)

    @property
    def pending_kinds(self) -> list[str]:
        return [result.kind for result in self.results if not result.met]


def _and_join(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def _summary(results: list[ReferenceResult]) -> str:
    received = sum(1 for r in results if r.met)
    pending = [str(KIND_SHORT[r.kind]) for r in results if not r.met and r.kind in KIND_SHORT]
    others = sum(1 for r in results if not r.met and r.kind not in KIND_SHORT)
    if others:
        pending.append(ngettext("%(n)s other", "%(n)s others", others) % {"n": others})
    values = {"received": received, "needed": len(results)}
    if not pending:
        return _("references: %(received)s of %(needed)s received") % values
    return _("references: %(received)s of %(needed)s received, %(pending)s pending") % {
        **values,
        "pending": _and_join(pending),
    }


def _result_message(result: ReferenceResult, application: Application, now) -> str:
    label = KIND_LABEL[result.kind]
    reference = result.reference
    if reference is not None:
        return _("%(kind)s: rating from %(name)s received on %(date)s, valid until %(until)s.") % {
            "kind": label,
            "name": reference.rater_name,
            "date": _local_date(reference.completed_at, application),
            "until": _local_date(
                rating_valid_until(reference=reference, application=application), application
            ),
        }
    waiting = result.waiting
    if waiting is None:
        return _("%(kind)s: nobody asked yet.") % {"kind": label}
    values = {"kind": label, "name": waiting.rater_name}
    if waiting.status == ReferenceStatus.NOT_COUNTED:
        return (
            _(
                "%(kind)s: the rating from %(name)s has too many “not enough information” "
                "answers and does not count. Ask someone else."
            )
            % values
        )
    if waiting.status == ReferenceStatus.COMPLETED:
        return _("%(kind)s: the rating from %(name)s is more than %(months)s months old.") % {
            **values,
            "months": application.framework.reference_valid_months,
        }
    if waiting.status == ReferenceStatus.EXPIRED or waiting.token_expires <= now:
        return _("%(kind)s: the link sent to %(name)s has expired. Send a new one.") % values
    return _("%(kind)s: waiting for %(name)s (asked on %(date)s).") % {
        **values,
        "date": _local_date(waiting.sent_at or waiting.created, application),
    }


def reference_requirements(*, application: Application) -> list[Requirement]:
    """The category's REFERENCE rows (uses prefetched requirements when there are some)."""
    return [
        r for r in application.category.requirements.all() if r.kind == RequirementKind.REFERENCE
    ]


def references_status(
    *,
    application: Application,
    references: list[Reference] | None = None,
    now: datetime.datetime | None = None,
) -> ReferencesStatus:
    """Which ratings the category needs and which valid counted ratings fill them.

    ``references`` are the application's live references when the caller has them already;
    otherwise they are read (1 query, plus 1 for the requirement rows unless prefetched).
    """
    now = now or timezone.now()
    if references is None:
        references = list(Reference.objects.filter(application=application).live())
    rows = reference_requirements(application=application)
    results = [
        ReferenceResult(kind=row.reference_kind or ReferenceKind.ANY, requirement=row)
        for row in rows
    ] or [
        ReferenceResult(kind=ReferenceKind.ANY, requirement=None)
        for _n in range(application.framework.reference_count)
    ]
    active = [
        r for r in references if r.deleted_at is None and r.status != ReferenceStatus.REPLACED
    ]
    counted = sorted(
        (r for r in active if rating_is_valid(reference=r, application=application, now=now)),
        key=lambda r: r.completed_at,
        reverse=True,
    )
    others = [r for r in active if r not in counted]
    available = list(counted)

    def take(pool: list[Reference], kind: str) -> Reference | None:
        for reference in pool:
            if kind == ReferenceKind.ANY or reference.relationship == kind:
                pool.remove(reference)
                return reference
        return None

    specific = [r for r in results if r.kind != ReferenceKind.ANY]
    for result in specific + [r for r in results if r.kind == ReferenceKind.ANY]:
        result.reference = take(available, result.kind)
    for result in specific + [r for r in results if r.kind == ReferenceKind.ANY]:
        if result.reference is None:
            result.waiting = take(others, result.kind)
        result.messages = [_result_message(result, application, now)]
    return ReferencesStatus(results=results, summary=_summary(results), counted=counted)


# --- the applicant's list -----------------------------------------------------------------------


@dataclass
class ReferenceRow:
    reference: Reference
    status: str
    valid_until: datetime.datetime | None
    can_resend: bool
    can_replace: bool
    can_withdraw: bool
    can_read: bool


def reference_row(
    *, reference: Reference, application: Application, can_edit: bool, user, now=None
) -> ReferenceRow:
    """A reference as the references page lists it: the status in words and what can be done."""
    now = now or timezone.now()
    status = reference.get_status_display()
    valid_until = rating_valid_until(reference=reference, application=application)
    if reference.status == ReferenceStatus.INVITED and reference.token_expires <= now:
        status = _("Link expired: send a new one")
    elif reference.status == ReferenceStatus.COMPLETED and valid_until <= now:
        status = _("Rating more than %(months)s months old: no longer valid") % {
            "months": application.framework.reference_valid_months
        }
    is_open = reference.status in OPEN_STATUSES
    rated = reference.status in RATED_STATUSES
    hidden = reference.applicant_waived_right_to_see and user.pk == application.applicant_id
    return ReferenceRow(
        reference=reference,
        status=status,
        valid_until=valid_until if reference.status == ReferenceStatus.COMPLETED else None,
        can_resend=can_edit and is_open,
        can_replace=can_edit and reference.status != ReferenceStatus.REPLACED,
        can_withdraw=can_edit and is_open,
        can_read=rated and not hidden,
    )
