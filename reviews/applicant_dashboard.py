"""What ``reviews`` adds to each application on the applicant's dashboard (registered from
``ReviewsConfig.ready`` with ``endorsement.selectors``, in the applications' own query)."""

from django.db.models import Count, Q

from endorsement.selectors import register_applicant_annotation


@register_applicant_annotation("unresolved_comments")
def unresolved_comments() -> Count:
    """Threads (first comments) not yet resolved; ``comments`` is reviews.Comment."""
    return Count(
        "comments",
        filter=Q(comments__parent__isnull=True, comments__resolved_at__isnull=True),
    )
