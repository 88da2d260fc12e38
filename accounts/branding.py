"""An association's colours in the portal's header: the text colour that keeps WCAG AA contrast
on its brand colour, and the association a page belongs to (``page_association``)."""

import re
from dataclasses import dataclass

from accounts.models import Association

HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")
PORTAL_COLOUR = "#1f4e79"
LIGHT_TEXT = "#ffffff"
DARK_TEXT = "#000000"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour (0 black to 1 white)."""
    match = HEX.match(colour.strip())
    if not match:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    digits = match.group(1)
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_for(background: str) -> str:
    """White or black, whichever contrasts more with ``background``: the better of the two is
    never below 4.58:1, so AA for normal text holds whatever colour an association picks."""
    if contrast_ratio(background, LIGHT_TEXT) >= contrast_ratio(background, DARK_TEXT):
        return LIGHT_TEXT
    return DARK_TEXT


@dataclass(frozen=True)
class Brand:
    """What the header needs: the association (None: the portal's own look), its colour, the
    text colour on it and whether that text is light (the navbar's Bootstrap theme)."""

    association: Association | None
    colour: str
    text: str

    @property
    def is_dark(self) -> bool:
        return self.text == LIGHT_TEXT

    @property
    def logo_url(self) -> str:
        if self.association is None or not self.association.logo:
            return ""
        try:
            return self.association.logo.url
        except ValueError:
            return ""


def brand_for(association: Association | None) -> Brand:
    colour = PORTAL_COLOUR
    if association is not None and HEX.match(association.brand_colour or ""):
        colour = association.brand_colour.lower()
        if not colour.startswith("#"):
            colour = f"#{colour}"
    return Brand(association=association, colour=colour, text=text_colour_for(colour))


def _cached_association(obj) -> Association | None:
    """``obj.association`` when it is already loaded (never a query of its own)."""
    field = getattr(type(obj), "association", None)
    is_cached = getattr(getattr(field, "field", None), "is_cached", None)
    if is_cached is None or not is_cached(obj):
        return None
    return obj.association


def page_association(context) -> Association | None:
    """The association a page belongs to, from its context: ``brand_association`` (a page may
    set it), ``association`` (staff dashboards and pages, public association pages), or the
    ``application``'s association when loaded with it. None on pages about several."""
    for key in ("brand_association", "association"):
        value = context.get(key)
        if isinstance(value, Association):
            return value
    application = context.get("application")
    if application is not None:
        return _cached_association(application)
    return None
