"""What each demo applicant did, oldest step first (``STORIES``), and the taking of those steps.

Every step is taken through the services, so every rule of the workflow applies; ``taken``
records when each was taken and when it happened, for ``demo.endorsement.back_date``.

Every portfolio that is submitted could have been submitted through the portal: its evidence
(``demo.evidence``) meets the category's requirements, its raters were asked and answered through
their links, and the agreements are signed; before each submission the requirement check is
made and the command stops if anything is missing. Gus's portfolio is complete too: what his
reviewers ask him to amend (a training on attachment, a fuller rating from his RS/C provider) is
beyond the check. Ben's portfolio is still being built.

A new sitting must be in the future, so the sitting Hana sat is planned for tomorrow; she
registers for it and her graders are assigned, then ``back_date`` moves it to a few days ago
with the rest. Her scores are left for the demo's coordinator and graders to enter.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, replace

from django.utils import timezone

from accounts.models import Association, User
from competencies.models import EndorsementCategory
from credentials.revocation import endorsement_revoke
from demo.endorsement import (
    StepTimes,
    application_award,
    application_move,
    application_open,
    award_period_start,
)
from demo.lifecycle import HOLDERS, LIFECYCLE_ASSOCIATION, award_day
from demo.portfolios import (
    portfolio_enter,
    portfolio_sign_and_check,
    reference_answer,
    references_ask,
)
from demo.reviews import (
    advisor_comment,
    exam_register_next,
    review_write,
    reviewers_assign,
    sitting_plan,
)
from endorsement.enums import ApplicationState
from endorsement.models import Application
from reviews.enums import Recommendation
from reviews.services.advising import advisor_assign, advisor_request
from reviews.services.exams import graders_assign
from reviews.services.reviewing import review_decide

# (local part, name, category code, the stage to walk the application to, preferred language)
APPLICANTS = [
    ("ana", "Ana Applicant", "IFS", ApplicationState.REGISTERED, "es"),
    ("ben", "Ben Builder", "IFA", ApplicationState.ACCEPTED, "en"),
    ("carla", "Carla Submitted", "IMHS", ApplicationState.SUBMITTED, "en"),
    ("dmitri", "Dmitri Reviewed", "IMHM-C", ApplicationState.IN_REVIEW, "en"),
    ("gus", "Gus Deferred", "IFS", ApplicationState.DEFERRED, "en"),
    ("erin", "Erin Examinee", "IMHM-C", ApplicationState.APPROVED, "en"),
    ("hana", "Hana Graded", "IMHM-C", ApplicationState.EXAM, "en"),
    ("farah", "Farah Endorsed", "IFS", ApplicationState.AWARDED, "en"),
]


@dataclass(frozen=True)
class Step:
    """One step of a demo applicant's story, taken ``days_ago`` days before today at ``time``
    (the association's local time).

    ``note`` is the step's note, the advisor's comment or what a reviewer asks to amend;
    ``reviewer`` (a staff account's local part) writes a "review" recommending ``recommend``,
    and is skipped where the association has fewer reviewers per portfolio; reviewers are
    given ``due_in`` days. A sitting planned (``plan_sitting``) takes place ``sitting_days_ago``
    days before today, at 09:00. A ``rating`` is the answer of the portfolio's ``rater``-th rater.
    A ``revoke`` is the coordinator's revocation of the endorsement, ``note`` its reason. A step
    with an ``association`` (a slug) is taken only in that association's story.
    """

    days_ago: int
    time: str
    action: str
    note: str = ""
    reviewer: str = ""
    recommend: str = ""
    due_in: int = 0
    sitting_days_ago: int = 0
    rater: int = 0
    association: str = ""
    backdated: bool = False


def _reviewed(
    *, submit: int, assign: int, due_in: int, reviews: tuple[int, int], recommend: str
) -> list[Step]:
    """Submitted, reviewers assigned, the reviews in (the second where there are two); the
    numbers are days ago."""
    amend = {
        "reviewer": "Add a training on attachment, separation and trauma: none of yours covers it.",
        "reviewer2": "Ask your RS/C provider for a fuller rating: five items are marked "
        "“not enough information”.",
    }
    return [
        Step(submit, "22:15", "submit"),
        Step(assign, "10:30", "assign_reviewers", due_in=due_in),
        *(
            Step(
                days_ago,
                time,
                "review",
                note=amend[reviewer] if recommend == Recommendation.DEFER else "",
                reviewer=reviewer,
                recommend=recommend,
            )
            for days_ago, time, reviewer in zip(
                reviews, ("16:40", "08:50"), ("reviewer", "reviewer2"), strict=True
            )
        ),
    ]


def _building(*, register: int, accept: int, portfolio: int) -> list[Step]:
    """Registered, accepted, the portfolio's evidence entered (days ago)."""
    return [
        Step(register, "19:05", "register"),
        Step(accept, "10:20", "accept"),
        Step(portfolio, "21:10", "portfolio"),
    ]


def _complete(*, register: int, accept: int, portfolio: int) -> list[Step]:
    """``_building``, then the three raters asked the next evening; they answer within two
    weeks (days ago). The agreements are signed when the portfolio is submitted."""
    answers = ((4, "13:20"), (8, "09:40"), (13, "17:05"))
    return [
        *_building(register=register, accept=accept, portfolio=portfolio),
        Step(portfolio - 1, "20:30", "ask_references"),
        *(
            Step(portfolio - days, time, "rating", rater=rater)
            for rater, (days, time) in enumerate(answers)
        ),
    ]


# Northfield's holders whose award dates back (``demo.lifecycle``).
HOLDER_LOCALS = {"farah", *(holder[0] for holder in HOLDERS)}

# What each demo applicant has done, oldest first; the last step leaves them in their stage.
STORIES = {
    "ana": [Step(3, "20:40", "register")],
    # Accepted a year ago, an advisor asked for and assigned, then eleven months without
    # activity: the inactivity hold (12 months) is a few weeks away.
    "ben": [
        *_building(register=372, accept=369, portfolio=361),
        Step(352, "20:30", "request_advisor"),
        Step(350, "09:45", "assign_advisor"),
        Step(
            340,
            "14:05",
            "comment",
            note="Good start. Which of these trainings covered cultural competence?",
        ),
    ],
    # Submitted last week: no reviewers yet.
    "carla": [*_complete(register=120, accept=116, portfolio=100), Step(9, "22:15", "submit")],
    # In review: one reviewer is overdue (Northfield's second reviewer has sent a review).
    "dmitri": [
        *_complete(register=200, accept=197, portfolio=170),
        Step(40, "22:15", "submit"),
        Step(36, "10:30", "assign_reviewers", due_in=21),
        Step(20, "08:50", "review", reviewer="reviewer2", recommend=Recommendation.APPROVE),
    ],
    "gus": [
        *_complete(register=150, accept=147, portfolio=130),
        *_reviewed(
            submit=75, assign=72, due_in=21, reviews=(60, 58), recommend=Recommendation.DEFER
        ),
        Step(
            55,
            "11:15",
            "defer",
            note="Please add a training on attachment, separation and trauma, and ask your "
            "reflective supervision/consultation provider for a fuller reference rating.",
        ),
    ],
    # Approved a few weeks ago: to register for the exam sitting ahead.
    "erin": [
        *_complete(register=260, accept=256, portfolio=230),
        *_reviewed(
            submit=70, assign=66, due_in=28, reviews=(44, 39), recommend=Recommendation.APPROVE
        ),
        Step(24, "11:15", "approve"),
    ],
    # Approved some weeks ago, registered for the sitting that took place a few days ago, the two
    # graders assigned: her Part 1 score and the graders' vignette scores are to be entered.
    "hana": [
        *_complete(register=240, accept=236, portfolio=214),
        *_reviewed(
            submit=90, assign=86, due_in=28, reviews=(66, 61), recommend=Recommendation.APPROVE
        ),
        Step(45, "11:15", "approve"),
        Step(42, "10:00", "plan_sitting", sitting_days_ago=4),
        Step(38, "20:45", "register_exam"),
        Step(12, "10:40", "assign_graders"),
    ],
    "farah": [
        *_complete(register=300, accept=296, portfolio=280),
        *_reviewed(
            submit=75, assign=71, due_in=30, reviews=(55, 45), recommend=Recommendation.APPROVE
        ),
        Step(30, "11:15", "approve"),
        Step(20, "09:30", "award"),
        # Lakeshore's Farah is revoked some days after her award.
        Step(
            6,
            "15:40",
            "revoke",
            note="The ethics committee upheld a complaint about a breach of client "
            "confidentiality; the endorsement is revoked under the Code of Ethics.",
            association="lakeshore",
        ),
    ],
}


def story_steps(local: str, association: Association) -> list[Step]:
    """The applicant's story in ``association``. Northfield's holders of the renewal demo
    (``demo.lifecycle``: Farah and the four holders) were awarded in an earlier year: Farah's
    story, moved back so that the award falls on their award day."""
    if association.slug != LIFECYCLE_ASSOCIATION or local not in HOLDER_LOCALS:
        return STORIES[local]
    today = association.today()
    award = next(step for step in STORIES["farah"] if step.action == "award")
    shift = (today - award_day(local, today)).days - award.days_ago
    return [
        replace(step, days_ago=step.days_ago + shift, backdated=True)
        for step in STORIES["farah"]
        if not step.association
    ]


def step_moment(association: Association, step: Step) -> datetime.datetime:
    """When the step was taken. The award's number, validity and note are those of an award
    made today, so it is never dated before ``award_period_start`` (nor is a revocation)."""
    day = association.today() - datetime.timedelta(days=step.days_ago)
    if step.action in ("award", "revoke") and not step.backdated:
        day = max(day, award_period_start(association))
    zone = zoneinfo.ZoneInfo(association.time_zone)
    moment = datetime.datetime.combine(day, datetime.time.fromisoformat(step.time), tzinfo=zone)
    return min(moment, timezone.now())


def story_take(
    *,
    user: User,
    category: EndorsementCategory,
    steps: list[Step],
    staff: dict[str, User],
    taken: StepTimes,
) -> None:
    """Take the applicant's steps one by one, unless they have applied to the association
    already; ``taken`` gets when each was, for ``back_date``."""
    association = category.framework.association
    if Application.objects.filter(applicant=user, association=association).exists():
        return
    application = None
    for step in steps:
        if step.association and step.association != association.slug:
            continue
        moment = step_moment(association, step)
        begin = timezone.now()
        if step.action == "register":
            application = application_open(user=user, category=category, moment=moment)
        elif step.action == "plan_sitting":
            ahead = sitting_plan(association, staff["coordinator"])
            held = step_moment(association, Step(step.sitting_days_ago, "09:00", "sitting"))
            taken.append((ahead, ahead, held))
        else:
            application = _step(application, step, moment, staff)
        taken.append((begin, timezone.now(), moment))


def _step(application: Application, step: Step, moment, staff: dict[str, User]) -> Application:
    coordinator = staff["coordinator"]
    action = step.action
    day = timezone.localtime(moment, zoneinfo.ZoneInfo(application.association.time_zone))
    if action == "portfolio":
        portfolio_enter(application, on=day.date())
    elif action == "ask_references":
        references_ask(application)
    elif action == "rating":
        reference_answer(application, step.rater)
    elif action == "request_advisor":
        advisor_request(application=application, by=application.applicant)
    elif action == "assign_advisor":
        advisor_assign(application=application, advisor=staff["advisor"], by=coordinator)
    elif action == "comment":
        advisor_comment(
            application=application, advisor=staff["advisor"], body=step.note, moment=moment
        )
    elif action == "assign_reviewers":
        reviewers_assign(
            application=application,
            reviewers=[staff["reviewer"], staff["reviewer2"]],
            due_in=step.due_in,
            on=day.date(),
            by=coordinator,
        )
    elif action == "review":
        review_write(
            application=application,
            reviewer=staff[step.reviewer],
            recommend=step.recommend,
            amendments=step.note,
        )
    elif action in ("approve", "defer"):
        review_decide(application=application, decision=action, note=step.note, by=coordinator)
    elif action == "register_exam":
        exam_register_next(application)
    elif action == "assign_graders":
        graders_assign(
            registration=application.exam_registrations.get(),
            graders=[staff["grader"], staff["grader2"]],
            by=coordinator,
        )
    elif action == "award":
        application_award(application=application, by=coordinator, on=day.date())
    elif action == "revoke":
        endorsement_revoke(endorsement=application.endorsement, by=coordinator, reason=step.note)
    else:
        if action == "submit":
            portfolio_sign_and_check(application)
        by = application.applicant if action == "submit" else coordinator
        application_move(
            application=application, action=action, by=by, note=step.note, moment=moment
        )
    return Application.objects.get(pk=application.pk)
