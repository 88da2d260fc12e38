"""``local``: a moment in an association's time zone, or the reader's own when they chose one
(``accounts.time_zones.zone_for``), for pages that show several associations at once; pages
about one association need no filter (the request's active time zone is already theirs).

    {% load portal_time %}
    {{ event.at|local:application.association|date:"DATE_FORMAT" }}
"""

from django import template
from django.templatetags.tz import do_timezone

from accounts.time_zones import zone_for

register = template.Library()


@register.filter
def local(value, association):
    """``value`` (an aware datetime) in the zone where it is read; anything else unchanged
    but a missing value, which becomes ""."""
    return do_timezone(value, zone_for(association=association))
