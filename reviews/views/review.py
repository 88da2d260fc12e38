"""Review pages: the coordinator assigns reviewers (one portfolio or in bulk) and decides; the
reviewer writes the review and declares conflicts (their dashboard is in ``reviews.dashboards``).

Everything here answers 404 to anyone who may not see it (an unassigned reviewer, another
association's staff, the applicant, other roles), so a portfolio's existence is not revealed;
anonymous visitors are sent to log in.
"""

import datetime
from functools import cached_property

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from accounts.enums import Role
from accounts.permissions import AssociationRoleRequiredMixin
from endorsement.enums import ApplicationState
from endorsement.permissions import CoordinatorApplicationMixin
from endorsement.services import TransitionNotAllowed, transition_allowed
from portfolios.requirements import SECTION_LABELS, SECTION_URL_NAMES, requirement_check
from reviews.enums import RubricScore
from reviews.forms import DECISION_LABELS, ConflictForm, DecisionForm, ReviewForm
from reviews.selectors import reviewing as reads
from reviews.services import reviewing

DEFAULT_DUE_DAYS = 30


# --- Mixins ----------------------------------------------------------------------------------


class CoordinatorReviewMixin(CoordinatorApplicationMixin):
    """The application in the address; 404 to anyone but a coordinator of its association."""

    hide_from_others = True
    select_related = ("association", "applicant", "category__framework", "advisor")


def _parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _default_due(association) -> datetime.date:
    return association.today() + datetime.timedelta(days=DEFAULT_DUE_DAYS)


def _chosen_reviewers(request, association):
    """The reviewers named in the POST (``reviewers``), from the association's pool only:
    (users, error)."""
    ids = []
    for value in request.POST.getlist("reviewers"):
        if value.strip():
            if not value.strip().isdigit():
                return [], _("Choose reviewers from the pool.")
            if int(value) not in ids:
                ids.append(int(value))
    if not ids:
        return [], _("Choose a reviewer.")
    found = reads.reviewers_among(association=association, ids=ids)
    if len(found) != len(ids):
        return [], _("Choose reviewers from the pool.")
    return [found[pk] for pk in ids], ""


# --- Coordinator: assign ---------------------------------------------------------------------


class AssignView(CoordinatorReviewMixin, TemplateView):
    """Assign reviewers to one portfolio: the pool with each reviewer's conflicts (those with
    one cannot be chosen) and a due date."""

    template_name = "reviews/reviewing/assign.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application
        status = reads.round_status(application=application)
        assigned = {a.reviewer_id for a in status.assignments}
        pool = [
            r
            for r in reads.reviewer_pool(association=application.association)
            if r.pk not in assigned
        ]
        conflicts = reads.reviewers_conflicts(application=application, reviewers=pool)
        context.update(
            application=application,
            status=status,
            candidates=[(reviewer, conflicts[reviewer.pk]) for reviewer in pool],
            slots=max(0, status.required - len(status.assignments)),
            can_assign=application.state in reviewing.ASSIGNABLE_STATES,
            due_on=self.request.POST.get("due_on") or _default_due(application.association),
            min_due=application.association.today(),
            dashboard_url=self.dashboard_url(),
        )
        return context

    def post(self, request, *args, **kwargs):
        reviewers, error = _chosen_reviewers(request, self.application.association)
        due_on = _parse_date(request.POST.get("due_on", ""))
        if not error and due_on is None:
            error = _("Give the due date.")
        if not error:
            try:
                reviewing.review_assign(
                    application=self.application,
                    reviewers=reviewers,
                    due_on=due_on,
                    by=request.user,
                )
            except TransitionNotAllowed as exc:
                error = str(exc)
        if error:
            messages.error(request, error)
            return self.render_to_response(self.get_context_data())
        messages.success(
            request,
            _("Assigned %(names)s to review the portfolio of %(applicant)s.")
            % {
                "names": ", ".join(r.get_full_name() for r in reviewers),
                "applicant": self.application.applicant.get_full_name(),
            },
        )
        return HttpResponseRedirect(
            reverse("reviews:review.decide", kwargs={"application_id": self.application.pk})
        )


class BulkAssignView(AssociationRoleRequiredMixin, TemplateView):
    """The same reviewer(s) for many submitted portfolios at once; the results per portfolio.

    Other pages (the coordinator's pipeline) may POST here with the same field names:
    ``applications`` (ids), ``reviewers`` (ids), ``due_on`` (YYYY-MM-DD).
    """

    hide_from_others = True
    template_name = "reviews/reviewing/assign_bulk.html"
    results = None
    error = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        association = self.association
        context.update(
            association=association,
            waiting=reads.submitted_applications(association=association),
            pool=list(reads.reviewer_pool(association=association)),
            slots=range(1, association.reviewers_per_portfolio + 1),
            due_on=self.request.POST.get("due_on") or _default_due(association),
            min_due=association.today(),
            results=self.results,
            error=self.error,
            dashboard_url=self.dashboard_url(),
        )
        return context

    def post(self, request, *args, **kwargs):
        ids = [int(v) for v in request.POST.getlist("applications") if v.strip().isdigit()]
        applications = reads.applications_chosen(association=self.association, ids=ids)
        reviewers, error = _chosen_reviewers(request, self.association)
        due_on = _parse_date(request.POST.get("due_on", ""))
        if not applications:
            error = _("Choose at least one portfolio.")
        elif not error and due_on is None:
            error = _("Give the due date.")
        if error:
            self.error = error
            messages.error(request, error)
        else:
            self.results = reviewing.review_assign_bulk(
                applications=applications, reviewers=reviewers, due_on=due_on, by=request.user
            )
            done = sum(1 for result in self.results if result.assigned)
            messages.info(
                request,
                _("Reviewers assigned to %(done)d of %(total)d portfolios.")
                % {"done": done, "total": len(self.results)},
            )
        return self.render_to_response(self.get_context_data())


# --- Coordinator: decide ---------------------------------------------------------------------


class DecisionView(CoordinatorReviewMixin, TemplateView):
    """The round's reviews side by side once all are in (a disagreement flagged), the earlier
    rounds' reviews (after a deferral and resubmission) collapsed below, and the coordinator's
    decision."""

    template_name = "reviews/reviewing/decide.html"

    def choices(self):
        facts = {"review_status": self.status}
        return [
            (decision, DECISION_LABELS[decision])
            for decision in reviewing.DECISIONS
            if transition_allowed(
                application=self.application, action=decision, by=self.request.user, facts=facts
            )
        ]

    def get_form(self):
        choices = self.choices()
        if self.request.method == "POST":
            return DecisionForm(self.request.POST, choices=choices)
        return DecisionForm(choices=choices, initial={"note": self.status.amendments})

    def get(self, request, *args, **kwargs):
        self.status = reads.round_status(application=self.application)
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.status
        context.update(
            application=self.application,
            status=status,
            area_rows=reads.area_rows(application=self.application, status=status),
            earlier_rounds=reads.earlier_rounds(application=self.application, before=status.round),
            dashboard_url=self.dashboard_url(),
            can_assign=self.application.state in reviewing.ASSIGNABLE_STATES
            and status.missing_reviewers > 0,
        )
        return context

    def post(self, request, *args, **kwargs):
        self.status = reads.round_status(application=self.application)
        form = self.get_form()
        if form.is_valid():
            decision = form.cleaned_data["decision"]
            try:
                decided = reviewing.review_decide(
                    application=self.application,
                    decision=decision,
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except TransitionNotAllowed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Decision recorded: %(decision)s.") % {"decision": DECISION_LABELS[decision]},
                )
                # Approved in a category without an exam: the award is the next step.
                if decision == "approve" and transition_allowed(
                    application=decided, action="award", by=request.user
                ):
                    return HttpResponseRedirect(
                        reverse("endorsement:award", kwargs={"application_id": decided.pk})
                    )
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))


# --- Reviewer: the review --------------------------------------------------------------------


class ReviewView(AssociationRoleRequiredMixin, TemplateView):
    """The reviewer's page: the requirement check, links to the portfolio, the reference
    ratings, and the review (a draft until submitted, then read-only); the other reviews of
    the round once theirs is submitted."""

    required_role = Role.REVIEWER
    hide_from_others = True
    template_name = "reviews/reviewing/review.html"

    def get_association(self):
        self.assignment = get_object_or_404(
            reads.assignments_of(reviewer=self.request.user), pk=self.kwargs["assignment_id"]
        )
        self.application = self.assignment.application
        self.current_round = max(1, self.assignment.submissions)
        return self.application.association

    @cached_property
    def areas(self) -> list:
        """The form's areas, each with the draft's rating (a read-only review needs neither)."""
        if not self.editable:
            return []
        return reads.review_areas(application=self.application, ratings_of=self.assignment)

    @property
    def editable(self) -> bool:
        return (
            self.assignment.submitted_at is None
            and self.application.state == ApplicationState.IN_REVIEW
            and self.assignment.round == self.current_round
        )

    def items_by_area(self) -> dict[int, list]:
        """The competency items of each area that apply to the category."""
        return reads.items_by_area(areas=self.areas, category=self.application.category)

    def get_form(self):
        if not self.editable:
            return None
        if self.request.method == "POST":
            return ReviewForm(
                self.request.POST, areas=self.areas, items_by_area=self.items_by_area()
            )
        initial = {
            "comments": self.assignment.comments,
            "recommendation": self.assignment.recommendation,
            "amendments": self.assignment.amendments,
        }
        for area in self.areas:
            if area.rated_score is not None:
                initial[f"area_{area.pk}"] = area.rated_score
                initial[f"note_{area.pk}"] = area.rated_note
        return ReviewForm(initial=initial, areas=self.areas, items_by_area=self.items_by_area())

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form is None:
            messages.error(request, _("This review can no longer be changed."))
            return HttpResponseRedirect(request.path)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                reviewing.review_save(
                    assignment=self.assignment,
                    by=request.user,
                    ratings=form.ratings(),
                    area_notes=form.notes(),
                    comments=form.cleaned_data["comments"],
                    recommendation=form.cleaned_data["recommendation"],
                    amendments=form.cleaned_data["amendments"],
                    submit=submit,
                )
            except TransitionNotAllowed as exc:
                form.add_error(None, str(exc))
            else:
                if submit:
                    messages.success(request, _("Your review is submitted. Thank you."))
                else:
                    messages.success(request, _("Draft saved."))
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application
        assignment = self.assignment
        check = requirement_check(application=application)
        sections = [
            (SECTION_LABELS[key], reverse(name, kwargs={"application_id": application.pk}))
            for key, name in SECTION_URL_NAMES.items()
        ]
        context.update(
            application=application,
            assignment=assignment,
            editable=self.editable,
            rubric=RubricScore.choices,
            references=reads.completed_references(check=check),
            check=check,
            sections=sections,
            others=reads.reviews_visible_to(assignment=assignment),
            dashboard_url=self.dashboard_url(),
        )
        return context


# --- Reviewer: conflicts ---------------------------------------------------------------------


class ConflictsView(AssociationRoleRequiredMixin, TemplateView):
    """The reviewer's declared conflicts of interest, and a form to declare one."""

    required_role = Role.REVIEWER
    hide_from_others = True
    template_name = "reviews/reviewing/conflicts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            association=self.association,
            declarations=reads.reviewer_declarations(
                reviewer=self.request.user, association=self.association
            ),
            form=kwargs.get("form") or ConflictForm(),
            dashboard_url=self.dashboard_url(),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = ConflictForm(request.POST)
        if form.is_valid():
            try:
                reviewing.conflict_declare(
                    reviewer=request.user,
                    association=self.association,
                    person_email=form.cleaned_data["person_email"],
                    organisation=form.cleaned_data["organisation"],
                    note=form.cleaned_data["note"],
                )
            except TransitionNotAllowed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Conflict of interest declared."))
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))


class ConflictWithdrawView(AssociationRoleRequiredMixin, View):
    required_role = Role.REVIEWER
    hide_from_others = True
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        declaration = get_object_or_404(
            reads.reviewer_declarations(reviewer=request.user, association=self.association),
            pk=kwargs["pk"],
        )
        reviewing.conflict_withdraw(declaration=declaration, by=request.user)
        messages.success(request, _("Declaration withdrawn."))
        return HttpResponseRedirect(
            reverse("reviews:conflicts", kwargs={"slug": self.association.slug})
        )
