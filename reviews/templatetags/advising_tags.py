"""The advisor's part of the portfolio pages: the comments panel, the header line, the
per-section unresolved badges and the summary's advisor box (``{% load advising_tags %}``).

They share one count query per page (kept on the application instance)."""

import rules
from django import template
from django.utils.html import format_html
from django.utils.translation import ngettext

from endorsement.enums import BUILDING_STATES
from reviews.enums import CommentSection
from reviews.panels import comments_panel_context
from reviews.selectors import advising

register = template.Library()


def _may_view(context) -> bool:
    request = context.get("request")
    application = context.get("application")
    return (
        request is not None
        and application is not None
        and rules.has_perm("reviews.view_comments", request.user, application)
    )


def _counts(context) -> dict[str, int]:
    """{section: unresolved threads}; on a section page read with the page's threads."""
    application = context["application"]
    section = context.get("current_section") or CommentSection.GENERAL
    if section in CommentSection.values:
        advising.comment_threads(application=application, section=section)
    return advising.unresolved_by_section(application=application)


@register.inclusion_tag("reviews/advising/_panel.html", takes_context=True)
def comments_panel(context):
    """The threads of the page's section (the portfolio as a whole on the summary)."""
    if not _may_view(context):
        return {"show_comments": False}
    return comments_panel_context(
        request=context["request"],
        application=context["application"],
        section=context.get("current_section") or "",
    )


@register.inclusion_tag("reviews/advising/_header.html", takes_context=True)
def advising_header(context):
    """Who advises the applicant and how many comments are unresolved, for both of them."""
    if not _may_view(context):
        return {"show": False}
    application = context["application"]
    counts = _counts(context)
    return {
        "show": True,
        "application": application,
        "total_unresolved": sum(counts.values()),
        "is_owner": application.applicant_id == context["request"].user.pk,
    }


@register.simple_tag(takes_context=True)
def unresolved_badge(context, section):
    """A badge with the section's unresolved comments, after its name in the section list."""
    if not _may_view(context):
        return ""
    count = _counts(context).get(section or CommentSection.GENERAL, 0)
    if not count:
        return ""
    return format_html(
        ' <span class="badge rounded-pill text-bg-warning unresolved-badge">'
        '{}<span class="visually-hidden"> {}</span></span>',
        count,
        ngettext("unresolved comment", "unresolved comments", count),
    )


@register.inclusion_tag("reviews/advising/_summary.html", takes_context=True)
def advising_summary(context):
    """The summary's advisor box: ask for an advisor, the sign-off, the advisor's button."""
    request = context.get("request")
    application = context.get("application")
    if request is None or application is None:
        return {"show": False}
    user = request.user
    is_owner = application.applicant_id == user.pk
    is_advisor = application.advisor_id == user.pk
    coordinator = not is_owner and rules.has_perm("reviews.assign_advisor", user, application)
    if not (is_owner or is_advisor or coordinator):
        return {"show": False}
    required = application.association.advisor_signoff_required
    return {
        "show": True,
        "application": application,
        "is_owner": is_owner,
        "is_advisor": application.advisor_id == user.pk,
        "is_coordinator": coordinator,
        "can_request": rules.has_perm("reviews.request_advisor", user, application),
        "can_mark_ready": rules.has_perm("reviews.mark_ready", user, application),
        "signoff_required": required,
        "signed_off": advising.signoff_given(application),
        "building": application.state in BUILDING_STATES,
    }
