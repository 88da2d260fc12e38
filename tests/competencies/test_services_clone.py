import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from competencies.enums import RequirementKind
from competencies.models import (
    Competency,
    CompetencyArea,
    EndorsementCategory,
    Framework,
    Requirement,
)
from competencies.services import framework_clone
from endorsement.models import Application


def describe_all(framework):
    """Everything under a version, with no ids: what a copy must equal."""
    return {
        "areas": list(
            CompetencyArea.objects.filter(framework=framework)
            .order_by("order", "code")
            .values_list("code", "name", "order", "mentors_only")
        ),
        "categories": list(
            EndorsementCategory.objects.filter(framework=framework)
            .order_by("order")
            .values_list(
                "code", "name", "family", "track", "summary", "is_mentor", "is_open", "order"
            )
        ),
        "items": sorted(
            Competency.objects.filter(area__framework=framework).values_list(
                "area__code", "name", "order"
            )
        ),
        "links": sorted(
            Competency.objects.filter(area__framework=framework).values_list(
                "area__code", "name", "categories__code"
            )
        ),
        "requirements": sorted(
            (r.category.code, r.order, r.kind, r.describe(), r.note, r.is_optional)
            for r in Requirement.objects.filter(category__framework=framework).select_related(
                "category"
            )
        ),
    }


def test_clone_copies_everything_into_a_draft(loaded):
    source = loaded["2025"]
    clone = framework_clone(
        framework=source, version="2026", effective_from=datetime.date(2026, 1, 1)
    )
    assert clone.pk != source.pk
    assert (clone.association_id, clone.version, clone.effective_from) == (
        source.association_id,
        "2026",
        datetime.date(2026, 1, 1),
    )
    assert (clone.is_published, clone.locked_at, clone.effective_until) == (False, None, None)
    assert clone.name == source.name
    assert clone.note == "Copied from version 2025."
    assert describe_all(clone) == describe_all(source)
    assert Requirement.objects.filter(category__framework=clone).count() == 158
    links = Competency.categories.through.objects
    assert links.filter(competency__area__framework=clone).count() == 582
    assert links.filter(competency__area__framework=source).count() == 582
    shared = set(
        EndorsementCategory.objects.filter(framework=clone).values_list("pk", flat=True)
    ) & set(EndorsementCategory.objects.filter(framework=source).values_list("pk", flat=True))
    assert shared == set()
    # the draft is not in force, so the public pages keep showing the source
    assert (
        Framework.objects.filter(association=source.association)
        .in_force(datetime.date(2026, 6, 1))
        .first()
        == source
    )


def test_clone_of_a_locked_version_is_independent(loaded, submit_application):
    source = loaded["2025"]
    ifs = EndorsementCategory.objects.get(framework=source, code="IFS")
    application = submit_application(ifs)
    source.refresh_from_db()
    assert source.is_locked
    before = describe_all(source)

    clone = framework_clone(
        framework=source, version="2026", effective_from=datetime.date(2026, 1, 1)
    )
    assert clone.locked_at is None
    clone_ifs = EndorsementCategory.objects.get(framework=clone, code="IFS")
    Requirement.objects.filter(category=clone_ifs, kind=RequirementKind.RSC).update(
        min_hours=Decimal("30")
    )
    Requirement.objects.filter(category=clone_ifs, kind=RequirementKind.REFERENCE).delete()
    clone_ifs.competencies.clear()
    EndorsementCategory.objects.filter(pk=clone_ifs.pk).update(name="Renamed")

    application = Application.objects.get(pk=application.pk)
    assert application.category_id == ifs.pk
    (rsc,) = application.category.requirements.filter(kind=RequirementKind.RSC)
    assert rsc.min_hours == Decimal("24.0")
    assert application.category.requirements.filter(kind=RequirementKind.REFERENCE).count() == 3
    assert application.category.competencies.count() == 41
    assert application.category.name == "Infant Family Specialist"
    assert describe_all(source) == before


def test_clone_refuses_an_existing_version_name(loaded):
    with pytest.raises(ValidationError) as error:
        framework_clone(
            framework=loaded["2025"], version="2017", effective_from=datetime.date(2026, 1, 1)
        )
    assert error.value.messages == ["Version 2017 already exists for this association."]
    with pytest.raises(ValidationError) as error:
        framework_clone(
            framework=loaded["2025"], version="  ", effective_from=datetime.date(2026, 1, 1)
        )
    assert error.value.messages == ["Give the new version a name."]
    assert Framework.objects.count() == 2
