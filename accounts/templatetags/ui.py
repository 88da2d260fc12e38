"""The portal's components (docs/ui.md): inclusion tags rendering ``templates/components/``.

``{% load ui %}`` then ``{% page_header %}``, ``{% next_step_card %}``, ``{% step_list %}``,
``{% checklist %}``, ``{% status_badge %}``, ``{% empty_state %}``; ``{% brand_style %}`` in the
base layout. Each keeps the classes the pages (and their tests) already used."""

from django import template

from accounts.branding import brand_for, page_association
from accounts.ui import status_family

register = template.Library()


@register.inclusion_tag("components/page_header.html")
def page_header(title, association=None, lead=""):
    """The page's one h1, with the association's name above it and an optional lead sentence."""
    return {"title": title, "association": association, "lead": lead}


@register.inclusion_tag("components/next_step_card.html")
def next_step_card(step, eyebrow=""):
    """What the person must do now (``accounts.dashboards.NextStep``); nothing when None."""
    return {"step": step, "eyebrow": eyebrow}


@register.inclusion_tag("components/step_list.html")
def step_list(steps):
    """Progress steps, each with ``label`` and ``status`` ("done", "current", "upcoming")."""
    return {"steps": steps}


@register.inclusion_tag("components/checklist.html")
def checklist(items, application=None, section="", todo=False, show_links=False, counts=False):
    """Requirement rows (``met``, ``required``, ``detail``, ``notes``, ``label``, ``missing``,
    ``url_name``, ``section``): met / not met (or "to do" while building), optional rows, links
    to the section where a missing row is completed, and "n of m met" when ``counts``."""
    items = list(items)
    required = [item for item in items if getattr(item, "required", True)]
    return {
        "items": items,
        "application": application,
        "section": section,
        "todo": todo,
        "show_links": show_links,
        "counts": counts,
        "met_count": sum(1 for item in required if item.met),
        "required_count": len(required),
    }


@register.inclusion_tag("components/status_badge.html")
def status_badge(state, label):
    """A state in words, coloured by its family (``accounts.ui``)."""
    return {"state": state, "label": label, "family": status_family(state)}


@register.inclusion_tag("components/empty_state.html")
def empty_state(text, action_label="", action_url="", extra_class=""):
    """Nothing to show yet: one sentence and an optional (secondary) action."""
    return {
        "text": text,
        "action_label": action_label,
        "action_url": action_url,
        "extra_class": extra_class,
    }


@register.simple_tag(takes_context=True)
def page_brand(context):
    """The header's brand for this page (``accounts.branding``): the page's association's
    colour, logo and name, or the portal's own."""
    return brand_for(page_association(context))
