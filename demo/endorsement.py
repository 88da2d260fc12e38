"""The demo's applications through the workflow's one writer: registered, moved from state to
state, awarded; then every row the steps wrote dated back to the day of its step
(``back_date``), so timelines read in order and the pipeline shows days in state."""

import datetime

from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Replace

from accounts.models import MEMBERSHIP_NEXT_YEAR_FROM, Association, User
from billing.models import BillingEvent, Invoice, Payment
from competencies.models import EndorsementCategory, Framework
from endorsement.awards import (
    endorsement_award,
    endorsement_number_next,
    endorsement_valid_through,
)
from endorsement.models import (
    Application,
    ApplicationEvent,
    EmeritusRequest,
    Endorsement,
    EndorsementEvent,
    Renewal,
)
from endorsement.notes import note_in_site_language, note_values_json
from endorsement.services import application_register, application_transition
from portfolios.models import (
    Education,
    EvidenceChange,
    Reference,
    RSCEntry,
    Signature,
    Training,
    WorkExperience,
)
from reviews.models import Comment, ExamRegistration, ExamSitting, ReviewAssignment, VignetteScore
from reviews.selectors.exams import sitting_label, sitting_local_start

# Every timestamp a demo step may write, by model.
TIMESTAMPS = [
    (
        Application,
        (
            "created",
            "state_changed",
            "last_activity",
            "submitted_at",
            "advisor_requested_at",
            "ready_for_review_at",
        ),
    ),
    (ApplicationEvent, ("at",)),
    (Comment, ("created",)),
    (ReviewAssignment, ("created", "submitted_at")),
    (Education, ("created", "updated")),
    (WorkExperience, ("created", "updated")),
    (Training, ("created", "updated")),
    (RSCEntry, ("created", "updated")),
    (Reference, ("created", "updated", "sent_at", "completed_at")),
    (Signature, ("signed_at",)),
    (EvidenceChange, ("at",)),
    (Endorsement, ("created", "status_since")),
    (EndorsementEvent, ("at",)),
    (EmeritusRequest, ("created", "decided_at")),
    (Renewal, ("created", "updated")),
    (ExamSitting, ("created", "starts_at")),
    (ExamRegistration, ("registered_at",)),
    (VignetteScore, ("created",)),
    (Invoice, ("issued_at", "settled_at")),
    (Payment, ("recorded_at",)),
    (BillingEvent, ("at",)),
]


# (from, to, moment): the steps were taken between from and to, and happened at moment; or a
# sitting planned ahead (from = to = its start) took place at moment.
StepTimes = list[tuple[datetime.datetime, datetime.datetime, datetime.datetime]]


def back_date(steps: StepTimes) -> None:
    """Date every timestamp written while a step was taken to that step's moment: one update
    per field for all the steps (a timestamp written outside them stays as it is). A sitting
    whose start moves is named by its new date and time in the notes that named it.

    Through each model's base manager: the event log refuses updates through its own (it is
    append-only for the portal; the demo writes its history once, here).
    """
    if not steps:
        return
    start = min(begin for begin, _end, _moment in steps)
    moving = Q()
    for begin, end, _moment in steps:
        moving |= Q(starts_at__range=(begin, end))
    sittings = ExamSitting.objects.select_related("association")
    labels = {sitting.pk: sitting_label(sitting) for sitting in sittings.filter(moving)}
    for model, fields in TIMESTAMPS:
        rows = model._base_manager.all()
        for field in fields:
            moments = [
                When(**{f"{field}__range": (begin, end)}, then=Value(moment))
                for begin, end, moment in steps
            ]
            rows.filter(**{f"{field}__gte": start}).update(
                **{field: Case(*moments, default=F(field))}
            )
    for sitting in sittings.filter(pk__in=labels):
        before, after = labels[sitting.pk], sitting_label(sitting)
        ApplicationEvent._base_manager.filter(note__contains=before).update(
            note=Replace("note", Value(before), Value(after))
        )
        # The sitting's note in the reader's language is rendered from its values.
        starts_at = note_values_json({"at": sitting_local_start(sitting)})["at"]
        events = ApplicationEvent._base_manager.filter(
            note_key="exam_sitting", note_values__sitting=sitting.pk
        )
        for event in events:
            ApplicationEvent._base_manager.filter(pk=event.pk).update(
                note_values={**event.note_values, "starts_at": starts_at}
            )


def award_period_start(association: Association) -> datetime.date:
    """The first day awarded today's endorsements share their validity and number year with:
    1 January, or 1 October from then on (``endorsement.awards``)."""
    today = association.today()
    if (today.month, today.day) >= MEMBERSHIP_NEXT_YEAR_FROM:
        return datetime.date(today.year, *MEMBERSHIP_NEXT_YEAR_FROM)
    return datetime.date(today.year, 1, 1)


def application_open(
    *, user: User, category: EndorsementCategory, moment: datetime.datetime
) -> Application:
    """The applicant registers; their account was opened just before."""
    application = application_register(applicant=user, category=category)
    User.objects.filter(pk=user.pk, date_joined__gt=moment).update(
        date_joined=moment - datetime.timedelta(minutes=15)
    )
    return application


def application_move(
    *, application: Application, action: str, by: User, note: str, moment: datetime.datetime
) -> None:
    """A transition of the workflow; the framework version is locked from the application's
    first submission on."""
    application_transition(application=application, action=action, by=by, note=note)
    if action == "submit":
        Framework.objects.filter(pk=application.category.framework_id, locked_at__gt=moment).update(
            locked_at=moment
        )


def application_award(*, application: Application, by: User, on: datetime.date) -> None:
    """The award, made ``on`` that day. An award of an earlier year (``on`` before
    ``award_period_start``) takes that year's number and validity, and its note says so."""
    endorsement = endorsement_award(application=application, by=by)
    valid_through = endorsement_valid_through(on)
    if valid_through != endorsement.valid_through or on.year != endorsement.awarded_on.year:
        number = endorsement_number_next(
            association=application.association,
            category_code=application.category.code,
            year=on.year,
        )
        Endorsement.objects.filter(pk=endorsement.pk).update(
            number=number, valid_through=valid_through
        )
        values = note_values_json({"number": number, "date": valid_through})
        ApplicationEvent._base_manager.filter(application=application, note_key="award").update(
            note_values=values, note=note_in_site_language("award", values)
        )
    # The demo's holder chose to be listed in the public registry (credentials.registry).
    # Its standing dates from the award, like the rest of the story.
    Endorsement.objects.filter(pk=endorsement.pk).update(
        awarded_on=on,
        status_since=datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC),
        registry_listed=True,
        registry_place="Lakeview",
    )
