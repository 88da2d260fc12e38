"""Reads of advising: the advisors, the comment threads and their unresolved counts, the
advisor's advisees, the applicants waiting for an advisor, the sign-off."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from accounts.enums import Role
from accounts.models import User
from accounts.selectors import role_holders
from endorsement.enums import CLOSED_STATES
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent, advisor_signoff_current
from portfolios.models import Education, Reference, RSCEntry, Training, WorkExperience
from reviews.enums import CommentSection
from reviews.models import Comment

# The sections whose evidence rows a comment may be about (``Comment.object_id``).
SECTION_MODELS = {
    CommentSection.EDUCATION: Education,
    CommentSection.WORK: WorkExperience,
    CommentSection.TRAINING: Training,
    CommentSection.RSC: RSCEntry,
    CommentSection.REFERENCES: Reference,
}


def advisors_of(association):
    """The association's active advisors, by name (a queryset)."""
    return role_holders(association=association, role=Role.ADVISOR)


def advisors_for(*, application: Application) -> QuerySet[User]:
    """The advisors who may be assigned to the application: its association's, but the
    applicant."""
    return advisors_of(application.association).exclude(pk=application.applicant_id)


def section_item(*, application: Application, section: str, object_id: int):
    """The live evidence row ``object_id`` of the portfolio's ``section``, or None (1 query; none
    for a section without rows)."""
    model = SECTION_MODELS.get(section)
    if model is None:
        return None
    return model.objects.filter(application=application, pk=object_id).live().first()


def comments_of(*, application: Application) -> QuerySet[Comment]:
    """The application's comments, with their authors."""
    return Comment.objects.select_related("author").filter(application=application)


def signoff_given(application: Application) -> bool:
    """The advisor marked the portfolio ready for review since its last deferral. Uses
    ``last_deferral`` when the application was loaded with it (``last_deferral_subquery``)."""
    signed = application.ready_for_review_at
    if signed is None:
        return False
    if hasattr(application, "last_deferral"):
        return application.last_deferral is None or application.last_deferral < signed
    return advisor_signoff_current(application)


def has_comments_expression():
    """For ``annotate(has_comments=...)``: whether the application has any comment."""
    return Exists(Comment.objects.filter(application=OuterRef("pk")))


def last_deferral_subquery():
    """For ``annotate(last_deferral=...)``: when the application was last deferred."""
    return Subquery(
        ApplicationEvent.objects.filter(application=OuterRef("pk"), to_state=S.DEFERRED)
        .order_by("-at")
        .values("at")[:1]
    )


def _flag(condition: Q) -> ExpressionWrapper:
    """A condition as a value to order by (false first)."""
    return ExpressionWrapper(condition, output_field=BooleanField())


def unresolved_threads():
    return Comment.objects.filter(parent__isnull=True, resolved_at__isnull=True)


def unresolved_counts(*, application_ids) -> dict[int, int]:
    """{application id: unresolved threads} (1 query; applications without any are left out)."""
    return dict(
        unresolved_threads()
        .filter(application_id__in=list(application_ids))
        .values_list("application_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def unresolved_count_subquery():
    """For ``annotate``: the application's unresolved threads (0 when none)."""
    counted = (
        unresolved_threads()
        .filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def unresolved_by_section(*, application: Application) -> dict[str, int]:
    """{section: unresolved threads} of the application (1 query, kept on the instance;
    ``comment_threads`` fills it with the same query)."""
    cached = getattr(application, "_unresolved_by_section", None)
    if cached is None and getattr(application, "has_comments", True) is False:
        cached = application._unresolved_by_section = {}
    if cached is None:
        cached = dict(
            unresolved_threads()
            .filter(application=application)
            .values_list("section")
            .annotate(n=Count("id"))
            .order_by()
        )
        application._unresolved_by_section = cached
    return cached


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment]
    item: str  # what the thread is about: the evidence row, or "" for the section itself
    item_missing: bool  # about an evidence row since deleted


def comment_threads(*, application: Application, section: str) -> list[Thread]:
    """The section's threads, unresolved first, then oldest first, with their replies and the
    evidence rows they are about. One query reads the section's comments and every unresolved
    thread (for ``unresolved_by_section``); one more names the evidence rows, if any. Kept on
    the application instance: the page's header and panel ask for the same."""
    cache = application.__dict__.setdefault("_comment_threads", {})
    if getattr(application, "has_comments", True) is False:
        # Loaded with ``has_comments_expression``: nothing to read.
        application._unresolved_by_section = {}
        return []
    if section not in cache:
        cache[section] = _comment_threads(application=application, section=section)
    return cache[section]


def _comment_threads(*, application: Application, section: str) -> list[Thread]:
    rows = list(
        Comment.objects.filter(application=application)
        .filter(Q(section=section) | Q(parent__isnull=True, resolved_at__isnull=True))
        .select_related("author", "resolved_by")
        .order_by("created", "id")
    )
    counts: dict[str, int] = defaultdict(int)
    roots: list[Comment] = []
    replies: dict[int, list[Comment]] = defaultdict(list)
    for row in rows:
        if row.parent_id is None and row.resolved_at is None:
            counts[row.section] += 1
        if row.section != section:
            continue
        if row.parent_id is None:
            roots.append(row)
        else:
            replies[row.parent_id].append(row)
    application._unresolved_by_section = dict(counts)
    roots.sort(key=lambda root: root.resolved_at is not None)  # stable: oldest first in each
    labels: dict[int, str] = {}
    model = SECTION_MODELS.get(section)
    ids = {root.object_id for root in roots if root.object_id is not None}
    if model is not None and ids:
        labels = {
            row.pk: str(row)
            for row in model.objects.filter(application=application, pk__in=ids).live()
        }
    return [
        Thread(
            comment=root,
            replies=replies.get(root.pk, []),
            item=labels.get(root.object_id, "") if root.object_id else "",
            item_missing=root.object_id is not None and root.object_id not in labels,
        )
        for root in roots
    ]


def advisees(*, advisor: User, association) -> list[Application]:
    """The advisor's advisees in the association, each with ``unresolved`` (threads) and
    ``last_deferral``; open ones first (1 query)."""
    return list(
        Application.objects.filter(association=association, advisor=advisor)
        .select_related("applicant", "category")
        .annotate(
            unresolved=unresolved_count_subquery(),
            last_deferral=last_deferral_subquery(),
        )
        .order_by(_flag(Q(state__in=CLOSED_STATES)), "applicant__full_name", "id")
    )


def advisor_requests(*, association, limit: int = 50) -> list[Application]:
    """Open applications whose applicant asked for an advisor and has none yet, oldest request
    first (1 query)."""
    return list(
        Application.objects.filter(
            association=association, advisor__isnull=True, advisor_requested_at__isnull=False
        )
        .exclude(state__in=CLOSED_STATES)
        .select_related("applicant", "category")
        .order_by("advisor_requested_at", "id")[:limit]
    )
