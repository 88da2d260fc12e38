import pytest

from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from endorsement.services import application_register, application_transition
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    RoleGrantFactory,
    UserFactory,
)


@pytest.fixture
def application(association):
    category = EndorsementCategoryFactory(framework__association=association, code="IMHS")
    return application_register(applicant=UserFactory(), category=category)


def test_state_cannot_be_assigned_directly(application):
    with pytest.raises(AttributeError, match="Direct state modification is not allowed"):
        application.state = S.AWARDED
    assert Application.objects.get(pk=application.pk).state == S.REGISTERED


def test_state_cannot_be_assigned_on_a_loaded_application(application):
    loaded = Application.objects.get(pk=application.pk)
    with pytest.raises(AttributeError):
        loaded.state = S.APPROVED


def test_refresh_from_db_reloads_the_protected_state(application):
    application_transition(application=application, action="accept", by=None)
    application.refresh_from_db()
    assert application.state == S.ACCEPTED
    with pytest.raises(AttributeError):
        application.state = S.AWARDED


def test_event_cannot_be_changed_once_saved(application):
    event = ApplicationEvent.objects.get()
    event.note = "Rewritten history"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert ApplicationEvent.objects.get().note == ""


def test_events_cannot_be_updated_in_bulk(application):
    with pytest.raises(ValueError, match="append-only"):
        ApplicationEvent.objects.filter(application=application).update(note="Rewritten")
    event = ApplicationEvent.objects.get()
    event.note = "Rewritten"
    with pytest.raises(ValueError, match="append-only"):
        ApplicationEvent.objects.bulk_update([event], ["note"])
    assert ApplicationEvent.objects.get().note == ""


def test_deleting_a_staff_member_keeps_the_events_without_their_name(application):
    coordinator = RoleGrantFactory(association=application.association).user
    application_transition(application=application, action="accept", by=coordinator)
    coordinator.delete()
    assert list(ApplicationEvent.objects.order_by("id").values_list("actor", "to_state")) == [
        (application.applicant_id, S.REGISTERED.value),
        (None, S.ACCEPTED.value),
    ]


def test_str_of_application_and_event(application):
    assert str(application) == f"{application.applicant} – IMHS"
    assert str(ApplicationEvent.objects.get()) == f"{application.pk}:  → registered"


def test_framework_is_the_categorys(db):
    application = ApplicationFactory()
    assert application.framework == application.category.framework
