"""Twelve months without activity while building the portfolio: on hold (a daily task)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from endorsement.enums import ApplicationState as S
from endorsement.inactivity import applications_hold_inactive, months_before
from endorsement.models import Application, ApplicationEvent
from endorsement.services import application_transition
from endorsement.tasks import applications_hold_inactive as hold_task
from tests.factories import ApplicationFactory, EndorsementCategoryFactory, UserFactory

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def category(association):
    return EndorsementCategoryFactory(framework__association=association, code="IFS")


def application_in(category, state, last_activity, **kwargs):
    application = ApplicationFactory(category=category, state=state, **kwargs)
    Application.objects.filter(pk=application.pk).update(last_activity=last_activity)
    return application


def states(*applications) -> list[str]:
    return [Application.objects.get(pk=a.pk).state for a in applications]


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (NOW, 12, datetime.datetime(2025, 12, 1, 9, 0, tzinfo=datetime.UTC)),
        (
            datetime.datetime(2026, 3, 31, tzinfo=datetime.UTC),
            1,
            datetime.datetime(2026, 2, 28, tzinfo=datetime.UTC),
        ),
        (
            datetime.datetime(2026, 1, 15, tzinfo=datetime.UTC),
            13,
            datetime.datetime(2024, 12, 15, tzinfo=datetime.UTC),
        ),
    ],
)
def test_months_before(moment, months, expected):
    assert months_before(moment, months) == expected


def test_only_building_applications_older_than_12_months_go_on_hold(category):
    old = NOW - datetime.timedelta(days=366)
    just_inside = datetime.datetime(2025, 12, 1, 9, 1, tzinfo=datetime.UTC)
    held = [
        application_in(category, state, old)
        for state in (S.REGISTERED, S.RETURNED, S.ACCEPTED, S.DEFERRED)
    ]
    recent = application_in(category, S.ACCEPTED, just_inside)
    reviewing = application_in(category, S.IN_REVIEW, old)
    submitted = application_in(category, S.SUBMITTED, old)
    assert applications_hold_inactive(now=NOW) == 4
    assert states(*held) == [S.ON_HOLD] * 4
    assert states(recent, reviewing, submitted) == [S.ACCEPTED, S.IN_REVIEW, S.SUBMITTED]
    assert [Application.objects.get(pk=a.pk).state_before_hold for a in held] == [
        S.REGISTERED,
        S.RETURNED,
        S.ACCEPTED,
        S.DEFERRED,
    ]
    event = ApplicationEvent.objects.get(application=held[2])
    assert (event.actor, event.from_state, event.to_state, event.note_is_public) == (
        None,
        S.ACCEPTED,
        S.ON_HOLD,
        True,
    )
    assert event.note == (
        "No activity for 12 months: the application is on hold. Resume it from the portfolio "
        "when you are ready to go on."
    )


def test_running_twice_holds_nobody_twice(category):
    application = application_in(category, S.ACCEPTED, NOW - datetime.timedelta(days=400))
    assert applications_hold_inactive(now=NOW) == 1
    assert applications_hold_inactive(now=NOW) == 0
    assert ApplicationEvent.objects.filter(application=application).count() == 1


def test_the_setting_gives_the_number_of_months(category, settings):
    settings.INACTIVITY_HOLD_MONTHS = 6
    application = application_in(category, S.ACCEPTED, NOW - datetime.timedelta(days=200))
    assert applications_hold_inactive(now=NOW) == 1
    assert states(application) == [S.ON_HOLD]
    assert "No activity for 6 months" in ApplicationEvent.objects.get().note


def test_the_task_holds_and_e_mails_the_applicant(category, django_capture_on_commit_callbacks):
    applicant = UserFactory(email="idle@example.org", full_name="Ida Idle")
    application = application_in(
        category, S.ACCEPTED, timezone.now() - datetime.timedelta(days=400), applicant=applicant
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = hold_task.apply()
    assert result.get() == 1
    assert states(application) == [S.ON_HOLD]
    (message,) = mail.outbox
    assert message.to == ["idle@example.org"]
    assert message.subject == f"Your application for {category.name} (IFS) is on hold"
    assert message.body.startswith("Dear Ida Idle,")
    assert "No activity for 12 months" in message.body


def test_the_task_is_registered_under_the_name_beat_uses(settings):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert hold_task.name == "endorsement.applications_hold_inactive"
    assert hold_task.name in names


def test_applicant_resumes_where_they_were(category):
    application = application_in(category, S.DEFERRED, NOW - datetime.timedelta(days=400))
    applications_hold_inactive(now=NOW)
    application_transition(application=application, action="resume", by=application.applicant)
    saved = Application.objects.get(pk=application.pk)
    assert (saved.state, saved.state_before_hold) == (S.DEFERRED, "")
    assert saved.last_activity > NOW - datetime.timedelta(days=1)
