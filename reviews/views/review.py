"""Review pages: the coordinator assigns reviewers (one portfolio or in bulk) and decides; the
reviewer writes the review, declares conflicts and sees their assignments on the dashboard.

Everything here answers 404 to anyone who may not see it (an unassigned reviewer, another
association's staff, the applicant, other roles), so a portfolio's existence is not revealed;
anonymous visitors are sent to log in.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from accounts import dashboards
from accounts.enums import Role
from accounts.models import Association
from accounts.rules import ROLE_PREDICATES, is_reviewer_in
from accounts.time_zones import time_zone_activate
from competencies.models import Competency
from endorsement.enums import ApplicationState
from endorsement.models import Application
from endorsement.services import TransitionNotAllowed, transition_allowed
from endorsement.views import CoordinatorApplicationMixin
from portfolios.enums import ReferenceStatus
from portfolios.models import ReferenceRating
from portfolios.requirements import SECTION_LABELS, SECTION_URL_NAMES, requirement_check
from reviews.enums import Recommendation, RubricScore
from reviews.models import ConflictDeclaration, ReviewAssignment
from reviews.services.reviewing import (
    ASSIGNABLE_STATES,
    DECISIONS,
    DECISIONS_AFTER_REVIEWS,
    conflict_declare,
    conflict_withdraw,
    earlier_rounds,
    review_areas,
    review_assign,
    review_assign_bulk,
    review_decide,
    review_save,
    reviewer_assignments,
    reviewer_declarations,
    reviewer_pool,
    reviewers_conflicts,
    reviews_visible_to,
    round_status,
    submissions_subquery,
)

DEFAULT_DUE_DAYS = 30


# --- Forms -----------------------------------------------------------------------------------


class ReviewForm(forms.Form):
    """A rating per competency area (with an optional note), comments and a recommendation."""

    comments = forms.CharField(
        label=gettext_lazy("Comments for the coordinator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    recommendation = forms.ChoiceField(
        label=gettext_lazy("Recommendation"),
        choices=Recommendation.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    amendments = forms.CharField(
        label=gettext_lazy("What the applicant should amend"),
        help_text=gettext_lazy("Required when you recommend a deferral: the applicant reads it."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, areas, items_by_area=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        self.items_by_area = items_by_area or {}
        for area in areas:
            self.fields[f"area_{area.pk}"] = forms.ChoiceField(
                label=gettext_lazy("Rating"),
                choices=RubricScore.choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{area.pk}"] = forms.CharField(
                label=gettext_lazy("Note (optional)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def area_fields(self):
        """[(area, its items, rating field, note field)] for the template."""
        return [
            (
                area,
                self.items_by_area.get(area.pk, []),
                self[f"area_{area.pk}"],
                self[f"note_{area.pk}"],
            )
            for area in self.areas
        ]

    def ratings(self) -> dict[int, str]:
        return {area.pk: self.cleaned_data.get(f"area_{area.pk}") or "" for area in self.areas}

    def notes(self) -> dict[int, str]:
        return {area.pk: self.cleaned_data.get(f"note_{area.pk}") or "" for area in self.areas}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=gettext_lazy("Reasons for the applicant"),
        help_text=gettext_lazy(
            "Required to defer or deny: the applicant reads it in the e-mail and on their "
            "dashboard. Prefilled with what the reviewers ask the applicant to amend."
        ),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices

    def clean_note(self) -> str:
        # Browsers send a textarea's line breaks as CRLF; the e-mail and timeline use LF.
        return self.cleaned_data["note"].replace("\r\n", "\n")


class ConflictForm(forms.Form):
    person_email = forms.EmailField(
        label=gettext_lazy("A person's e-mail"),
        help_text=gettext_lazy(
            "Someone you know well: a colleague, a supervisee, a relative, whether or not they "
            "use the portal yet."
        ),
        required=False,
    )
    organisation = forms.CharField(
        label=gettext_lazy("Or an employer or organisation"),
        help_text=gettext_lazy("Where you work, or an organisation you are close to."),
        required=False,
        max_length=200,
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


DECISION_LABELS = {
    "approve": gettext_lazy("Approve the portfolio"),
    "defer": gettext_lazy("Defer: the applicant amends the portfolio and submits it again"),
    "hold": gettext_lazy("Put on hold"),
    "deny": gettext_lazy("Deny the endorsement"),
}


# --- Mixins ----------------------------------------------------------------------------------


class CoordinatorReviewMixin(CoordinatorApplicationMixin):
    """The application in the address; 404 to anyone but a coordinator of its association."""

    hide_from_others = True
    select_related = ("association", "applicant", "category__framework", "advisor")


class AssociationRoleMixin(LoginRequiredMixin):
    """The association in the address; 404 to anyone without ``role`` there."""

    role = Role.COORDINATOR

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.association = get_object_or_404(Association, slug=kwargs["slug"])
        if not ROLE_PREDICATES[self.role](request.user, self.association):
            raise Http404
        time_zone_activate(association=self.association)
        return super().dispatch(request, *args, **kwargs)

    def dashboard_url(self) -> str:
        return reverse(
            "accounts:dashboard.role", kwargs={"slug": self.association.slug, "role": self.role}
        )


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
    found = {user.pk: user for user in reviewer_pool(association=association).filter(pk__in=ids)}
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
        status = round_status(application=application)
        assigned = {a.reviewer_id for a in status.assignments}
        pool = [
            r for r in reviewer_pool(association=application.association) if r.pk not in assigned
        ]
        conflicts = reviewers_conflicts(application=application, reviewers=pool)
        context.update(
            application=application,
            status=status,
            candidates=[(reviewer, conflicts[reviewer.pk]) for reviewer in pool],
            slots=max(0, status.required - len(status.assignments)),
            can_assign=application.state in ASSIGNABLE_STATES,
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
                review_assign(
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


class BulkAssignView(AssociationRoleMixin, TemplateView):
    """The same reviewer(s) for many submitted portfolios at once; the results per portfolio.

    Other pages (the coordinator's pipeline) may POST here with the same field names:
    ``applications`` (ids), ``reviewers`` (ids), ``due_on`` (YYYY-MM-DD).
    """

    template_name = "reviews/reviewing/assign_bulk.html"
    results = None
    error = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        association = self.association
        context.update(
            association=association,
            waiting=Application.objects.filter(
                association=association, state=ApplicationState.SUBMITTED
            )
            .select_related("applicant", "category")
            .order_by("submitted_at", "id"),
            pool=list(reviewer_pool(association=association)),
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
        applications = list(
            Application.objects.filter(association=self.association, pk__in=ids)
            .select_related("applicant", "category")
            .order_by("submitted_at", "id")
        )
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
            self.results = review_assign_bulk(
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
        application = self.application
        complete = self.status.complete
        choices = []
        for decision in DECISIONS:
            if decision in DECISIONS_AFTER_REVIEWS and not complete:
                continue
            if transition_allowed(application=application, action=decision, by=self.request.user):
                choices.append((decision, DECISION_LABELS[decision]))
        return choices

    def get_form(self):
        choices = self.choices()
        if self.request.method == "POST":
            return DecisionForm(self.request.POST, choices=choices)
        return DecisionForm(choices=choices, initial={"note": self.status.amendments})

    def get(self, request, *args, **kwargs):
        self.status = round_status(application=self.application)
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.status
        areas = review_areas(application=self.application) if status.complete else []
        rows = []
        for area in areas:
            scores = []
            for assignment in status.assignments:
                rating = next((r for r in assignment.ratings.all() if r.area_id == area.pk), None)
                scores.append(rating)
            values = {rating.score for rating in scores if rating is not None}
            rows.append((area, scores, len(values) > 1))
        context.update(
            application=self.application,
            status=status,
            area_rows=rows,
            earlier_rounds=earlier_rounds(application=self.application, before=status.round),
            dashboard_url=self.dashboard_url(),
            can_assign=self.application.state in ASSIGNABLE_STATES and status.missing_reviewers > 0,
        )
        return context

    def post(self, request, *args, **kwargs):
        self.status = round_status(application=self.application)
        form = self.get_form()
        if form.is_valid():
            decision = form.cleaned_data["decision"]
            try:
                review_decide(
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
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))


# --- Reviewer: the review --------------------------------------------------------------------


class ReviewView(LoginRequiredMixin, TemplateView):
    """The reviewer's page: the requirement check, links to the portfolio, the reference
    ratings, and the review (a draft until submitted, then read-only); the other reviews of
    the round once theirs is submitted."""

    template_name = "reviews/reviewing/review.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.assignment = get_object_or_404(
            ReviewAssignment.objects.select_related(
                "reviewer",
                "application__association",
                "application__applicant",
                "application__category__framework",
            ).annotate(submissions=submissions_subquery()),
            pk=kwargs["assignment_id"],
            reviewer=request.user,
        )
        self.application = self.assignment.application
        self.current_round = max(1, self.assignment.submissions)
        if not is_reviewer_in(request.user, self.application.association):
            raise Http404
        time_zone_activate(association=self.application.association)
        # The form's areas, each with the draft's rating (a read-only review needs neither).
        self.areas = (
            review_areas(application=self.application, ratings_of=self.assignment)
            if self.editable
            else []
        )
        return super().dispatch(request, *args, **kwargs)

    @property
    def editable(self) -> bool:
        return (
            self.assignment.submitted_at is None
            and self.application.state == ApplicationState.IN_REVIEW
            and self.assignment.round == self.current_round
        )

    def items_by_area(self) -> dict[int, list]:
        """The competency items of each area that apply to the category."""
        items = Competency.objects.filter(
            area__in=self.areas, categories=self.application.category
        ).order_by("order", "id")
        by_area: dict[int, list] = {area.pk: [] for area in self.areas}
        for item in items:
            by_area[item.area_id].append(item)
        return by_area

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
                review_save(
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
        # Every completed rating, also those the applicant waived the right to see.
        references = sorted(
            (r for r in check.evidence["references"] if r.status == ReferenceStatus.COMPLETED),
            key=lambda r: (r.completed_at or r.created, r.pk),
        )
        prefetch_related_objects(
            references,
            Prefetch(
                "ratings",
                queryset=ReferenceRating.objects.select_related("competency__area").order_by(
                    "competency__area__order", "competency__order", "competency_id"
                ),
            ),
        )
        sections = [
            (SECTION_LABELS[key], reverse(name, kwargs={"application_id": application.pk}))
            for key, name in SECTION_URL_NAMES.items()
        ]
        context.update(
            application=application,
            assignment=assignment,
            editable=self.editable,
            rubric=RubricScore.choices,
            references=references,
            check=check,
            sections=sections,
            others=reviews_visible_to(assignment=assignment),
            dashboard_url=reverse(
                "accounts:dashboard.role",
                kwargs={"slug": application.association.slug, "role": Role.REVIEWER},
            ),
        )
        return context


# --- Reviewer: conflicts ---------------------------------------------------------------------


class ConflictsView(AssociationRoleMixin, TemplateView):
    """The reviewer's declared conflicts of interest, and a form to declare one."""

    role = Role.REVIEWER
    template_name = "reviews/reviewing/conflicts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            association=self.association,
            declarations=reviewer_declarations(
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
                conflict_declare(
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


class ConflictWithdrawView(AssociationRoleMixin, View):
    role = Role.REVIEWER
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        declaration = get_object_or_404(
            ConflictDeclaration,
            pk=kwargs["pk"],
            association=self.association,
            reviewer=request.user,
        )
        conflict_withdraw(declaration=declaration, by=request.user)
        messages.success(request, _("Declaration withdrawn."))
        return HttpResponseRedirect(
            reverse("reviews:conflicts", kwargs={"slug": self.association.slug})
        )


# --- Reviewer dashboard ----------------------------------------------------------------------


@dashboards.register(Role.REVIEWER)
def reviewer_dashboard(request, association) -> dict:
    today = association.today()
    assignments = list(reviewer_assignments(reviewer=request.user, association=association))
    for assignment in assignments:
        assignment.is_overdue = assignment.submitted_at is None and assignment.due_on < today
    return {
        "assignments": assignments,
        "open_count": sum(1 for a in assignments if a.submitted_at is None),
        "declarations": list(reviewer_declarations(reviewer=request.user, association=association)),
    }


urlpatterns = [
    path(
        "reviewing/applications/<int:application_id>/assign/",
        AssignView.as_view(),
        name="review.assign",
    ),
    path(
        "reviewing/applications/<int:application_id>/decision/",
        DecisionView.as_view(),
        name="review.decide",
    ),
    path("reviewing/a/<slug:slug>/assign/", BulkAssignView.as_view(), name="assign.bulk"),
    path("reviewing/reviews/<int:assignment_id>/", ReviewView.as_view(), name="review"),
    path("reviewing/a/<slug:slug>/conflicts/", ConflictsView.as_view(), name="conflicts"),
    path(
        "reviewing/a/<slug:slug>/conflicts/<int:pk>/withdraw/",
        ConflictWithdrawView.as_view(),
        name="conflict.withdraw",
    ),
]
