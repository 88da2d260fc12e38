from django.db.models import Prefetch

from accounts.models import Association
from competencies.models import (
    Competency,
    CompetencyArea,
    EndorsementCategory,
    Framework,
    Requirement,
)


def framework_in_force(*, association: Association, on=None) -> Framework | None:
    return Framework.objects.filter(association=association).in_force(on).first()


def framework_overview(*, framework: Framework) -> list[EndorsementCategory]:
    """Categories of a version with their requirements and competency items, in 4 queries."""
    return list(
        EndorsementCategory.objects.filter(framework=framework)
        .select_related("framework")
        .prefetch_related(
            Prefetch("requirements", queryset=Requirement.objects.order_by("kind", "order", "id")),
            Prefetch(
                "competencies",
                queryset=Competency.objects.select_related("area").order_by("area__order", "order"),
            ),
        )
    )


def framework_areas(*, framework: Framework) -> list[CompetencyArea]:
    return list(
        CompetencyArea.objects.filter(framework=framework).prefetch_related(
            Prefetch("items", queryset=Competency.objects.order_by("order"))
        )
    )
