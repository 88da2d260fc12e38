"""The advising comments panel shown on the portfolio's own pages: what one page's panel
shows, built for the ``advising`` template tags and for the comment views' htmx answers."""

import rules
from django.urls import reverse

from portfolios.requirements import SECTIONS
from reviews.enums import CommentSection
from reviews.selectors import advising

SECTION_URLS = {key: url_name for key, _label, url_name in SECTIONS}


def section_url(application, section: str) -> str:
    """The portfolio page where the section's comments are shown (the summary for the
    portfolio as a whole)."""
    url_name = SECTION_URLS.get(section, "portfolios:summary")
    return reverse(url_name, kwargs={"application_id": application.pk})


def comments_panel_context(*, request, application, section: str) -> dict:
    """What the comments panel of one portfolio page shows (at most 4 queries)."""
    section = section or CommentSection.GENERAL
    user = request.user
    # Pages that are not a section of the portfolio (e.g. its timeline) have no comments.
    if section not in CommentSection.values or not rules.has_perm(
        "reviews.view_comments", user, application
    ):
        return {"show_comments": False}
    # Without an advisor and without a comment there is nothing to read or write: no panel.
    if application.advisor_id is None and not getattr(application, "has_comments", True):
        return {"show_comments": False}
    threads = advising.comment_threads(application=application, section=section)
    counts = advising.unresolved_by_section(application=application)
    return {
        "show_comments": True,
        "application": application,
        "comment_section": section,
        "comment_section_label": CommentSection(section).label,
        "threads": threads,
        "can_comment": rules.has_perm("reviews.comment_application", user, application),
        "section_unresolved": counts.get(section, 0),
        "total_unresolved": sum(counts.values()),
        "next_url": section_url(application, section),
        "request": request,
    }
