"""Builders for the references tests: a category with reference rows and competency items, an
application, and the token read back from the rater's e-mail."""

import re

from django.core import mail
from django.db.models import F

from competencies.enums import ReferenceKind, RequirementKind
from endorsement.enums import ApplicationState
from endorsement.models import Application
from tests.factories import (
    ApplicationFactory,
    CompetencyAreaFactory,
    CompetencyFactory,
    EndorsementCategoryFactory,
    FrameworkFactory,
    RequirementFactory,
    UserFactory,
)

RATE_LINK = re.compile(r"http://127\.0\.0\.1:8000/portfolio/rate/([A-Za-z0-9_-]{43})/")


def make_category(
    association,
    *,
    kinds=(ReferenceKind.CURRENT_SUPERVISOR, ReferenceKind.RSC_PROVIDER, ReferenceKind.ANY),
    items_per_area=(4, 4),
):
    """A category (code IFS) with one REFERENCE row per kind and areas of competency items."""
    framework = FrameworkFactory(association=association, version="2025")
    category = EndorsementCategoryFactory(
        framework=framework, code="IFS", name="Infant Family Specialist"
    )
    for order, kind in enumerate(kinds):
        RequirementFactory(
            category=category,
            kind=RequirementKind.REFERENCE,
            reference_kind=kind,
            min_hours=None,
            order=order,
        )
    names = ["Theoretical Foundations", "Direct Service Skills", "Reflection"]
    for area_index, count in enumerate(items_per_area):
        area = CompetencyAreaFactory(
            framework=framework, name=names[area_index], order=area_index, code=f"a{area_index}"
        )
        for item_index in range(count):
            item = CompetencyFactory(
                area=area, name=f"{area.name} item {item_index + 1}", order=item_index
            )
            item.categories.add(category)
    return category


def make_application(category, *, applicant=None, state=ApplicationState.ACCEPTED, **user):
    applicant = applicant or UserFactory(
        **{"full_name": "Ana López", "email": "ana@example.org", **user}
    )
    application = ApplicationFactory(category=category, applicant=applicant)
    Application.objects.filter(pk=application.pk).update(state=state)
    application.refresh_from_db()
    return application


def set_state(application, state):
    Application.objects.filter(pk=application.pk).update(state=state)
    application.refresh_from_db()


def tokens_in(message) -> list[str]:
    return RATE_LINK.findall(message.body)


def last_token() -> str:
    [token] = tokens_in(mail.outbox[-1])
    return token


def competency_ids(category) -> list[int]:
    return list(
        category.competencies.order_by(F("area__order"), "order").values_list("pk", flat=True)
    )


def scores(category, *, nei=0, score="3") -> dict[int, str]:
    """Every item rated ``score``, the first ``nei`` items "not enough information"."""
    ids = competency_ids(category)
    return {pk: ("nei" if index < nei else score) for index, pk in enumerate(ids)}


def form_data(category, *, nei=0, score="3", comment="") -> dict[str, str]:
    data = {f"item_{pk}": value for pk, value in scores(category, nei=nei, score=score).items()}
    data["comment"] = comment
    return data
