"""Import many trainings at once from a spreadsheet saved as CSV.

Two steps. The upload is read (:func:`read_csv`) and its rows are kept, as typed, in a
``FormDraft`` (:func:`import_draft_save`); the preview checks every row (:func:`parse_rows`) and
shows the errors row by row. Confirming (:func:`training_import`) checks the kept rows again and
creates the valid ones through ``evidence_save`` in one transaction; rows with errors are
skipped and kept in the draft to be listed once more.

What is accepted, to be forgiving with what spreadsheets produce:

* UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's "Unicode text"), and
  Windows-1252 (Excel's plain "CSV" on Windows) when the file is not UTF-8;
* comma, semicolon (Excel in many European and Latin American locales) or tab separated: the
  separator is the one the header row uses most;
* columns in any order, named in English or Spanish, in any case; other columns are ignored;
* dates as YYYY-MM-DD or MM/DD/YYYY; hours with a decimal point or a decimal comma;
* the format as its code or its name, in English or Spanish;
* competency items by name (in English, or in Spanish where the name is translated), separated
  by ";" or line breaks; a name that matches none is reported with the closest names ("did you
  mean …?");
* yes/no as yes, no, sí, si, true, false, 1, 0 (empty means no).

Names, formats, yes/no and the header's column names are all compared through one normaliser
(:func:`normalize`): case, accents, punctuation, repeated spaces and "&" for "and" do not count.

At most ``MAX_BYTES`` (1 MB) and ``MAX_ROWS`` (500) rows per file.
"""

import codecs
import csv
import datetime
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from competencies.models import Competency, EndorsementCategory
from competencies.selectors import category_areas
from endorsement.models import Application
from portfolios.enums import TrainingFormat
from portfolios.models import FormDraft, Training
from portfolios.rsc_window import format_hours
from portfolios.services import draft_get, draft_save, evidence_save

MAX_BYTES = 1024 * 1024
MAX_ROWS = 500
MAX_HOURS = Decimal(200)
DRAFT_KEY = "training:import"

COLUMNS = ("title", "provider", "date", "hours", "format", "competencies", "dei", "rsc")
REQUIRED_COLUMNS = ("title", "provider", "date", "hours", "format", "competencies")

# Column names accepted in the header row, compared through normalize().
HEADER_ALIASES = {
    "title": {"title", "titulo", "training", "capacitacion"},
    "provider": {"provider", "proveedor", "organizer", "organizador"},
    "date": {"date", "fecha"},
    "hours": {"hours", "horas"},
    "format": {"format", "formato"},
    "competencies": {"competencies", "competency items", "competencias"},
    "dei": {"dei", "diversity, equity and inclusion", "diversidad, equidad e inclusion"},
    "rsc": {"rsc", "rs/c", "sc/r"},
}

# Spanish words people write for the formats, beside the catalogue's labels.
FORMAT_ALIASES = {
    TrainingFormat.COLLEGE_COURSE: {"curso universitario", "curso de universidad", "college"},
    TrainingFormat.SERIES: {"serie", "serie de capacitaciones", "in-service series"},
    TrainingFormat.WORKSHOP: {"workshop", "in-service", "taller", "capacitacion"},
    TrainingFormat.CONFERENCE: {"conferencia", "congreso"},
    TrainingFormat.ONLINE: {"online", "en linea", "curso en linea", "curso online"},
}

YES = {"yes", "y", "si", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, plainly."""


class NothingToImport(Exception):
    """No previewed file is waiting to be imported (already imported, or never uploaded)."""


# How close a name must be to an item's name to be suggested (difflib's ratio, 0 to 1).
SUGGESTION_CUTOFF = 0.75
_PUNCTUATION = re.compile(r"[^\w\s]|_")


def normalize(text: str) -> str:
    """The form in which names and values are compared: case, accents, punctuation and repeated
    spaces dropped, "&" read as "and" ('Sí ' and 'si'; 'Grief & loss' and 'grief and loss.')."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ")
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def suggestions(name: str, names: dict[str, str], *, limit: int = 2) -> list[str]:
    """The closest of ``names`` (normalised → as written) to ``name``, best first (at most 2)."""
    matches = difflib.get_close_matches(
        normalize(name), list(names), n=limit, cutoff=SUGGESTION_CUTOFF
    )
    return [names[match] for match in matches]


# Reading the file


def decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("This file could not be read as text.")) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("This file could not be read as text. Save it as “CSV UTF-8” and try again.")
        ) from exc


def _delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _column_map(header: list[str]) -> dict[str, int]:
    by_alias = {
        normalize(alias): column for column, aliases in HEADER_ALIASES.items() for alias in aliases
    }
    mapping: dict[str, int] = {}
    for index, name in enumerate(header):
        column = by_alias.get(normalize(name.replace("\ufeff", "")))
        if column and column not in mapping:
            mapping[column] = index
    return mapping


def read_csv(data: bytes) -> list[dict]:
    """The data rows of an uploaded file, as typed: ``[{"row": 2, "cells": {...}}, …]``.

    ``row`` is the row's number in the spreadsheet (the header is row 1). Blank rows are left
    out. Raises ImportFileError when the file as a whole cannot be used.
    """
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("This file is %(size)s; the largest file accepted is %(limit)s.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(MAX_BYTES)}
        )
    if not data.strip():
        raise ImportFileError(_("This file is empty."))
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportFileError(
            _(
                "This is an Excel workbook, not a CSV file. In Excel, choose File, Save As, "
                "and the type “CSV UTF-8 (Comma delimited)”; then upload that file."
            )
        )
    text = decode(data)
    if "\x00" in text:
        raise ImportFileError(_("This file is not a CSV file."))
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise ImportFileError(_("This file could not be read as a CSV file.")) from exc
    if not records:
        raise ImportFileError(_("This file is empty."))
    mapping = _column_map(records[0])
    missing = [column for column in REQUIRED_COLUMNS if column not in mapping]
    if missing:
        raise ImportFileError(
            _("The first row must name the columns. Missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells = {
            column: record[index].strip() if index < len(record) else ""
            for column, index in mapping.items()
        }
        rows.append({"row": number, "cells": cells})
    if not rows:
        raise ImportFileError(_("This file has no rows under the header."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _(
                "This file has %(count)s rows; at most %(max)s can be imported at once. "
                "Split it into smaller files."
            )
            % {"count": len(rows), "max": MAX_ROWS}
        )
    return rows


# Checking the rows


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ParsedRow:
    row: int
    cells: dict
    title: str = ""
    provider: str = ""
    date: datetime.date | None = None
    hours: Decimal | None = None
    format: str = ""
    competencies: list[Competency] = field(default_factory=list)
    is_dei: bool = False
    is_rsc: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def format_label(self) -> str:
        return TrainingFormat(self.format).label if self.format else ""

    def error_columns(self) -> set[str]:
        return {error.column for error in self.errors}

    def display(self) -> list[tuple[str, str, bool]]:
        """(column, text, has an error) for each column: what was understood, or as typed."""
        understood = {
            "title": self.title,
            "provider": self.provider,
            "date": self.date.isoformat() if self.date else "",
            "hours": format_hours(self.hours) if self.hours is not None else "",
            "format": str(self.format_label),
            "competencies": "; ".join(item.name for item in self.competencies),
            "dei": _("yes") if self.is_dei else _("no"),
            "rsc": _("yes") if self.is_rsc else _("no"),
        }
        wrong = self.error_columns()
        return [
            (column, self.cells[column] if column in wrong else understood[column], column in wrong)
            for column in COLUMNS
        ]

    def as_draft(self) -> dict:
        return {"row": self.row, "cells": self.cells}

    def training(self) -> Training:
        return Training(
            title=self.title,
            provider=self.provider,
            date=self.date,
            hours=self.hours,
            format=self.format,
            is_dei=self.is_dei,
            is_rsc=self.is_rsc,
        )


class _Checker:
    def __init__(self, *, category: EndorsementCategory, today: datetime.date):
        self.category = category
        self.today = today
        # Each item's name, and its name in each language where translated: normalised → items,
        # and normalised → the name as written (for "did you mean …?").
        self.items: dict[str, list[Competency]] = {}
        self.names: dict[str, str] = {}
        items = list(
            Competency.objects.filter(categories=category).order_by("area__order", "order", "name")
        )
        for language in _languages():
            with translation.override(language):
                for item in items:
                    name = item.display_name
                    key = normalize(name)
                    self.names.setdefault(key, name)
                    matching = self.items.setdefault(key, [])
                    if item not in matching:
                        matching.append(item)
        self.formats = _format_lookup()

    def check(self, raw: dict) -> ParsedRow:
        cells = {column: str(raw["cells"].get(column, "")) for column in COLUMNS}
        parsed = ParsedRow(row=raw["row"], cells=cells)
        for column in COLUMNS:
            try:
                getattr(self, f"_{column}")(parsed, cells[column])
            except _CellError as exc:
                parsed.errors.extend(
                    RowError(row=parsed.row, column=column, message=message)
                    for message in exc.messages
                )
        return parsed

    def _text(self, value: str, max_length: int) -> str:
        if not value:
            raise _CellError(_("this cell is empty"))
        if len(value) > max_length:
            raise _CellError(_("it is longer than %(max)s characters") % {"max": max_length})
        return value

    def _title(self, parsed, value):
        parsed.title = self._text(value, 300)

    def _provider(self, parsed, value):
        parsed.provider = self._text(value, 200)

    def _date(self, parsed, value):
        if not value:
            raise _CellError(_("this cell is empty"))
        for pattern in DATE_FORMATS:
            try:
                date = datetime.datetime.strptime(value, pattern).date()
                break
            except ValueError:
                continue
        else:
            raise _CellError(
                _("'%(value)s' is not a date: write it as YYYY-MM-DD or MM/DD/YYYY")
                % {"value": value}
            )
        if date > self.today:
            raise _CellError(_("'%(value)s' is in the future") % {"value": value})
        parsed.date = date

    def _hours(self, parsed, value):
        if not value:
            raise _CellError(_("this cell is empty"))
        text = value.replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            hours = Decimal(text)
        except InvalidOperation:
            hours = None
        if hours is None or not hours.is_finite():
            raise _CellError(_("'%(value)s' is not a number") % {"value": value})
        if hours <= 0:
            raise _CellError(_("'%(value)s' must be more than 0") % {"value": value})
        if hours > MAX_HOURS:
            raise _CellError(
                _("'%(value)s' is more than %(max)s hours") % {"value": value, "max": MAX_HOURS}
            )
        if hours.as_tuple().exponent < -1:
            raise _CellError(
                _("'%(value)s' has more than one decimal place (write 7.5, not 7.25)")
                % {"value": value}
            )
        parsed.hours = hours

    def _format(self, parsed, value):
        if not value:
            raise _CellError(_("this cell is empty"))
        code = self.formats.get(normalize(value))
        if code is None:
            values = {"value": value, "formats": ", ".join(str(f.label) for f in TrainingFormat)}
            # Every way of writing a format, normalised → the format's name in this language.
            names = {key: str(TrainingFormat(code).label) for key, code in self.formats.items()}
            close = suggestions(value, names, limit=1)
            if close:
                raise _CellError(
                    _(
                        "'%(value)s' is not one of the formats (%(formats)s): "
                        "did you mean “%(name)s”?"
                    )
                    % {**values, "name": close[0]}
                )
            raise _CellError(_("'%(value)s' is not one of the formats: %(formats)s") % values)
        parsed.format = code

    def _competencies(self, parsed, value):
        names = [name.strip() for name in re.split(r"[;\n]", value) if name.strip()]
        if not names:
            raise _CellError(_("this cell is empty: name at least one competency item"))
        found: list[Competency] = []
        unknown = []
        for name in names:
            items = self.items.get(normalize(name))
            if items is None:
                unknown.append(name)
                continue
            found.extend(item for item in items if item not in found)
        if unknown:
            raise _CellError(*(self._unknown_item(name) for name in unknown))
        parsed.competencies = found

    def _unknown_item(self, name: str) -> str:
        values = {"value": name, "category": self.category.code}
        close = suggestions(name, self.names)
        if not close:
            return _("'%(value)s' is not a competency item of %(category)s") % values
        if len(close) == 1:
            return _(
                "'%(value)s' is not a competency item of %(category)s: did you mean “%(name)s”?"
            ) % {**values, "name": close[0]}
        return _(
            "'%(value)s' is not a competency item of %(category)s: "
            "did you mean “%(first)s” or “%(second)s”?"
        ) % {**values, "first": close[0], "second": close[1]}

    def _yes_no(self, value) -> bool:
        normalized = normalize(value)
        if normalized in YES:
            return True
        if normalized in NO:
            return False
        raise _CellError(_("'%(value)s' is not yes or no") % {"value": value})

    def _dei(self, parsed, value):
        parsed.is_dei = self._yes_no(value)

    def _rsc(self, parsed, value):
        parsed.is_rsc = self._yes_no(value)


class _CellError(Exception):
    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


def _languages() -> list[str]:
    """English first, so that an item's English name is the one suggested when both match."""
    codes = [code for code, _name in settings.LANGUAGES]
    return sorted(codes, key=lambda code: code != "en")


def _format_lookup() -> dict[str, str]:
    """Every way of writing a format (code, names in each language, aliases) → its code."""
    lookup: dict[str, str] = {}
    for choice in TrainingFormat:
        names = {choice.value, *FORMAT_ALIASES.get(choice, ())}
        for language in _languages():
            with translation.override(language):
                names.add(str(choice.label))
        for name in names:
            lookup.setdefault(normalize(name), choice.value)
    return lookup


def parse_rows(
    rows: list[dict], *, category: EndorsementCategory, today: datetime.date | None = None
) -> list[ParsedRow]:
    """Check rows read by :func:`read_csv` against the category's items (1 query)."""
    checker = _Checker(category=category, today=today or timezone.localdate())
    return [checker.check(raw) for raw in rows]


# The two steps


def import_draft_save(*, application: Application, file_name: str, rows: list[dict]) -> None:
    """Keep the rows of an uploaded file until the applicant confirms (replaces any earlier)."""
    draft_save(
        application=application,
        key=DRAFT_KEY,
        data={"status": "preview", "file_name": file_name, "rows": rows},
    )


def import_draft_get(*, application: Application) -> dict | None:
    return draft_get(application=application, key=DRAFT_KEY)


@dataclass
class ImportResult:
    created: list[Training]
    skipped: list[ParsedRow]


@transaction.atomic
def training_import(
    *, application: Application, by, today: datetime.date | None = None
) -> ImportResult:
    """Create the valid rows of the previewed file, all or none; keep the skipped rows.

    Raises NothingToImport when no previewed file waits (e.g. a second click on "Import"),
    PortfolioLocked when the portfolio is read-only.
    """
    draft = (
        FormDraft.objects.select_for_update().filter(application=application, key=DRAFT_KEY).first()
    )
    if draft is None or draft.data.get("status") != "preview":
        raise NothingToImport
    parsed = parse_rows(draft.data["rows"], category=application.category, today=today)
    created = []
    for row in parsed:
        if not row.is_valid:
            continue
        training = row.training()
        ids = [item.pk for item in row.competencies]
        evidence_save(
            application=application,
            instance=training,
            by=by,
            save_m2m=lambda training=training, ids=ids: training.competencies.set(ids),
        )
        created.append(training)
    skipped = [row for row in parsed if not row.is_valid]
    draft_save(
        application=application,
        key=DRAFT_KEY,
        data={
            "status": "done",
            "file_name": draft.data.get("file_name", ""),
            "imported": len(created),
            "rows": [row.as_draft() for row in skipped],
        },
    )
    return ImportResult(created=created, skipped=skipped)


def template_csv(*, category: EndorsementCategory) -> bytes:
    """A CSV with the header and one example row, in UTF-8 with a BOM so Excel reads accents."""
    items = list(
        Competency.objects.filter(categories=category)
        .order_by("area__order", "order", "name")
        .values_list("name", flat=True)[:2]
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            _("Supporting early relationships"),
            _("Regional Training Institute"),
            "2025-03-15",
            "6",
            TrainingFormat.WORKSHOP.value,
            "; ".join(items),
            "no",
            "no",
        ]
    )
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def items_csv(*, category: EndorsementCategory) -> bytes:
    """The category's competency items, one a row with its area, to copy names from (1 query)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_("Competency item"), _("Competency area")])
    for group in category_areas(category=category):
        for item in group.items:
            writer.writerow([item.name, group.area.display_name])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
