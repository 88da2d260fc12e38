"""Writes to the competency framework: loading the shipped data and copying a version."""

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import Association
from competencies.framework_data import VersionSpec, framework_data_parse
from competencies.models import (
    Competency,
    CompetencyArea,
    EndorsementCategory,
    Framework,
    Requirement,
)

CategoryLink = Competency.categories.through


@transaction.atomic
def framework_load(
    *,
    association: Association,
    data: Any,
    report: Callable[[Framework, str], None] | None = None,
) -> list[Framework]:
    """Give the association its own copy of every version in ``data`` (the parsed YAML file).

    Adds what is missing (a category's name in a language it lacks too) and never changes
    what is already there: rows are matched by version,
    area code, category code and competency name, so loading twice creates nothing the second
    time and keeps the association's edits. A new category gets its requirements and its links
    to competencies. A locked version (an application was submitted under it) is skipped.
    Raises ``FrameworkDataError`` before writing anything if the data is not usable.
    ``report(framework, message)`` is told what happened to each version.
    Returns the association's framework of each version, in file order.
    """
    specs = framework_data_parse(data)
    say = report or (lambda framework, message: None)
    frameworks = []
    for spec in specs:
        framework = (
            Framework.objects.select_for_update()
            .filter(association=association, version=spec.version)
            .first()
        )
        if framework is not None and framework.is_locked:
            say(
                framework,
                f"{association.slug} {spec.version}: skipped, locked since "
                f"{framework.locked_at:%Y-%m-%d} (an application was submitted under it).",
            )
            frameworks.append(framework)
            continue
        created = framework is None
        if created:
            framework = Framework.objects.create(
                association=association, version=spec.version, **spec.values
            )
        counts = _load_version(framework=framework, spec=spec)
        if created:
            say(framework, f"{association.slug} {spec.version}: created ({_counts(counts)}).")
        elif any(counts.values()):
            say(framework, f"{association.slug} {spec.version}: added {_counts(counts)}.")
        else:
            say(framework, f"{association.slug} {spec.version}: up to date.")
        frameworks.append(framework)
    return frameworks


def _load_version(*, framework: Framework, spec: VersionSpec) -> dict[str, int]:
    counts = {"areas": 0, "categories": 0, "competencies": 0, "requirements": 0}

    areas = {area.code: area for area in framework.areas.all()}
    for area_spec in spec.areas:
        if area_spec.code not in areas:
            areas[area_spec.code] = CompetencyArea.objects.create(
                framework=framework, code=area_spec.code, order=area_spec.order, **area_spec.values
            )
            counts["areas"] += 1

    categories = {category.code: category for category in framework.categories.all()}
    new_codes = set()
    new_requirements = []
    named = 0
    for category_spec in spec.categories:
        if category_spec.code in categories:
            named += _names_fill(categories[category_spec.code], category_spec.values["names"])
            continue
        category = EndorsementCategory.objects.create(
            framework=framework,
            code=category_spec.code,
            order=category_spec.order,
            **category_spec.values,
        )
        categories[category.code] = category
        new_codes.add(category.code)
        new_requirements += [
            Requirement(category=category, kind=row.kind, order=row.order, **row.values)
            for row in category_spec.requirements
        ]
    Requirement.objects.bulk_create(new_requirements)
    counts["categories"] = len(new_codes)
    counts["requirements"] = len(new_requirements)
    if named:
        counts["category names in other languages"] = named

    existing = {
        (item.area.code, item.name): item
        for item in Competency.objects.filter(area__framework=framework).select_related("area")
    }
    links = []
    for area_spec in spec.areas:
        for item_spec in area_spec.items:
            item = existing.get((area_spec.code, item_spec.name))
            if item is None:
                item = Competency.objects.create(
                    area=areas[area_spec.code], name=item_spec.name, order=item_spec.order
                )
                counts["competencies"] += 1
                link_to = item_spec.categories
            else:
                link_to = item_spec.categories & new_codes
            links += [
                CategoryLink(competency_id=item.pk, endorsementcategory_id=categories[code].pk)
                for code in sorted(link_to)
            ]
    CategoryLink.objects.bulk_create(links, ignore_conflicts=True)
    return counts


def _names_fill(category: EndorsementCategory, names: dict[str, str]) -> int:
    """Give an existing category its name in the languages it lacks (never changes one the
    association entered). Returns 1 if it changed."""
    missing = {
        language: name for language, name in names.items() if not category.names.get(language)
    }
    if not missing:
        return 0
    category.names = {**category.names, **missing}
    category.save(update_fields=["names"])
    return 1


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{number} {name}" for name, number in counts.items())


def _copy(instance: models.Model, **overrides) -> models.Model:
    """An unsaved copy of ``instance`` with every concrete field but the primary key."""
    values = {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if not f.primary_key
    }
    values.update(overrides)
    return type(instance)(**values)


@transaction.atomic
def framework_clone(
    *, framework: Framework, version: str, effective_from: datetime.date
) -> Framework:
    """A new draft version (unpublished, unlocked) copying everything under ``framework``.

    The copy shares no rows with the original: editing it never changes what applications under
    the original version are judged by.
    """
    version = version.strip()
    if not version:
        raise ValidationError(_("Give the new version a name."))
    if Framework.objects.filter(association_id=framework.association_id, version=version).exists():
        raise ValidationError(
            _("Version %(version)s already exists for this association.") % {"version": version}
        )
    clone = _copy(
        framework,
        version=version,
        effective_from=effective_from,
        effective_until=None,
        is_published=False,
        locked_at=None,
        note=_("Copied from version %(version)s.") % {"version": framework.version},
    )
    clone.save()

    old_areas = list(CompetencyArea.objects.filter(framework=framework).order_by("pk"))
    new_areas = CompetencyArea.objects.bulk_create(
        [_copy(area, framework_id=clone.pk) for area in old_areas]
    )
    area_ids = {old.pk: new.pk for old, new in zip(old_areas, new_areas, strict=True)}

    old_categories = list(EndorsementCategory.objects.filter(framework=framework).order_by("pk"))
    new_categories = EndorsementCategory.objects.bulk_create(
        [_copy(category, framework_id=clone.pk) for category in old_categories]
    )
    category_ids = {old.pk: new.pk for old, new in zip(old_categories, new_categories, strict=True)}

    Requirement.objects.bulk_create(
        [
            _copy(requirement, category_id=category_ids[requirement.category_id])
            for requirement in Requirement.objects.filter(category__framework=framework).order_by(
                "pk"
            )
        ]
    )

    old_items = list(Competency.objects.filter(area__framework=framework).order_by("pk"))
    new_items = Competency.objects.bulk_create(
        [_copy(item, area_id=area_ids[item.area_id]) for item in old_items]
    )
    item_ids = {old.pk: new.pk for old, new in zip(old_items, new_items, strict=True)}
    CategoryLink.objects.bulk_create(
        [
            CategoryLink(
                competency_id=item_ids[competency_id],
                endorsementcategory_id=category_ids[category_id],
            )
            for competency_id, category_id in CategoryLink.objects.filter(
                competency__area__framework=framework
            ).values_list("competency_id", "endorsementcategory_id")
        ]
    )
    return clone
