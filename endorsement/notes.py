"""Notes the portal writes itself on a step, shown in the reader's language.

A person's note is kept as they typed it (``ApplicationEvent.note``). A note the portal
generates (the award's number and date, the inactivity hold; the exam sitting and result that
``reviews.notes`` registers) is stored as a key of ``NOTES`` and its values
(``ApplicationEvent.note_key`` and ``note_values``, plain JSON), and rendered when it is read:
in the active language, with dates and numbers in that language's formats. ``note`` keeps the
same text in the site's language (``settings.LANGUAGE_CODE``) for the admin, the CSV and
searching.

Values are JSON: dates and moments as ISO text (``note_values_json`` turns ``date``,
``datetime`` and ``Decimal`` into text), numbers as numbers or decimal text.
"""

import datetime
import json
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import formats, translation
from django.utils.translation import gettext as _


def _award(values: dict) -> str:
    valid_through = datetime.date.fromisoformat(values["date"])
    return _("Endorsement %(number)s, valid through %(date)s.") % {
        "number": values["number"],
        "date": formats.date_format(valid_through, "DATE_FORMAT"),
    }


def _hold_inactive(values: dict) -> str:
    return _(
        "No activity for %(months)s months: the application is on hold. Resume it from "
        "the portfolio when you are ready to go on."
    ) % {"months": note_number(values["months"])}


def _date(values: dict, key: str = "date") -> str:
    return formats.date_format(datetime.date.fromisoformat(values[key]), "DATE_FORMAT")


def _endorsement_open_renewal(values: dict) -> str:
    return _("Renewal is due: renew by %(date)s to stay endorsed.") % {"date": _date(values)}


def _endorsement_lapse(values: dict) -> str:
    return _("Not renewed by %(date)s: the endorsement lapsed.") % {"date": _date(values)}


def _endorsement_renew(values: dict) -> str:
    return _("Renewed: valid through %(date)s.") % {"date": _date(values)}


def _endorsement_reinstate(values: dict) -> str:
    return _("Reinstated: valid through %(date)s.") % {"date": _date(values)}


def _endorsement_retire(values: dict) -> str:
    return _("Emeritus, at the holder's request.")


def _endorsement_supersede(values: dict) -> str:
    return _("Superseded by endorsement %(number)s.") % {"number": values["number"]}


def _endorsement_transfer(values: dict) -> str:
    return _("Transferred to %(association)s as endorsement %(number)s.") % {
        "association": values["association"],
        "number": values["number"],
    }


def _reinstatement_start(values: dict) -> str:
    return _(
        "Reinstatement of endorsement %(number)s: new work experience, three new reference "
        "ratings and the reinstatement fee."
    ) % {"number": values["number"]}


def _application_reinstate(values: dict) -> str:
    return _("Endorsement %(number)s reinstated, valid through %(date)s.") % {
        "number": values["number"],
        "date": _date(values),
    }


# key -> how its note reads in the active language, from its values:
#   "award":         number, date (valid through, ISO date)
#   "hold_inactive": months
# Later apps register their own notes with ``register_note`` when they load (``reviews.notes``:
# the exam sitting and the exam result).
NOTES: dict[str, Callable[[dict], str]] = {
    "award": _award,
    "hold_inactive": _hold_inactive,
    # The endorsement's own steps (``endorsement.lifecycle``): "date" is an ISO date.
    "endorsement_open_renewal": _endorsement_open_renewal,
    "endorsement_lapse": _endorsement_lapse,
    "endorsement_renew": _endorsement_renew,
    "endorsement_reinstate": _endorsement_reinstate,
    "endorsement_retire": _endorsement_retire,
    "endorsement_supersede": _endorsement_supersede,
    "endorsement_transfer": _endorsement_transfer,
    # A reinstatement's application (``endorsement.continuations``): "number", "date".
    "reinstatement_start": _reinstatement_start,
    "application_reinstate": _application_reinstate,
}


def register_note(key: str):
    """Make the decorated ``function(values) -> str`` the note ``key``."""

    def decorate(function):
        NOTES[key] = function
        return function

    return decorate


def note_number(value) -> str:
    """A number of a note's values, in the active language's format."""
    return formats.number_format(Decimal(str(value)))


def note_values_json(values: dict) -> dict:
    """``values`` as stored in a JSONField: dates, moments and decimals as ISO/decimal text."""
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def note_render(key: str, values: dict, *, language: str | None = None) -> str:
    """The note ``key`` with ``values`` in ``language`` (the active one when not given).

    Raises ``KeyError`` for a key that is not in ``NOTES``.
    """
    render = NOTES[key]
    if language is None:
        return render(values)
    with translation.override(language):
        return render(values)


def note_in_site_language(key: str, values: dict) -> str:
    """The note as ``ApplicationEvent.note`` keeps it: in the site's language."""
    return note_render(key, values, language=settings.LANGUAGE_CODE)
