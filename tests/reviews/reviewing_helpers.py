"""Builders for the portfolio-review tests: a framework with three areas (one for Mentors only),
a submitted application (with its submission event, so the round is 1) and reviewers."""

import datetime

from accounts.enums import Role
from endorsement.enums import ApplicationState as S
from endorsement.models import ApplicationEvent
from tests.factories import (
    ApplicationFactory,
    CompetencyAreaFactory,
    CompetencyFactory,
    EndorsementCategoryFactory,
    FrameworkFactory,
    UserFactory,
)

AREA_NAMES = ("Theoretical Foundations", "Reflection")
MENTOR_AREA = "Administration"


def make_framework(association, *, mentor=False, code="IFS"):
    """(category, [areas rated for it]) in a framework of the association."""
    framework = FrameworkFactory(association=association)
    areas = [
        CompetencyAreaFactory(framework=framework, name=name, order=order)
        for order, name in enumerate(AREA_NAMES, start=1)
    ]
    admin_area = CompetencyAreaFactory(
        framework=framework, name=MENTOR_AREA, order=9, mentors_only=True
    )
    category = EndorsementCategoryFactory(
        framework=framework, code=code, name=f"Category {code}", is_mentor=mentor
    )
    for area in [*areas, admin_area]:
        item = CompetencyFactory(area=area, name=f"{area.name} item")
        item.categories.add(category)
    return category, areas + ([admin_area] if mentor else [])


def submitted(category, *, submissions=1, state=S.SUBMITTED, **kwargs):
    """An application in ``state`` that was submitted ``submissions`` times."""
    kwargs.setdefault("applicant", UserFactory(full_name="Ana Applicant"))
    application = ApplicationFactory(
        category=category,
        state=state,
        submitted_at=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC),
        **kwargs,
    )
    for _ in range(submissions):
        ApplicationEvent.objects.create(
            application=application,
            actor=application.applicant,
            from_state=S.ACCEPTED,
            to_state=S.SUBMITTED,
        )
    return application


def reviewer(make_staff, association, name="Rita Reviewer", email=None):
    email = email or f"{name.split()[0].lower()}@example.org"
    return make_staff(Role.REVIEWER, association, user__full_name=name, user__email=email)


def due(days=14) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=days)
