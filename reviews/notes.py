"""The notes the exam writes on the application's timeline (``endorsement.notes``), registered
when the app loads, shown in the reader's language:

* "exam_sitting": sitting (id), starts_at (ISO, in the association's time zone), is_online,
  place, sitting_note (the coordinator's, as written);
* "exam_result": part1 {correct, questions, percent, pass, passed} (when the exam has it),
  part2 {n, percent, pass, passed} (likewise), passed.
"""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from endorsement.notes import note_number, register_note


def sitting_text(moment: datetime.datetime, *, is_online: bool, place: str) -> str:
    """“12 March 2027, 09:00, Northfield University”: ``moment`` already in the association's
    time zone, formatted in the active language."""
    when = formats.date_format(moment, "DATETIME_FORMAT")
    where = _("online") if is_online else place
    return f"{when}, {where}" if where else when


@register_note("exam_sitting")
def exam_sitting_note(values: dict) -> str:
    moment = datetime.datetime.fromisoformat(values["starts_at"])
    label = sitting_text(moment, is_online=values["is_online"], place=values["place"])
    note = _("Exam sitting: %(sitting)s.") % {"sitting": label}
    # The coordinator's note for candidates, as they wrote it.
    if values.get("sitting_note"):
        note = f"{note}\n{values['sitting_note']}"
    return note


def _outcome(passed: bool) -> str:
    return _("passed") if passed else _("not passed")


@register_note("exam_result")
def exam_result_note(values: dict) -> str:
    sentences = []
    part1 = values.get("part1")
    if part1:
        sentences.append(
            _(
                "Part 1: %(correct)s of %(questions)s correct (%(percent)s%%); pass mark "
                "%(pass)s%%: %(outcome)s."
            )
            % {
                "correct": note_number(part1["correct"]),
                "questions": note_number(part1["questions"]),
                "percent": note_number(part1["percent"]),
                "pass": note_number(part1["pass"]),
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
                "n": note_number(part2["n"]),
                "percent": note_number(part2["percent"]),
                "pass": note_number(part2["pass"]),
                "outcome": _outcome(part2["passed"]),
            }
        )
    sentences.append(_("The exam is passed.") if values["passed"] else _("The exam is not passed."))
    return "\n".join(sentences)
