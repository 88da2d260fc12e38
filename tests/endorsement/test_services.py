import datetime

import pytest
from django.utils import timezone

from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from endorsement.services import (
    TransitionNotAllowed,
    application_register,
    application_transition,
)
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    RoleGrantFactory,
    UserFactory,
)

# The workflow alone: the conditions of later apps are tested in tests/endorsement/test_guards.py.
pytestmark = pytest.mark.usefixtures("only_the_workflow")


@pytest.fixture
def category(association):
    return EndorsementCategoryFactory(framework__association=association, code="IMHS")


@pytest.fixture
def coordinator(association):
    return RoleGrantFactory(user__email="coordinator@example.org", association=association).user


def events(application) -> list[tuple]:
    return list(
        ApplicationEvent.objects.filter(application=application).values_list(
            "actor__email", "from_state", "to_state", "note", "note_is_public"
        )
    )


def test_register_creates_the_application_and_its_first_event(db, association, category, user):
    application = application_register(applicant=user, category=category)
    saved = Application.objects.get()
    assert saved.pk == application.pk
    assert (saved.association, saved.applicant, saved.category, saved.state) == (
        association,
        user,
        category,
        S.REGISTERED,
    )
    assert saved.submitted_at is None
    assert events(saved) == [(user.email, "", S.REGISTERED.value, "", True)]


def test_transition_writes_an_event_with_actor_from_to_and_note(db, category, coordinator):
    application = ApplicationFactory(category=category)
    before = Application.objects.get(pk=application.pk).state_changed
    result = application_transition(
        application=application, action="accept", by=coordinator, note="Welcome aboard."
    )
    assert result.state == S.ACCEPTED
    saved = Application.objects.get(pk=application.pk)
    assert saved.state == S.ACCEPTED
    assert saved.state_changed > before
    assert events(saved) == [
        ("coordinator@example.org", S.REGISTERED.value, S.ACCEPTED.value, "Welcome aboard.", True)
    ]


def test_transition_can_keep_a_note_private(db, category, coordinator):
    application = ApplicationFactory(category=category)
    application_transition(
        application=application,
        action="return_registration",
        by=coordinator,
        note="Transcript missing.",
        public=False,
    )
    assert events(application) == [
        (
            "coordinator@example.org",
            S.REGISTERED.value,
            S.RETURNED.value,
            "Transcript missing.",
            False,
        )
    ]


def test_transition_without_an_actor_is_logged_as_the_system(db, category):
    application = ApplicationFactory(category=category, state=S.SUBMITTED)
    application_transition(application=application, action="start_review", by=None)
    assert events(application) == [(None, S.SUBMITTED.value, S.IN_REVIEW.value, "", True)]


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (S.REGISTERED, "submit"),
        (S.REGISTERED, "start_review"),
        (S.ACCEPTED, "accept"),
        (S.RETURNED, "accept"),
        (S.SUBMITTED, "submit"),
        (S.AWARDED, "return_registration"),
        (S.WITHDRAWN, "resubmit_registration"),
    ],
)
def test_transition_not_allowed_from_the_state_writes_nothing(
    db, category, coordinator, state, action
):
    application = ApplicationFactory(category=category, state=state)
    before = Application.objects.get(pk=application.pk)
    label = dict(S.choices)[state]
    with pytest.raises(TransitionNotAllowed) as error:
        application_transition(application=application, action=action, by=coordinator)
    assert str(error.value) == f"This step is not possible while the application is “{label}”."
    after = Application.objects.get(pk=application.pk)
    assert (after.state, after.state_changed, after.submitted_at) == (
        state,
        before.state_changed,
        None,
    )
    assert ApplicationEvent.objects.count() == 0
    category.framework.refresh_from_db()
    assert category.framework.locked_at is None


@pytest.mark.parametrize("action", ["fly", "save", "delete", "refresh_from_db", "__class__"])
def test_unknown_step_is_refused_and_writes_nothing(db, category, coordinator, action):
    application = ApplicationFactory(category=category)
    with pytest.raises(TransitionNotAllowed, match=f"^Unknown step: {action}.$"):
        application_transition(application=application, action=action, by=coordinator)
    assert Application.objects.get(pk=application.pk).state == S.REGISTERED
    assert ApplicationEvent.objects.count() == 0


def test_failure_while_logging_rolls_the_transition_back(db, category, coordinator, monkeypatch):
    application = ApplicationFactory(category=category, state=S.ACCEPTED)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ApplicationEvent.objects, "create", broken)
    with pytest.raises(RuntimeError):
        application_transition(application=application, action="submit", by=application.applicant)
    after = Application.objects.get(pk=application.pk)
    assert (after.state, after.submitted_at) == (S.ACCEPTED, None)
    category.framework.refresh_from_db()
    assert category.framework.locked_at is None


def test_submit_sets_submitted_at_and_locks_the_framework(db, category, user):
    application = ApplicationFactory(category=category, applicant=user, state=S.ACCEPTED)
    started = timezone.now()
    application_transition(application=application, action="submit", by=user)
    saved = Application.objects.get(pk=application.pk)
    assert saved.state == S.SUBMITTED
    assert saved.submitted_at is not None
    assert started <= saved.submitted_at <= timezone.now()
    assert saved.state_changed == saved.submitted_at
    category.framework.refresh_from_db()
    assert category.framework.locked_at == saved.submitted_at
    assert category.framework.is_locked is True
    assert events(saved) == [(user.email, S.ACCEPTED.value, S.SUBMITTED.value, "", True)]


def test_later_submissions_keep_the_first_lock_time(db, category):
    first = ApplicationFactory(category=category, state=S.ACCEPTED)
    second = ApplicationFactory(category=category, state=S.DEFERRED)
    application_transition(application=first, action="submit", by=first.applicant)
    category.framework.refresh_from_db()
    locked_at = category.framework.locked_at
    application_transition(application=second, action="submit", by=second.applicant)
    category.framework.refresh_from_db()
    assert category.framework.locked_at == locked_at
    assert Application.objects.get(pk=second.pk).submitted_at > locked_at


def test_submit_locks_only_its_own_framework(db, category, other_association):
    other_category = EndorsementCategoryFactory(framework__association=other_association)
    application = ApplicationFactory(category=category, state=S.ACCEPTED)
    application_transition(application=application, action="submit", by=application.applicant)
    other_category.framework.refresh_from_db()
    assert other_category.framework.locked_at is None


def test_transitions_other_than_submit_do_not_lock(db, category, coordinator):
    application = ApplicationFactory(category=category)
    application_transition(application=application, action="accept", by=coordinator)
    category.framework.refresh_from_db()
    assert category.framework.locked_at is None
    assert Application.objects.get(pk=application.pk).submitted_at is None


def test_the_whole_path_is_logged_in_order(db, category, coordinator):
    applicant = UserFactory(email="applicant@example.org")
    application = application_register(applicant=applicant, category=category)
    steps = [
        ("return_registration", coordinator, "Add your transcript."),
        ("resubmit_registration", applicant, ""),
        ("accept", coordinator, ""),
        ("submit", applicant, ""),
        ("start_review", coordinator, ""),
    ]
    for action, by, note in steps:
        application = application_transition(
            application=application, action=action, by=by, note=note
        )
    assert application.state == S.IN_REVIEW
    assert events(application) == [
        ("applicant@example.org", "", "registered", "", True),
        ("coordinator@example.org", "registered", "returned", "Add your transcript.", True),
        ("applicant@example.org", "returned", "registered", "", True),
        ("coordinator@example.org", "registered", "accepted", "", True),
        ("applicant@example.org", "accepted", "submitted", "", True),
        ("coordinator@example.org", "submitted", "in_review", "", True),
    ]


def test_transition_uses_the_state_in_the_database_not_a_stale_copy(db, category, coordinator):
    application = ApplicationFactory(category=category)
    stale = Application.objects.get(pk=application.pk)
    application_transition(application=application, action="accept", by=coordinator)
    # The stale copy still says "registered", but the database says "accepted".
    with pytest.raises(TransitionNotAllowed):
        application_transition(application=stale, action="accept", by=coordinator)
    assert ApplicationEvent.objects.count() == 1


def test_state_changed_is_timezone_aware_utc(db, category, coordinator):
    application = application_transition(
        application=ApplicationFactory(category=category), action="accept", by=coordinator
    )
    assert application.state_changed.utcoffset() == datetime.timedelta(0)
