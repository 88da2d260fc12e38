"""Sample data for the components page (``accounts:ui``): every component, every variant."""

from types import SimpleNamespace

from django.utils.translation import gettext as _

from accounts import ui
from accounts.branding import PORTAL_COLOUR, contrast_ratio, text_colour_for
from accounts.dashboards import NextStep


def _item(detail, *, met, required=True, notes=(), label=""):
    return SimpleNamespace(
        detail=detail,
        met=met,
        required=required,
        notes=list(notes),
        label=label,
        missing=not met and required,
        url_name="",
        section="sample",
    )


def components_samples() -> dict:
    states = [
        {"state": state, "label": ui.STATUS_LABELS.get(state, state), "family": family}
        for state, family in ui.STATUS_FAMILIES.items()
    ]
    return {
        "sample_step": NextStep(
            heading=_("Amend your portfolio"),
            text=_("The review asks you to amend your portfolio, then submit it again."),
            action_label=_("Amend your portfolio"),
            action_url="#next-step",
            links=((_("Open your portfolio"), "#step-list"),),
            detail_label=_("What to amend, from the coordinator:"),
            detail=_("Add a training on attachment."),
        ),
        "sample_waiting": NextStep(
            heading=_("Nothing to do for now"),
            text=_("You will get an e-mail when something changes."),
        ),
        "sample_steps": [
            {"label": _("Registered"), "status": "done"},
            {"label": _("Accepted"), "status": "done"},
            {"label": _("Portfolio submitted"), "status": "current"},
            {"label": _("In review"), "status": "upcoming"},
            {"label": _("Awarded"), "status": "upcoming"},
        ],
        "sample_items": [
            _item(_("Two years of paid work with infants and families"), met=True),
            _item(_("24 RS/C hours within 12 to 24 months: 18 so far"), met=False),
            _item(_("A rating from your RS/C provider"), met=False, required=False),
        ],
        "sample_states": states,
        "brand_examples": [_brand_example(colour) for colour in BRAND_EXAMPLES],
    }


BRAND_EXAMPLES = (PORTAL_COLOUR, "#1f5f8b", "#f0b400", "#2e7d32", "#ffffff")


def _brand_example(colour: str) -> dict:
    text = text_colour_for(colour)
    return {"colour": colour, "text": text, "ratio": f"{contrast_ratio(colour, text):.1f}"}
