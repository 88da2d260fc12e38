"""The portal's own notes on the timeline and in the step's e-mail, in the reader's language.

A note the portal writes (the award, the inactivity hold, the exam sitting, the exam result) is
kept as a key and values and rendered for whoever reads it; ``note`` keeps it in English for the
admin and the CSV. A person's note is shown as they wrote it.
"""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Association
from endorsement.awards import endorsement_award
from endorsement.enums import ApplicationState as S
from endorsement.inactivity import applications_hold_inactive
from endorsement.models import Application, ApplicationEvent
from endorsement.notes import NOTES, note_render
from endorsement.services import application_transition
from endorsement.timeline import application_timeline
from reviews.services import exams
from tests.factories import (
    ApplicationFactory,
    EndorsementCategoryFactory,
    ExamRegistrationFactory,
    ExamSittingFactory,
    UserFactory,
)
from tests.reviews.helpers import exam_rows, sitting_started

pytestmark = pytest.mark.django_db

AWARD_ES = "Endoso NFAIMH-IFS-2026-0001, vigente hasta el 31 de diciembre de 2026."
AWARD_EN = "Endorsement NFAIMH-IFS-2026-0001, valid through Dec. 31, 2026."
HOLD_ES = (
    "Sin actividad durante 12 meses: la solicitud está en pausa. Reanúdela desde el "
    "portafolio cuando esté listo/a para continuar."
)
HOLD_EN = (
    "No activity for 12 months: the application is on hold. Resume it from the portfolio "
    "when you are ready to go on."
)
RESULT_ES = (
    "Parte 1: 47 de 60 correctas (78,3%); calificación mínima para aprobar 80%: no aprobada.\n"
    "El examen no está aprobado."
)
RESULT_EN = "Part 1: 47 of 60 correct (78.3%); pass mark 80%: not passed.\nThe exam is not passed."


@pytest.fixture
def category(association):
    association.number_prefix = "NFAIMH"
    association.time_zone = "America/New_York"
    association.save()
    return EndorsementCategoryFactory(
        framework__association=association, code="IFS", name="Infant Family Specialist"
    )


@pytest.fixture
def ana(db):
    """A Spanish-speaking applicant."""
    return UserFactory(email="ana@example.org", full_name="Ana López", preferred_language="es")


def timeline_url(application) -> str:
    return reverse("portfolios:timeline", kwargs={"application_id": application.pk})


def detail_url(application) -> str:
    return reverse("endorsement:detail", kwargs={"application_id": application.pk})


def page_of(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def only_event(application, to_state) -> ApplicationEvent:
    return ApplicationEvent.objects.get(application=application, to_state=to_state)


# --- the award --------------------------------------------------------------------------------


@pytest.fixture
def awarded(monkeypatch, category, ana, coordinator):
    """Ana's application awarded on 15 March 2026 (valid through 31 December 2026) by the
    coordinator, who was using the portal in Spanish at the time."""
    monkeypatch.setattr(Association, "today", lambda self: datetime.date(2026, 3, 15))
    application = ApplicationFactory(category=category, applicant=ana, state=S.APPROVED)
    with translation.override("es"):
        endorsement_award(application=application, by=coordinator)
    return application


def test_the_award_note_is_kept_in_english_with_its_key_and_values(awarded):
    event = only_event(awarded, S.AWARDED)
    assert (event.note, event.note_key, event.note_values) == (
        AWARD_EN,
        "award",
        {"number": "NFAIMH-IFS-2026-0001", "date": "2026-12-31"},
    )


def test_a_spanish_applicant_reads_the_award_note_in_spanish(client, awarded, ana):
    page = page_of(client, ana, timeline_url(awarded))
    assert AWARD_ES in page
    assert AWARD_EN not in page


def test_the_english_coordinator_reads_the_award_note_in_english(client, awarded, coordinator):
    page = page_of(client, coordinator, detail_url(awarded))
    assert AWARD_EN in page
    assert AWARD_ES not in page


def test_the_spanish_applicants_dashboard_shows_the_award_note_in_spanish(client, awarded, ana):
    page = page_of(client, ana, reverse("accounts:dashboard.applicant"))
    assert AWARD_ES in page


# --- the inactivity hold ----------------------------------------------------------------------


@pytest.fixture
def held(category, ana, django_capture_on_commit_callbacks):
    """Ana's application put on hold by the daily task after 13 months without activity."""
    application = ApplicationFactory(category=category, applicant=ana, state=S.ACCEPTED)
    Application.objects.filter(pk=application.pk).update(
        last_activity=timezone.now() - datetime.timedelta(days=400)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert applications_hold_inactive() == 1
    return application


def test_the_inactivity_hold_note_reads_in_spanish_for_a_spanish_applicant(client, held, ana):
    event = only_event(held, S.ON_HOLD)
    assert (event.note, event.note_key, event.note_values) == (
        HOLD_EN,
        "hold_inactive",
        {"months": 12},
    )
    page = page_of(client, ana, timeline_url(held))
    assert HOLD_ES in page
    assert HOLD_EN not in page


def test_the_coordinator_reads_the_inactivity_hold_note_in_english(client, held, coordinator):
    page = page_of(client, coordinator, detail_url(held))
    assert HOLD_EN in page


def test_the_hold_e_mail_to_a_spanish_applicant_carries_the_spanish_note(held):
    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    assert HOLD_ES in message.body
    assert "No activity" not in message.body


# --- the exam ---------------------------------------------------------------------------------


@pytest.fixture
def exam_category(association):
    """A category whose exam is Part 1 alone (60 questions, 80% to pass)."""
    category = EndorsementCategoryFactory(framework__association=association, code="IMHM-C")
    return exam_rows(category, part2=False)


@pytest.fixture
def failed(exam_category, ana, coordinator, association, django_capture_on_commit_callbacks):
    """Ana's exam failed with 47 of 60, the score entered by the (English) coordinator."""
    sitting = ExamSittingFactory(association=association)
    application = ApplicationFactory(category=exam_category, applicant=ana, state=S.EXAM)
    registration = ExamRegistrationFactory(sitting=sitting, application=application, attempt=1)
    sitting_started(sitting)
    with django_capture_on_commit_callbacks(execute=True):
        exams.part1_enter(registration=registration, correct=47, by=coordinator)
    return application


def test_the_exam_result_note_reads_in_each_readers_language(client, failed, ana, coordinator):
    event = only_event(failed, S.EXAM_FAILED)
    assert (event.note, event.note_key) == (RESULT_EN, "exam_result")
    assert event.note_values == {
        "part1": {"correct": 47, "questions": 60, "percent": "78.3", "pass": 80, "passed": False},
        "passed": False,
    }
    spanish = page_of(client, ana, timeline_url(failed))
    assert RESULT_ES.replace("\n", "<br>") in spanish
    english = page_of(client, coordinator, detail_url(failed))
    assert RESULT_EN.replace("\n", "<br>") in english


def test_the_exam_result_e_mails_are_in_each_recipients_language(failed):
    by_recipient = {tuple(message.to): message.body for message in mail.outbox}
    assert RESULT_ES in by_recipient[("ana@example.org",)]
    assert RESULT_EN in by_recipient[("casey@example.org",)]


def test_the_exam_sitting_note_reads_in_spanish_with_the_sitting_as_written(
    client, exam_category, ana, association, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(category=exam_category, applicant=ana, state=S.APPROVED)
    # 14:00 UTC on 12 March 2099 is 10:00 in New York (daylight saving time has begun).
    sitting = ExamSittingFactory(
        association=association,
        starts_at=datetime.datetime(2099, 3, 12, 14, 0, tzinfo=datetime.UTC),
        place="Northfield University, Room 101",
        note="Bring a photo ID.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        exams.exam_register(application=application, sitting=sitting, by=ana)
    event = only_event(application, S.EXAM)
    assert event.note == (
        "Exam sitting: March 12, 2099, 10 a.m., Northfield University, Room 101.\nBring a photo ID."
    )
    spanish = (
        "Convocatoria de examen: 12 de marzo de 2099 a las 10:00, Northfield University, "
        "Room 101.\nBring a photo ID."
    )
    assert spanish.replace("\n", "<br>") in page_of(client, ana, timeline_url(application))
    (message,) = mail.outbox
    assert spanish in message.body


def test_an_online_sitting_reads_en_linea_in_spanish():
    values = {
        "sitting": 1,
        "starts_at": "2099-03-12T10:00:00-04:00",
        "is_online": True,
        "place": "",
        "sitting_note": "",
    }
    assert note_render("exam_sitting", values, language="es") == (
        "Convocatoria de examen: 12 de marzo de 2099 a las 10:00, en línea."
    )
    assert note_render("exam_sitting", values, language="en") == (
        "Exam sitting: March 12, 2099, 10 a.m., online."
    )


def test_a_passed_exam_with_both_parts_reads_in_spanish():
    values = {
        "part1": {"correct": 60, "questions": 60, "percent": "100", "pass": 80, "passed": True},
        "part2": {"n": 2, "percent": "79.5", "pass": 80, "passed": False},
        "passed": False,
    }
    assert note_render("exam_result", values, language="es") == (
        "Parte 1: 60 de 60 correctas (100%); calificación mínima para aprobar 80%: aprobada.\n"
        "Parte 2: promedio de las calificaciones de los 2 calificadores/as 79,5%; "
        "calificación mínima para aprobar 80%: no aprobada.\n"
        "El examen no está aprobado."
    )


# --- people's notes and the rules of the log --------------------------------------------------


def test_a_persons_note_is_shown_as_written_in_any_language(client, category, ana, coordinator):
    application = ApplicationFactory(category=category, applicant=ana, state=S.IN_REVIEW)
    application_transition(
        application=application, action="hold", by=coordinator, note="Waiting for the board."
    )
    event = only_event(application, S.ON_HOLD)
    assert (event.note_key, event.note_values) == ("", {})
    assert "Waiting for the board." in page_of(client, ana, timeline_url(application))
    with translation.override("es"):
        assert event.note_text == "Waiting for the board."


def test_a_private_generated_note_is_blanked_for_the_applicant(category, ana, coordinator):
    application = ApplicationFactory(category=category, applicant=ana, state=S.IN_REVIEW)
    application_transition(
        application=application,
        action="hold",
        by=coordinator,
        public=False,
        note_key="hold_inactive",
        note_values={"months": 12},
    )
    (mine,) = application_timeline(application=application, private=False)
    (theirs,) = application_timeline(application=application, private=True)
    assert (mine.note_text, theirs.note_text) == ("", HOLD_EN)


def test_an_unknown_note_key_is_refused_and_nothing_is_written(category, ana, coordinator):
    application = ApplicationFactory(category=category, applicant=ana, state=S.IN_REVIEW)
    with pytest.raises(ValueError, match="Unknown note: nope"):
        application_transition(
            application=application, action="hold", by=coordinator, note_key="nope"
        )
    assert (Application.objects.get(pk=application.pk).state, application.events.count()) == (
        S.IN_REVIEW,
        0,
    )


def test_an_event_with_a_generated_note_is_still_append_only(awarded):
    event = only_event(awarded, S.AWARDED)
    event.note_values = {"number": "X", "date": "2026-12-31"}
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert only_event(awarded, S.AWARDED).note_values["number"] == "NFAIMH-IFS-2026-0001"


def test_a_key_no_longer_known_falls_back_to_the_stored_note(awarded):
    event = only_event(awarded, S.AWARDED)
    event.note_key = "retired"
    assert event.note_text == AWARD_EN


def test_every_note_renders_in_both_languages():
    samples = {
        "award": {"number": "N-1", "date": "2026-12-31"},
        "hold_inactive": {"months": 6},
        "exam_sitting": {
            "sitting": 1,
            "starts_at": "2099-03-12T10:00:00-04:00",
            "is_online": False,
            "place": "Hall",
            "sitting_note": "",
        },
        "exam_result": {"passed": True},
        "endorsement_revoked": {"number": "N-1", "reason": "Board decision."},
        "name_change_approved": {"number": "N-1"},
        "name_change_refused": {"number": "N-1", "reason": "No proof."},
        "endorsement_open_renewal": {"date": "2027-02-01"},
        "endorsement_lapse": {"date": "2027-02-01"},
        "endorsement_renew": {"date": "2027-12-31"},
        "endorsement_reinstate": {"date": "2027-12-31"},
        "endorsement_retire": {},
        "endorsement_supersede": {"number": "N-2"},
        "endorsement_transfer": {"association": "Lakeshore AIMH", "number": "N-3"},
        "reinstatement_start": {"number": "N-1"},
        "application_reinstate": {"number": "N-1", "date": "2027-12-31"},
        "endorsement_transferred_in": {"association": "Northfield AIMH", "number": "N-4"},
        # Registered by rights (the applicant's erasure).
        "erased": {},
    }
    assert set(samples) == set(NOTES)
    for key, values in samples.items():
        english = note_render(key, values, language="en")
        spanish = note_render(key, values, language="es")
        assert english and spanish and english != spanish, key
