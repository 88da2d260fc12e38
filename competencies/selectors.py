from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Association
from competencies.enums import Family, RequirementKind
from competencies.models import (
    Competency,
    CompetencyArea,
    EndorsementCategory,
    Framework,
    Requirement,
)

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
