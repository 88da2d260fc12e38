"""Notes the portal writes itself on a step, shown in the reader's language.

A person's note is kept as they typed it (``ApplicationEvent.note``). A note the portal
generates (the award's number and date, the inactivity hold, the exam sitting, the exam result)
is stored as a key of ``NOTES`` and its values (``ApplicationEvent.note_key`` and
``note_values``, plain JSON), and rendered when it is read: in the active language, with dates
and numbers in that language's formats. ``note`` keeps the same text in the site's language
(``settings.LANGUAGE_CODE``) for the admin, the CSV and searching.

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


def sitting_text(moment: datetime.datetime, *, is_online: bool, place: str) -> str:
    """“12 March 2027, 09:00, Northfield University”: ``moment`` already in the association's
    time zone, formatted in the active language."""
    when = formats.date_format(moment, "DATETIME_FORMAT")
    where = _("online") if is_online else place
    return f"{when}, {where}" if where else when


def _number(value) -> str:
    return formats.number_format(Decimal(str(value)))


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
    ) % {"months": _number(values["months"])}


def _exam_sitting(values: dict) -> str:
    moment = datetime.datetime.fromisoformat(values["starts_at"])
    label = sitting_text(moment, is_online=values["is_online"], place=values["place"])
    note = _("Exam sitting: %(sitting)s.") % {"sitting": label}
    # The coordinator's note for candidates, as they wrote it.
    if values.get("sitting_note"):
        note = f"{note}\n{values['sitting_note']}"
    return note


def _outcome(passed: bool) -> str:
    return _("passed") if passed else _("not passed")


def _exam_result(values: dict) -> str:
    sentences = []
    part1 = values.get("part1")
    if part1:
        sentences.append(
            _(
                "Part 1: %(correct)s of %(questions)s correct (%(percent)s%%); pass mark "
                "%(pass)s%%: %(outcome)s."
            )
            % {
                "correct": _number(part1["correct"]),
                "questions": _number(part1["questions"]),
                "percent": _number(part1["percent"]),
                "pass": _number(part1["pass"]),
                "outcome": _outcome(part1["passed"]),
            }
        )
    part2 = values.get("part2")
    if part2:
        sentences.append(
            _(
                "Part 2: mean of the %(n)s graders' scores %(percent)s%%; pass mark "
                "%(pass)s%%: %(outcome)s."
            )
            % {
                "n": _number(part2["n"]),
                "percent": _number(part2["percent"]),
                "pass": _number(part2["pass"]),
                "outcome": _outcome(part2["passed"]),
            }
        )
    sentences.append(_("The exam is passed.") if values["passed"] else _("The exam is not passed."))
    return "\n".join(sentences)


# key -> how its note reads in the active language, from its values:
#   "award":         number, date (valid through, ISO date)
#   "hold_inactive": months
#   "exam_sitting":  sitting (id), starts_at (ISO, in the association's time zone), is_online,
#                    place, sitting_note (the coordinator's, as written)
#   "exam_result":   part1 {correct, questions, percent, pass, passed} (when the exam has it),
#                    part2 {n, percent, pass, passed} (likewise), passed
NOTES: dict[str, Callable[[dict], str]] = {
    "award": _award,
    "hold_inactive": _hold_inactive,
    "exam_sitting": _exam_sitting,
    "exam_result": _exam_result,
}


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
