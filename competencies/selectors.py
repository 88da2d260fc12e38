from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Association
from competencies.enums import EducationLevel, Family, RequirementKind
from competencies.models import (
    Competency,
    CompetencyArea,
    EndorsementCategory,
    Framework,
    Requirement,
)
from competencies.models import _hours as model_hours
from competencies.models import _or_join as or_join
from competencies.models import _years as model_years

# How the public pages group a category's requirements, in reading order.
REQUIREMENT_HEADINGS: list[tuple[str, Promise, tuple[str, ...]]] = [
    ("education", _("Education"), (RequirementKind.EDUCATION,)),
    ("work", _("Work"), (RequirementKind.WORK,)),
    ("training", _("Training"), (RequirementKind.TRAINING,)),
    ("rsc", _("RS/C"), (RequirementKind.RSC,)),
    ("references", _("References"), (RequirementKind.REFERENCE,)),
    ("exam", _("Exam"), (RequirementKind.EXAM,)),
    ("renewal", _("Renewal"), (RequirementKind.RENEWAL_TRAINING, RequirementKind.RENEWAL_RSC)),
]


@dataclass
class RequirementGroup:
    key: str
    heading: Promise
    requirements: list[Requirement]


@dataclass
class FamilyGroup:
    family: str
    label: Promise
    categories: list[EndorsementCategory]


@dataclass
class AreaGroup:
    area: CompetencyArea
    items: list[Competency] = field(default_factory=list)


def framework_in_force(*, association: Association, on=None) -> Framework | None:
    return Framework.objects.filter(association=association).in_force(on).first()


def _requirements_prefetch() -> Prefetch:
    return Prefetch("requirements", queryset=Requirement.objects.order_by("order", "id"))


def framework_overview(*, framework: Framework) -> list[EndorsementCategory]:
    """Categories of a version with their requirements and competency items, in 3 queries."""
    return list(
        EndorsementCategory.objects.filter(framework=framework)
        .select_related("framework")
        .prefetch_related(
            _requirements_prefetch(),
            Prefetch(
                "competencies",
                queryset=Competency.objects.select_related("area").order_by("area__order", "order"),
            ),
        )
    )


def framework_categories(*, framework: Framework) -> list[EndorsementCategory]:
    """Categories of a version with their requirements, in 2 queries."""
    return list(
        EndorsementCategory.objects.filter(framework=framework).prefetch_related(
            _requirements_prefetch()
        )
    )


def framework_category(*, framework: Framework, code: str) -> EndorsementCategory | None:
    """One category of a version with its requirements, in 2 queries (1 if there is none)."""
    return (
        EndorsementCategory.objects.filter(framework=framework, code=code)
        .prefetch_related(_requirements_prefetch())
        .first()
    )


def category_areas(*, category: EndorsementCategory) -> list[AreaGroup]:
    """The competency areas with the items that apply to the category, in 1 query."""
    groups: list[AreaGroup] = []
    items = (
        Competency.objects.filter(categories=category)
        .select_related("area")
        .order_by("area__order", "area__name", "area_id", "order", "name")
    )
    for item in items:
        if not groups or groups[-1].area.pk != item.area_id:
            groups.append(AreaGroup(area=item.area))
        groups[-1].items.append(item)
    return groups


def categories_by_family(categories: list[EndorsementCategory]) -> list[FamilyGroup]:
    """Categories grouped by family (infant first), keeping their order; empty families left out."""
    groups = [
        FamilyGroup(family=value, label=label, categories=[]) for value, label in Family.choices
    ]
    by_family = {group.family: group for group in groups}
    for category in categories:
        by_family[category.family].categories.append(category)
    return [group for group in groups if group.categories]


def requirement_groups(category: EndorsementCategory) -> list[RequirementGroup]:
    """The category's requirements under the public pages' headings.

    Uses the prefetched requirements. Headings without rows are left out, except the exam: a
    category without an exam says so.
    """
    requirements = list(category.requirements.all())
    groups = []
    for key, heading, kinds in REQUIREMENT_HEADINGS:
        rows = [r for r in requirements if r.kind in kinds]
        if rows or key == "exam":
            groups.append(RequirementGroup(key=key, heading=heading, requirements=rows))
    return groups


def category_requirements(*, category_id: int) -> list[Requirement]:
    """The category's requirements in their order (1 query)."""
    return list(Requirement.objects.filter(category_id=category_id).order_by("order", "id"))


def requirements_of_kind(category: EndorsementCategory, kind: str) -> list[Requirement]:
    """The category's requirements of one kind, read from its (usually prefetched)
    requirements."""
    return [r for r in category.requirements.all() if r.kind == kind]


@dataclass
class ComparisonRow:
    """One category in the association page's comparison table: short cells, in words."""

    category: EndorsementCategory
    who: str
    degree: str
    work: str
    training: str
    rsc: str
    references: str
    exam: str


def category_comparison(categories: list[EndorsementCategory]) -> list[ComparisonRow]:
    """A row per category, from its prefetched requirements (no query). The cells are short;
    the category's details below the table say the rest (topics, notes, renewal)."""
    return [_comparison_row(category) for category in categories]


def _comparison_row(category: EndorsementCategory) -> ComparisonRow:
    required = [r for r in category.requirements.all() if not r.is_optional]
    who = str(category.get_family_display())
    if category.track:
        who = str(gettext("%(family)s; track: %(track)s")) % {
            "family": who,
            "track": category.get_track_display(),
        }
    if category.is_add_on:
        who = str(gettext("%(who)s; only for holders of another endorsement")) % {"who": who}
    return ComparisonRow(
        category=category,
        who=who,
        degree=_degree_cell([r for r in required if r.kind == RequirementKind.EDUCATION]),
        work=" + ".join(
            model_years(r.min_years) for r in required if r.kind == RequirementKind.WORK
        )
        or "—",
        training=_hours_cell(
            [r for r in required if r.kind == RequirementKind.TRAINING and not r.topic]
        ),
        rsc=_rsc_cell(
            [r for r in required if r.kind == RequirementKind.RSC and r.min_hours and not r.topic],
            optional=any(r.kind == RequirementKind.RSC for r in category.requirements.all()),
        ),
        references=str(sum(1 for r in required if r.kind == RequirementKind.REFERENCE)),
        exam=str(
            gettext("Yes")
            if any(r.kind == RequirementKind.EXAM for r in required)
            else gettext("No")
        ),
    )


def _degree_cell(rows: list[Requirement]) -> str:
    if not rows:
        return str(EducationLevel.NONE.label)
    cells = []
    for row in rows:
        levels = [level for level in row.education_levels if level != EducationLevel.NONE]
        text = (
            or_join([str(EducationLevel(level).label) for level in levels])
            if levels
            else str(EducationLevel.NONE.label)
        )
        if levels and row.min_years:
            text = str(gettext("%(degree)s, or %(time)s of work")) % {
                "degree": text,
                "time": model_years(row.min_years),
            }
        cells.append(text)
    return "; ".join(cells)


def _hours_cell(rows: list[Requirement]) -> str:
    if not rows:
        return "—"
    total = sum((row.min_hours or 0) for row in rows)
    return str(gettext("%(hours)s hours")) % {"hours": model_hours(total)}


def _rsc_cell(rows: list[Requirement], *, optional: bool) -> str:
    if not rows:
        return str(gettext("Optional") if optional else gettext("Not required"))
    cell = _hours_cell(rows)
    window = rows[0]
    if window.window_min_months and window.window_max_months:
        cell = str(gettext("%(hours)s over %(min)s–%(max)s months")) % {
            "hours": cell,
            "min": window.window_min_months,
            "max": window.window_max_months,
        }
    elif window.window_max_months:
        cell = str(gettext("%(hours)s within %(max)s months")) % {
            "hours": cell,
            "max": window.window_max_months,
        }
    return cell
