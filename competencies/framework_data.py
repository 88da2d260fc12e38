"""Reading and checking the framework data file (``competencies/data/framework.yaml``).

``framework_data_parse`` turns the parsed YAML into frozen specs, or raises
``FrameworkDataError`` naming the place and the problem. It never changes the data it is given
(YAML anchors make several categories share one dict).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from competencies.enums import (
    EducationLevel,
    ExamKind,
    Family,
    ReferenceKind,
    RequirementKind,
    RSCTopic,
    Track,
    TrainingTopic,
    WorkKind,
)

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "framework.yaml"

# Requirement kinds in the order applicants read them; rows are numbered in this order.
KIND_ORDER = [
    RequirementKind.EDUCATION,
    RequirementKind.WORK,
    RequirementKind.TRAINING,
    RequirementKind.RSC,
    RequirementKind.REFERENCE,
    RequirementKind.EXAM,
    RequirementKind.RENEWAL_TRAINING,
    RequirementKind.RENEWAL_RSC,
]

_COMMON = {"is_optional", "note"}
_HOURS = {"min_hours", "topic"}
_RSC = _HOURS | {"window_min_months", "window_max_months"}
ALLOWED_FIELDS = {
    RequirementKind.EDUCATION: _COMMON | {"education_levels", "min_years", "work_kind"},
    RequirementKind.WORK: _COMMON | {"min_years", "work_kind"},
    RequirementKind.TRAINING: _COMMON | _HOURS,
    RequirementKind.RSC: _COMMON | _RSC,
    RequirementKind.REFERENCE: _COMMON | {"reference_kind"},
    RequirementKind.EXAM: _COMMON
    | {
        "exam_part",
        "exam_kind",
        "questions",
        "minutes",
        "pass_percent",
        "graders",
        "choose",
        "retake_wait_months",
        "max_attempts",
    },
    RequirementKind.RENEWAL_TRAINING: _COMMON | _HOURS,
    RequirementKind.RENEWAL_RSC: _COMMON | _RSC,
}
_DECIMAL_FIELDS = {"min_years", "min_hours"}
_INTEGER_FIELDS = {
    "window_min_months",
    "window_max_months",
    "exam_part",
    "questions",
    "minutes",
    "pass_percent",
    "graders",
    "retake_wait_months",
    "max_attempts",
}
_TEXT_FIELDS = {"note", "choose"}
_CHOICES = {
    "work_kind": WorkKind,
    "reference_kind": ReferenceKind,
    "exam_kind": ExamKind,
}
_TOPICS = {
    RequirementKind.TRAINING: TrainingTopic,
    RequirementKind.RENEWAL_TRAINING: TrainingTopic,
    RequirementKind.RSC: RSCTopic,
    RequirementKind.RENEWAL_RSC: RSCTopic,
}
_REQUIRED = {
    RequirementKind.EDUCATION: ["education_levels"],
    RequirementKind.WORK: ["min_years", "work_kind"],
    RequirementKind.TRAINING: ["min_hours"],
    RequirementKind.RSC: ["min_hours"],
    RequirementKind.REFERENCE: ["reference_kind"],
    RequirementKind.EXAM: ["exam_part", "exam_kind"],
    RequirementKind.RENEWAL_TRAINING: ["min_hours"],
    RequirementKind.RENEWAL_RSC: ["min_hours"],
}
_CATEGORY_KEYS = {
    "code",
    "name",
    "names",
    "family",
    "track",
    "summary",
    "is_add_on",
    "is_mentor",
    "is_open",
    "requirements",
}
_VERSION_KEYS = {
    "version",
    "name",
    "effective_from",
    "effective_until",
    "is_published",
    "note",
    "references",
    "categories",
    "areas",
}
_REFERENCE_KEYS = {"count", "not_enough_information_limit", "valid_months"}


class FrameworkDataError(ValueError):
    """The framework data is not usable; the message says where and why."""


@dataclass(frozen=True)
class RequirementSpec:
    kind: str
    order: int
    values: dict[str, Any]


@dataclass(frozen=True)
class CategorySpec:
    code: str
    order: int
    values: dict[str, Any]
    requirements: tuple[RequirementSpec, ...]


@dataclass(frozen=True)
class ItemSpec:
    name: str
    order: int
    categories: frozenset[str]


@dataclass(frozen=True)
class AreaSpec:
    code: str
    order: int
    values: dict[str, Any]
    items: tuple[ItemSpec, ...]


@dataclass(frozen=True)
class VersionSpec:
    version: str
    values: dict[str, Any]
    categories: tuple[CategorySpec, ...]
    areas: tuple[AreaSpec, ...] = field(default=())


def framework_data_read(*, path: Path | str = DEFAULT_PATH) -> Any:
    """The file parsed as YAML (anchors resolved), or ``FrameworkDataError``."""
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except OSError as error:
        raise FrameworkDataError(f"Cannot read {path}: {error.strerror}.") from error
    except yaml.YAMLError as error:
        raise FrameworkDataError(f"{path} is not valid YAML: {error}") from error


def framework_data_parse(data: Any) -> list[VersionSpec]:
    """Check the whole file and return one spec per version, in file order."""
    where = "the file"
    mapping = _mapping(data, where)
    _known_keys(mapping, {"name", "references", "category_groups", "areas", "versions"}, where)
    default_name = _text(mapping.get("name", ""), "name")
    default_references = _references(mapping.get("references") or {}, "references")
    groups = {
        _text(name, "category_groups"): _codes(codes, f"category group '{name}'")
        for name, codes in _mapping(mapping.get("category_groups") or {}, "category_groups").items()
    }
    default_areas = mapping.get("areas") or []
    versions = _list(mapping.get("versions"), "versions")
    if not versions:
        raise FrameworkDataError("The file has no versions.")
    specs = []
    seen = set()
    for index, version_data in enumerate(versions, start=1):
        spec = _version(
            version_data,
            f"version {index}",
            default_name=default_name,
            default_references=default_references,
            default_areas=default_areas,
            groups=groups,
        )
        if spec.version in seen:
            raise FrameworkDataError(f"Version {spec.version!r} appears twice.")
        seen.add(spec.version)
        specs.append(spec)
    return specs


def _version(data, where, *, default_name, default_references, default_areas, groups):
    data = _mapping(data, where)
    _known_keys(data, _VERSION_KEYS, where)
    version = data.get("version")
    if version in (None, ""):
        raise FrameworkDataError(f"{where}: 'version' is missing.")
    version = str(version)
    where = f"version {version}"
    references = {**default_references, **_references(data.get("references") or {}, where)}
    values = {
        "name": _text(data.get("name", default_name), f"{where}: name") or default_name,
        "effective_from": _date(data.get("effective_from"), f"{where}: effective_from"),
        "effective_until": _date(
            data.get("effective_until"), f"{where}: effective_until", required=False
        ),
        "is_published": _bool(data.get("is_published", True), f"{where}: is_published"),
        "note": _text(data.get("note", ""), f"{where}: note"),
        **references,
    }
    if not values["name"]:
        raise FrameworkDataError(f"{where}: 'name' is missing.")
    if values["effective_until"] and values["effective_until"] < values["effective_from"]:
        raise FrameworkDataError(f"{where}: effective_until is before effective_from.")
    categories = []
    codes = set()
    for order, category_data in enumerate(_list(data.get("categories"), f"{where}: categories")):
        category = _category(category_data, f"{where}, category {order + 1}", order)
        if category.code in codes:
            raise FrameworkDataError(f"{where}: category {category.code} appears twice.")
        codes.add(category.code)
        categories.append(category)
    if not categories:
        raise FrameworkDataError(f"{where}: no categories.")
    areas_data = data.get("areas", default_areas)
    areas = _areas(areas_data, where, groups=groups, codes=codes)
    return VersionSpec(
        version=version, values=values, categories=tuple(categories), areas=tuple(areas)
    )


def _category(data, where, order) -> CategorySpec:
    data = _mapping(data, where)
    _known_keys(data, _CATEGORY_KEYS, where)
    code = _text(data.get("code", ""), f"{where}: code")
    if not code:
        raise FrameworkDataError(f"{where}: 'code' is missing.")
    where = where.rsplit(",", 1)[0] + f", category {code}"
    name = _text(data.get("name", ""), f"{where}: name")
    if not name:
        raise FrameworkDataError(f"{where}: 'name' is missing.")
    values = {
        "name": name,
        "names": _names(data.get("names") or {}, f"{where}: names"),
        "family": _choice(data.get("family"), Family, f"{where}: family", "family"),
        "track": _choice(data.get("track", ""), Track, f"{where}: track", "track"),
        "summary": _text(data.get("summary", ""), f"{where}: summary"),
        "is_add_on": _bool(data.get("is_add_on", False), f"{where}: is_add_on"),
        "is_mentor": _bool(data.get("is_mentor", False), f"{where}: is_mentor"),
        "is_open": _bool(data.get("is_open", True), f"{where}: is_open"),
    }
    requirements_data = _mapping(data.get("requirements") or {}, f"{where}: requirements")
    for kind in requirements_data:
        if kind not in RequirementKind.values:
            raise FrameworkDataError(
                f"{where}: unknown requirement kind {kind!r}; "
                f"use one of {', '.join(RequirementKind.values)}."
            )
    requirements = []
    for kind in KIND_ORDER:
        for index, row in enumerate(_list(requirements_data.get(kind) or [], f"{where}: {kind}")):
            requirements.append(
                _requirement(row, kind, f"{where}, {kind} {index + 1}", len(requirements))
            )
    return CategorySpec(code=code, order=order, values=values, requirements=tuple(requirements))


def _requirement(row, kind, where, order) -> RequirementSpec:
    if kind == RequirementKind.REFERENCE and isinstance(row, str):
        row = {"reference_kind": row}
    row = _mapping(row, where)
    _known_keys(row, ALLOWED_FIELDS[kind], where)
    values: dict[str, Any] = {}
    for name, value in row.items():
        label = f"{where}: {name}"
        if name in _DECIMAL_FIELDS:
            values[name] = _number(value, label)
        elif name in _INTEGER_FIELDS:
            values[name] = _integer(value, label)
        elif name in _TEXT_FIELDS:
            values[name] = _text(value, label)
        elif name == "is_optional":
            values[name] = _bool(value, label)
        elif name == "education_levels":
            levels = _list(value, label)
            for level in levels:
                if level not in EducationLevel.values:
                    raise FrameworkDataError(
                        f"{label}: unknown education level {level!r}; "
                        f"use one of {', '.join(EducationLevel.values)}."
                    )
            if not levels:
                raise FrameworkDataError(f"{label}: list at least one level (or 'none').")
            values[name] = list(levels)
        elif name == "topic":
            values[name] = _choice(value, _TOPICS[kind], label, "topic")
        else:
            values[name] = _choice(value, _CHOICES[name], label, name.replace("_", " "))
    optional = values.get("is_optional", False)
    for name in _REQUIRED[kind]:
        if name not in values and not (optional and kind == RequirementKind.RSC):
            raise FrameworkDataError(f"{where}: '{name}' is missing.")
    if "min_years" in values and kind == RequirementKind.EDUCATION and "work_kind" not in values:
        raise FrameworkDataError(f"{where}: 'work_kind' is missing for the work alternative.")
    return RequirementSpec(kind=str(kind), order=order, values=values)


def _areas(data, where, *, groups, codes) -> list[AreaSpec]:
    areas = []
    seen = set()
    for order, area_data in enumerate(_list(data, f"{where}: areas")):
        area_where = f"{where}, area {order + 1}"
        area_data = _mapping(area_data, area_where)
        _known_keys(area_data, {"code", "name", "mentors_only", "items"}, area_where)
        code = _text(area_data.get("code", ""), f"{area_where}: code")
        name = _text(area_data.get("name", ""), f"{area_where}: name")
        if not code or not name:
            raise FrameworkDataError(f"{area_where}: 'code' and 'name' are needed.")
        if code in seen:
            raise FrameworkDataError(f"{where}: area {code} appears twice.")
        seen.add(code)
        area_where = f"{where}, area {code}"
        items = []
        names = set()
        for item_order, item in enumerate(_list(area_data.get("items") or [], area_where)):
            item_where = f"{area_where}, item {item_order + 1}"
            item = _mapping(item, item_where)
            _known_keys(item, {"name", "categories"}, item_where)
            item_name = _text(item.get("name", ""), f"{item_where}: name")
            if not item_name:
                raise FrameworkDataError(f"{item_where}: 'name' is missing.")
            if item_name in names:
                raise FrameworkDataError(f"{area_where}: item {item_name!r} appears twice.")
            names.add(item_name)
            applies = set()
            for entry in _list(item.get("categories") or [], f"{item_where}: categories"):
                if entry in groups:
                    applies |= groups[entry]
                else:
                    applies.add(entry)
            unknown = sorted(str(code) for code in applies - codes)
            if unknown:
                raise FrameworkDataError(
                    f"{area_where}, item {item_name!r}: unknown category code "
                    f"{', '.join(unknown)} (not a category of version "
                    f"{where.removeprefix('version ')} nor a category group)."
                )
            items.append(ItemSpec(name=item_name, order=item_order, categories=frozenset(applies)))
        values = {
            "name": name,
            "mentors_only": _bool(area_data.get("mentors_only", False), f"{area_where}"),
        }
        areas.append(AreaSpec(code=code, order=order + 1, values=values, items=tuple(items)))
    return areas


def _references(data, where) -> dict[str, int]:
    data = _mapping(data, where)
    _known_keys(data, _REFERENCE_KEYS, f"{where}: references")
    fields = {
        "count": "reference_count",
        "not_enough_information_limit": "reference_not_enough_information_limit",
        "valid_months": "reference_valid_months",
    }
    return {
        fields[key]: _integer(value, f"{where}: references.{key}") for key, value in data.items()
    }


# --- small checkers -----------------------------------------------------------------------------


def _mapping(value, where) -> dict:
    if not isinstance(value, dict):
        raise FrameworkDataError(f"{where}: expected a mapping (key: value).")
    return value


def _list(value, where) -> list:
    if not isinstance(value, list):
        raise FrameworkDataError(f"{where}: expected a list.")
    return value


def _known_keys(mapping: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(str(key) for key in mapping if key not in allowed)
    if unknown:
        raise FrameworkDataError(f"{where}: unknown field {', '.join(unknown)}.")


def _names(value, where) -> dict[str, str]:
    """The name in other languages: {language code: name}, codes from settings.LANGUAGES."""
    languages = [code for code, _label in settings.LANGUAGES]
    names = {}
    for language, name in _mapping(value, where).items():
        if language not in languages:
            raise FrameworkDataError(
                f"{where}: unknown language {language!r}; use one of {', '.join(languages)}."
            )
        if text := _text(name, f"{where}: {language}"):
            names[language] = text
    return names


def _text(value, where) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise FrameworkDataError(f"{where}: expected text.")
    return str(value).strip()


def _bool(value, where) -> bool:
    if not isinstance(value, bool):
        raise FrameworkDataError(f"{where}: expected true or false.")
    return value


def _number(value, where) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise FrameworkDataError(f"{where}: expected a number of 0 or more.")
    return Decimal(str(value))


def _integer(value, where) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FrameworkDataError(f"{where}: expected a whole number of 0 or more.")
    return value


def _date(value, where, *, required=True) -> datetime.date | None:
    if value is None and not required:
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise FrameworkDataError(f"{where}: expected a date like 2025-01-01.")


def _choice(value, choices, where, what) -> str:
    if value is None:
        value = ""
    if value not in choices.values:
        allowed = ", ".join(v for v in choices.values if v) or "(empty)"
        raise FrameworkDataError(f"{where}: unknown {what} {value!r}; use one of {allowed}.")
    return str(value)


def _codes(value, where) -> frozenset[str]:
    return frozenset(_text(code, where) for code in _list(value, where))


def framework_data_strings(specs: list[VersionSpec]) -> list[str]:
    """Texts of the file shown to readers (area and item names, category summaries, notes),
    in file order without repeats: the msgids of ``competencies/framework_i18n.py``."""
    seen: dict[str, None] = {}
    for spec in specs:
        for area in spec.areas:
            seen.setdefault(area.values["name"], None)
            for item in area.items:
                seen.setdefault(item.name, None)
        for category in spec.categories:
            if category.values.get("summary"):
                seen.setdefault(category.values["summary"], None)
            for requirement in category.requirements:
                if requirement.values.get("note"):
                    seen.setdefault(requirement.values["note"], None)
    return list(seen)


def framework_i18n_module(strings: list[str]) -> str:
    """The source of ``competencies/framework_i18n.py`` for these strings."""
    lines = [
        '"""Generated by `python manage.py framework_strings` from the framework file',
        "(competencies/data/framework.yaml): its texts, so that makemessages puts them in the",
        "catalogues. Do not edit.",
        '"""',
        "",
        "from django.utils.translation import gettext_noop",
        "",
        "STRINGS = [",
    ]
    lines += [f"    gettext_noop({text!r})," for text in strings]
    lines += ["]", ""]
    return "\n".join(lines)
