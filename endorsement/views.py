"""The coordinator's pages of an application: accept or return the registration, the
application's page with its timeline, and the steps taken from it (hold, resume, deny, award);
the pipeline as CSV (the pipeline itself is on the coordinator's dashboard:
``endorsement.dashboards``)."""

import csv
import zoneinfo

from django.contrib import messages
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from accounts.permissions import AssociationRoleRequiredMixin
from endorsement.awards import endorsement_award, endorsement_number_next, endorsement_valid_through
from endorsement.continuations import reinstatement_approve
from endorsement.csvs import CSV_CHUNK, Echo, csv_safe
from endorsement.enums import OPEN_STATES
from endorsement.enums import ApplicationState as S
from endorsement.forms import DenyForm, PipelineFilterForm, ReturnRegistrationForm, StepNoteForm
from endorsement.models import Application
from endorsement.panels import application_panels
from endorsement.permissions import CoordinatorApplicationMixin
from endorsement.registration import registration_decide
from endorsement.selectors import (
    association_categories,
    awarded_endorsement,
    current_reviewers,
    days_since,
    endorsement_of,
    pipeline_applications,
)
from endorsement.services import (
    TransitionNotAllowed,
    application_transition,
    transition_allowed,
    transition_refusal,
)
from endorsement.timeline import application_timeline


class RegistrationDecisionMixin(CoordinatorApplicationMixin):
    """Accepting or returning the registration, then back to the coordinator's dashboard."""

    def decide(self, action: str, note: str = ""):
        try:
            registration_decide(
                application=self.application, by=self.request.user, action=action, note=note
            )
        except TransitionNotAllowed as exc:
            messages.error(self.request, str(exc))
        else:
            name = self.application.applicant.get_full_name()
            code = self.application.category.code
            if action == "accept":
                text = _("Accepted the registration of %(name)s for %(code)s.")
            else:
                text = _("Returned the registration of %(name)s for %(code)s.")
            messages.success(self.request, text % {"name": name, "code": code})
        return HttpResponseRedirect(self.dashboard_url())


class AcceptRegistrationView(RegistrationDecisionMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return self.decide("accept")


class ReturnRegistrationView(RegistrationDecisionMixin, FormView):
    """The reason is required; without one the form is shown again on its own page."""

    form_class = ReturnRegistrationForm
    template_name = "endorsement/return_registration.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(application=self.application, dashboard_url=self.dashboard_url())
        return context

    def form_valid(self, form):
        return self.decide("return_registration", form.cleaned_data["reason"])


def url_if_exists(name: str, application: Application) -> str:
    """The address of a page another part of the portal provides, or "" while it does not
    exist (tried with the application's id, then the association's short name)."""
    for kwargs in ({"application_id": application.pk}, {"slug": application.association.slug}):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return ""


# Pages of the reviews app the coordinator goes to from here: (url name, label, states).
RELATED_PAGES = [
    ("reviews:advisor.assign", gettext_lazy("Assign an advisor"), OPEN_STATES),
    (
        "reviews:review.assign",
        gettext_lazy("Assign reviewers"),
        [S.SUBMITTED, S.IN_REVIEW],
    ),
    ("reviews:review.decide", gettext_lazy("Reviews and decision"), [S.IN_REVIEW]),
    (
        "reviews:exam.sittings",
        gettext_lazy("Exam sittings"),
        [S.APPROVED, S.EXAM, S.EXAM_PASSED, S.EXAM_FAILED],
    ),
]

# The steps this page offers, in the order shown.
PAGE_STEPS = ["accept", "return_registration", "hold", "resume", "deny", "award", "reinstate"]


class ApplicationDetailView(CoordinatorApplicationMixin, TemplateView):
    """The coordinator's page of one application: who, what, where it stands, its full
    timeline (private notes included) and the steps the coordinator may take now."""

    template_name = "endorsement/application_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application
        user = self.request.user
        allowed = {
            action: transition_allowed(application=application, action=action, by=user)
            for action in PAGE_STEPS
        }
        # A step the state allows but a condition blocks is explained (e.g. the exam first).
        award_refusal = ""
        if not allowed["award"] and application.state in (S.APPROVED, S.EXAM_PASSED):
            award_refusal = transition_refusal(application=application, action="award", by=user)
        # A submitted reinstatement waits for the fee, or for the coordinator.
        reinstate_refusal = ""
        if (
            application.is_reinstatement
            and application.state == S.SUBMITTED
            and not allowed["reinstate"]
        ):
            reinstate_refusal = transition_refusal(
                application=application, action="reinstate", by=user
            )
        related = []
        for name, label, states in RELATED_PAGES:
            if application.is_reinstatement and name.startswith("reviews:review"):
                continue  # a reinstatement is not reviewed
            url = url_if_exists(name, application) if application.state in states else ""
            if url:
                related.append((url, label))
        context.update(
            application=application,
            dashboard_url=self.dashboard_url(),
            events=application_timeline(application=application, private=True),
            days_in_state=(timezone.now() - application.state_changed).days,
            allowed=allowed,
            award_refusal=award_refusal,
            reinstate_refusal=reinstate_refusal,
            endorsement=awarded_endorsement(application=application),
            related=related,
            panels=application_panels(request=self.request, application=application),
            hold_form=StepNoteForm(prefix="hold"),
            resume_form=StepNoteForm(prefix="resume"),
        )
        return context


class ApplicationStepMixin(CoordinatorApplicationMixin):
    """A step (``action``) taken from the application page: its own page, opened when the step
    is not allowed now, goes back to the application page and says why."""

    action = ""

    def detail_url(self) -> str:
        return reverse("endorsement:detail", kwargs={"application_id": self.application.pk})

    def get(self, request, *args, **kwargs):
        refusal = transition_refusal(
            application=self.application, action=self.action, by=request.user
        )
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(self.detail_url())
        return super().get(request, *args, **kwargs)


class ApplicationStepView(ApplicationStepMixin, FormView):
    """One step taken from the application page (POST); its own page shows the form again
    when it is not filled in correctly. A refused step changes nothing and says why."""

    form_class = StepNoteForm
    title = ""
    button = ""
    done = ""
    warning = ""
    template_name = "endorsement/application_step.html"

    def get_prefix(self):
        return self.action

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            application=self.application,
            detail_url=self.detail_url(),
            title=self.title,
            button=self.button,
            warning=self.warning,
        )
        return context

    def form_valid(self, form):
        try:
            application_transition(
                application=self.application,
                action=self.action,
                by=self.request.user,
                note=form.cleaned_data.get("note", ""),
                public=not form.cleaned_data.get("private", False),
            )
        except TransitionNotAllowed as exc:
            messages.error(self.request, str(exc))
        else:
            messages.success(
                self.request, self.done % {"name": self.application.applicant.get_full_name()}
            )
        return HttpResponseRedirect(self.detail_url())


class HoldView(ApplicationStepView):
    action = "hold"
    title = gettext_lazy("Put the application on hold")
    button = gettext_lazy("Put on hold")
    done = gettext_lazy("The application of %(name)s is on hold.")


class ResumeView(ApplicationStepView):
    action = "resume"
    title = gettext_lazy("Resume the application")
    button = gettext_lazy("Resume")
    done = gettext_lazy("The application of %(name)s goes on again.")


class DenyView(ApplicationStepView):
    action = "deny"
    form_class = DenyForm
    title = gettext_lazy("Deny the endorsement")
    button = gettext_lazy("Deny with these reasons")
    warning = gettext_lazy(
        "Denying closes the application: the applicant reads your reasons and cannot go on with it."
    )
    done = gettext_lazy("The endorsement of %(name)s is denied; they are told the reasons.")


class AwardView(ApplicationStepMixin, TemplateView):
    """Asks first, naming the number the award creates; the POST awards."""

    action = "award"
    template_name = "endorsement/award_confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        association = self.application.association
        awarded_on = association.today()
        context.update(
            application=self.application,
            detail_url=self.detail_url(),
            number=endorsement_number_next(
                association=association,
                category_code=self.application.category.code,
                year=awarded_on.year,
            ),
            awarded_on=awarded_on,
            valid_through=endorsement_valid_through(awarded_on),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            endorsement = endorsement_award(application=self.application, by=request.user)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Awarded endorsement %(number)s to %(name)s.")
                % {
                    "number": endorsement.number,
                    "name": self.application.applicant.get_full_name(),
                },
            )
        return HttpResponseRedirect(self.detail_url())


class ReinstateView(ApplicationStepMixin, TemplateView):
    """Asks first, naming the number that continues and its new date; the POST approves the
    reinstatement (``endorsement.continuations.reinstatement_approve``)."""

    action = "reinstate"
    template_name = "endorsement/reinstate_confirm.html"
    select_related = (*CoordinatorApplicationMixin.select_related, "prior_endorsement")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            application=self.application,
            endorsement=self.application.prior_endorsement,
            detail_url=self.detail_url(),
            valid_through=endorsement_valid_through(self.application.association.today()),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            endorsement = reinstatement_approve(application=self.application, by=request.user)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Endorsement %(number)s of %(name)s is reinstated.")
                % {
                    "number": endorsement.number,
                    "name": self.application.applicant.get_full_name(),
                },
            )
        return HttpResponseRedirect(self.detail_url())


# The pipeline as CSV


# The CSV export reads the applications in chunks of this many (a few queries per chunk).
def pipeline_csv_header() -> list[str]:
    return [
        _("Applicant"),
        _("E-mail"),
        _("Category"),
        _("State"),
        _("In this state since"),
        _("Days in state"),
        _("Advisor"),
        _("Reviewers"),
        _("Endorsement number"),
    ]


def pipeline_csv_row(application: Application, association, now) -> list[str]:
    zone = zoneinfo.ZoneInfo(association.time_zone)
    endorsement = endorsement_of(application)
    cells = [
        application.applicant.get_full_name(),
        application.applicant.email,
        application.category.code,
        application.get_state_display(),
        timezone.localtime(application.state_changed, zone).date().isoformat(),
        str(days_since(application.state_changed, now)),
        application.advisor.get_full_name() if application.advisor else "",
        "; ".join(reviewer.get_full_name() for reviewer in current_reviewers(application)),
        endorsement.number if endorsement else "",
    ]
    return [csv_safe(cell) for cell in cells]


class PipelineCsvView(AssociationRoleRequiredMixin, View):
    """The filtered pipeline, every row, as CSV; for the association's coordinators only."""

    http_method_names = ["get"]

    def get(self, request, slug):
        association = self.association
        form = PipelineFilterForm(request.GET, categories=association_categories(association))
        applications = pipeline_applications(association=association, filters=form.filters())
        now = timezone.now()
        writer = csv.writer(Echo())

        def lines():
            yield "\ufeff" + writer.writerow(pipeline_csv_header())
            for application in applications.iterator(chunk_size=CSV_CHUNK):
                yield writer.writerow(pipeline_csv_row(application, association, now))

        filename = f"pipeline-{association.slug}-{association.today().isoformat()}.csv"
        return StreamingHttpResponse(
            lines(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
