"""Shared set-up for the training, CSV import and RS/C tests (plain functions, no fixtures)."""

import datetime
from decimal import Decimal

from competencies.models import Competency, EndorsementCategory
from endorsement.enums import ApplicationState
from endorsement.models import Application
from portfolios.enums import RSCFormat, TrainingFormat
from portfolios.models import RSCEntry, Training
from tests.factories import (
    ApplicationFactory,
    CompetencyAreaFactory,
    CompetencyFactory,
    EndorsementCategoryFactory,
    FrameworkFactory,
)

AREAS = {
    "Theoretical Foundations": [
        "Pregnancy and early parenthood",
        "Attachment, separation, trauma, grief and loss",
        "Cultural competence",
    ],
    "Direct Service Skills": ["Observation and listening", "Screening and assessment"],
}
# An item of the framework that does not apply to the category.
OTHER_ITEM = "Research and evaluation"


def make_category(association, code="IFS") -> EndorsementCategory:
    """A category with two areas of items (in this order), and one item of another category."""
    framework = FrameworkFactory(association=association)
    category = EndorsementCategoryFactory(
        framework=framework, code=code, name="Infant Family Specialist"
    )
    for area_order, (area_name, names) in enumerate(AREAS.items(), start=1):
        area = CompetencyAreaFactory(framework=framework, name=area_name, order=area_order)
        for order, name in enumerate(names, start=1):
            CompetencyFactory(area=area, name=name, order=order).categories.add(category)
    CompetencyFactory(area=area, name=OTHER_ITEM, order=9)
    return category


def item(name: str) -> Competency:
    return Competency.objects.get(name=name)


def make_application(category, applicant=None, state=ApplicationState.ACCEPTED) -> Application:
    kwargs = {"category": category}
    if applicant is not None:
        kwargs["applicant"] = applicant
    application = ApplicationFactory(**kwargs)
    set_state(application, state)
    return application


def set_state(application, state, *, submitted=False) -> None:
    """Put the application in a state directly (the tests here are not about the workflow)."""
    fields = {"state": state}
    if submitted or state == ApplicationState.SUBMITTED:
        fields["submitted_at"] = datetime.datetime(2026, 1, 5, 12, 0, tzinfo=datetime.UTC)
    Application.objects.filter(pk=application.pk).update(**fields)
    application.refresh_from_db()


def add_training(application, *, items=(), **kwargs) -> Training:
    values = {
        "title": "Supporting early relationships",
        "provider": "Regional Training Institute",
        "date": datetime.date(2025, 3, 15),
        "hours": Decimal("6"),
        "format": TrainingFormat.WORKSHOP,
        **kwargs,
    }
    training = Training.objects.create(application=application, **values)
    training.competencies.set(items)
    return training


def add_rsc(application, hours, start, end, **kwargs) -> RSCEntry:
    values = {
        "provider_name": "Dana Provider",
        "format": RSCFormat.INDIVIDUAL,
        "about_rsc_provided": False,
        **kwargs,
    }
    return RSCEntry.objects.create(
        application=application, hours=Decimal(str(hours)), start=start, end=end, **values
    )
