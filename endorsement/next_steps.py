"""The applicant's next step (``accounts.dashboards.register_next_step``): from the
applications the dashboard already read, the most urgent thing to do, with one primary button.
No query of its own. Registered from ``endorsement.dashboards``."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.dashboards import NextStep
from endorsement.enums import ApplicationState as S

WAITING = {S.REGISTERED, S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.EXAM, S.EXAM_PASSED}
PAUSED_REVIEW = {S.SUBMITTED, S.IN_REVIEW}


def _summary(application) -> str:
    return reverse("portfolios:summary", kwargs={"application_id": application.pk})


def _exam(application) -> str:
    return reverse("reviews:exam.register", kwargs={"application_id": application.pk})


def _named(application) -> str:
    return f"{application.category.display_name} ({application.category.code})"


def application_step(application, retakes: dict) -> NextStep | None:
    """What this application asks of its applicant now (None when closed without a step)."""
    state = application.state
    about = _named(application)
    open_portfolio = ((_("Open your portfolio"), _summary(application)),)
    comments = getattr(application, "unresolved_comments", 0) or 0
    if state == S.RETURNED:
        return NextStep(
            heading=_("Correct your registration"),
            text=_(
                "The coordinator returned your registration for %(about)s: read the reason, "
                "correct it and send it again."
            )
            % {"about": about},
            action_label=_("Correct your registration"),
            action_url=reverse(
                "portfolios:registration.edit", kwargs={"application_id": application.pk}
            ),
            detail_label=_("The coordinator's reason:"),
            detail=application.return_reason or "",
            kind="returned",
            urgency=10,
        )
    if state == S.DEFERRED:
        return NextStep(
            heading=_("Amend your portfolio"),
            text=_(
                "The review of %(about)s asks you to amend your portfolio, then submit it again."
            )
            % {"about": about},
            action_label=_("Amend your portfolio"),
            action_url=_summary(application),
            detail_label=_("What to amend, from the coordinator:"),
            detail=application.deferral_reason or "",
            kind="deferred",
            urgency=20,
        )
    if comments and state not in (S.AWARDED, S.WITHDRAWN, S.DENIED):
        label = ngettext("Answer %(count)d comment", "Answer %(count)d comments", comments) % {
            "count": comments
        }
        return NextStep(
            heading=label,
            text=_("Your advisor commented on your portfolio for %(about)s.") % {"about": about},
            action_label=label,
            action_url=_summary(application),
            kind="comments",
            urgency=30,
        )
    if state == S.APPROVED and application.category_has_exam:
        return NextStep(
            heading=_("Register for the exam"),
            text=_("Your portfolio for %(about)s is approved. Next comes the exam.")
            % {"about": about},
            action_label=_("Register for the exam"),
            action_url=_exam(application),
            links=open_portfolio,
            kind="exam",
            urgency=40,
        )
    if state == S.EXAM_FAILED:
        retake = retakes.get(application.pk, "")
        return NextStep(
            heading=_("Retake the exam"),
            text=" ".join(filter(None, [_("You did not pass the exam this time."), retake])),
            action_label=_("When you can retake the exam"),
            action_url=_exam(application),
            kind="exam-failed",
            urgency=45,
        )
    if state == S.ACCEPTED:
        return NextStep(
            heading=_("Continue your portfolio"),
            text=_(
                "Fill in each section of your portfolio for %(about)s, ask your raters for "
                "their ratings and sign the agreements."
            )
            % {"about": about},
            action_label=_("Continue your portfolio"),
            action_url=_summary(application),
            kind="accepted",
            urgency=50,
        )
    if state == S.ON_HOLD and application.state_before_hold not in PAUSED_REVIEW:
        return NextStep(
            heading=_("Take up your application again"),
            text=_(
                "Your application for %(about)s is on hold because nothing happened on it "
                "for a long time."
            )
            % {"about": about},
            action_label=_("Open your portfolio"),
            action_url=_summary(application),
            kind="on-hold",
            urgency=55,
        )
    if state == S.REGISTERED:
        return NextStep(
            heading=_("Your registration is with the coordinator"),
            text=_("Waiting for the coordinator to accept your registration for %(about)s.")
            % {"about": about},
            kind="waiting",
            urgency=80,
        )
    if state in WAITING or state == S.ON_HOLD:
        links = open_portfolio
        if state == S.EXAM:
            links = ((_("Your exam sitting"), _exam(application)), *open_portfolio)
        return NextStep(
            heading=_("Nothing to do for now"),
            text=_("%(about)s: %(state)s. You will get an e-mail when something changes.")
            % {"about": about, "state": application.state_for_applicant},
            links=links,
            kind="waiting",
            urgency=85,
        )
    if state == S.AWARDED:
        row = getattr(application, "endorsement_row", None)
        text = _("Congratulations: your endorsement is awarded.")
        if row is not None:
            text = _(
                "You hold the endorsement %(number)s, valid through %(date)s. Renew it every "
                "year before it ends."
            ) % {"number": row.number, "date": date_format(row.valid_through, "DATE_FORMAT")}
        return NextStep(
            heading=_("Your endorsement: %(about)s") % {"about": about},
            text=text,
            kind="awarded",
            urgency=95,
        )
    return None


def applicant_next_step(request, association, context) -> NextStep:
    applications = context.get("applications") or []
    retakes = context.get("exam_retakes") or {}
    start = reverse("portfolios:start")
    steps = [step for a in applications if (step := application_step(a, retakes)) is not None]
    if not steps:
        return NextStep(
            heading=_("Start an application"),
            text=_("Read what each endorsement category asks for, then choose one."),
            action_label=_("Start an application"),
            action_url=start,
            kind="start",
        )
    step = min(steps, key=lambda s: s.urgency)
    links = step.links + ((_("Start an application"), start),)
    return NextStep(**{**step.__dict__, "links": links})
