"""Exam pages: the coordinator's sittings and scores, the applicant's registration, the
grader's vignettes, and the exam grader's dashboard. The rules are in ``reviews.services.exams``.

Dates and times are shown and typed in the association's time zone.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView, View

from accounts import dashboards
from accounts.enums import Role
from accounts.models import Association
from accounts.permissions import coordinator_required
from accounts.rules import is_coordinator_of, is_exam_grader_in
from accounts.time_zones import time_zone_activate
from endorsement.enums import ApplicationState as S
from endorsement.models import Application
from endorsement.services import TransitionNotAllowed
from reviews.enums import ExamResult
from reviews.models import ExamRegistration, ExamSitting, VignetteScore
from reviews.services import exams

# --- forms ------------------------------------------------------------------------------------


class SittingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("In the association's time zone."),
    )
    is_online = forms.BooleanField(label=gettext_lazy("Online"), required=False)
    place = forms.CharField(
        label=gettext_lazy("Place"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Required unless the sitting is online."),
    )
    capacity = forms.IntegerField(label=gettext_lazy("Places"), min_value=1, max_value=1000)
    note = forms.CharField(
        label=gettext_lazy("Note for candidates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RegisterApplicationForm(forms.Form):
    application = forms.ModelChoiceField(
        label=gettext_lazy("Approved applicant"), queryset=Application.objects.none()
    )

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = queryset
        self.fields["application"].label_from_instance = lambda application: (
            f"{application.applicant.get_full_name()} – {application.category.code} "
            f"({application.get_state_display()})"
        )


class Part1Form(forms.Form):
    def __init__(self, *args, questions: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["correct"] = forms.IntegerField(
            label=_("Part 1: correct answers"),
            min_value=0,
            max_value=questions,
            help_text=_("From 0 to %(n)s.") % {"n": questions},
        )


class GradersForm(forms.Form):
    graders = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Graders"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, queryset, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["graders"]
        field.queryset = queryset
        field.label_from_instance = lambda user: user.get_full_name() or user.email
        field.help_text = _("Choose %(n)s.") % {"n": count}


class ScoreForm(forms.Form):
    percent = forms.IntegerField(
        label=gettext_lazy("Score (%)"),
        min_value=0,
        max_value=100,
        help_text=gettext_lazy("From 0 to 100. Once sent, your score cannot be changed."),
    )
    comments = forms.CharField(
        label=gettext_lazy("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


# --- mixins -----------------------------------------------------------------------------------


class AssociationTimeMixin(LoginRequiredMixin):
    """Logged-in users only; forms read and pages show times in the association's time zone
    (``self.association``, set by ``load``, which refuses anyone who may not see the page;
    ``accounts.time_zones``)."""

    def load(self, request, *args, **kwargs) -> None:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load(request, *args, **kwargs)
        time_zone_activate(association=self.association)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["association"] = self.association
        return context


class CoordinatorMixin(AssociationTimeMixin):
    """Coordinators of the association only (403 to anyone else, ``coordinator_required``)."""

    def sittings_url(self) -> str:
        return reverse("reviews:exam.sittings", kwargs={"slug": self.association.slug})


class AssociationCoordinatorMixin(CoordinatorMixin):
    def load(self, request, *args, **kwargs):
        self.association = get_object_or_404(Association, slug=kwargs["slug"])
        coordinator_required(request.user, self.association)


class SittingCoordinatorMixin(CoordinatorMixin):
    def load(self, request, *args, **kwargs):
        self.sitting = get_object_or_404(
            ExamSitting.objects.select_related("association"), pk=kwargs["pk"]
        )
        self.association = self.sitting.association
        coordinator_required(request.user, self.association)

    def sitting_url(self) -> str:
        return reverse("reviews:exam.sitting", kwargs={"pk": self.sitting.pk})


# --- coordinator: sittings --------------------------------------------------------------------


class SittingListView(AssociationCoordinatorMixin, ListView):
    template_name = "reviews/exams/sitting_list.html"
    context_object_name = "sittings"
    paginate_by = 20

    def get_queryset(self):
        return exams.sittings_of(self.association).order_by("-starts_at", "-id")


class SittingFormMixin:
    form_class = SittingForm
    template_name = "reviews/exams/sitting_form.html"

    def form_valid(self, form):
        try:
            self.save(form.cleaned_data)
        except TransitionNotAllowed as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The sitting is saved."))
        return HttpResponseRedirect(self.sitting_url())


class SittingCreateView(AssociationCoordinatorMixin, SittingFormMixin, FormView):
    def save(self, data):
        self.sitting = exams.sitting_create(
            association=self.association, by=self.request.user, **data
        )

    def sitting_url(self):
        return reverse("reviews:exam.sitting", kwargs={"pk": self.sitting.pk})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("New exam sitting"), cancel_url=self.sittings_url())
        return context


class SittingUpdateView(SittingCoordinatorMixin, SittingFormMixin, FormView):
    def get_initial(self):
        sitting = self.sitting
        return {
            "starts_at": timezone.localtime(sitting.starts_at),
            "is_online": sitting.is_online,
            "place": sitting.place,
            "capacity": sitting.capacity,
            "note": sitting.note,
        }

    def save(self, data):
        self.sitting = exams.sitting_update(sitting=self.sitting, by=self.request.user, **data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("Edit the exam sitting"), cancel_url=self.sitting_url())
        return context


class SittingDeleteView(SittingCoordinatorMixin, TemplateView):
    """Asks first; a sitting with candidates cannot be deleted."""

    template_name = "reviews/exams/sitting_confirm_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            sitting=self.sitting,
            has_registrations=self.sitting.registrations.exists(),
            cancel_url=self.sitting_url(),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            exams.sitting_delete(sitting=self.sitting, by=request.user)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(self.sitting_url())
        messages.success(request, _("The sitting is deleted."))
        return HttpResponseRedirect(self.sittings_url())


class SittingDetailView(SittingCoordinatorMixin, TemplateView):
    """A sitting's candidates: Part 1 entry, graders, the state of the scores, the result."""

    template_name = "reviews/exams/sitting_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sitting = exams.sittings_of(self.association).get(pk=self.sitting.pk)
        rows = []
        for registration in exams.registrations_of_sitting(sitting):
            rules = exams.exam_rules(registration.application.category)
            scores = list(registration.vignette_scores.all())
            all_in = bool(scores) and all(s.submitted_at is not None for s in scores)
            rows.append(
                {
                    "registration": registration,
                    "rules": rules,
                    "scores": scores,
                    "all_in": all_in,
                    "pending": registration.result == ExamResult.PENDING,
                    "part1_percent": (
                        exams.percent_text(registration.part1_correct, rules.questions)
                        if rules and registration.part1_correct is not None
                        else ""
                    ),
                }
            )
        candidates = exams.applications_to_register(self.association)
        context.update(
            sitting=sitting,
            rows=rows,
            register_form=RegisterApplicationForm(queryset=candidates),
            has_candidates=candidates.exists(),
            is_future=not exams.sitting_started(sitting),
            scoring_opens=exams.scoring_opens_text(sitting),
        )
        return context


class SittingRegisterView(SittingCoordinatorMixin, View):
    """The coordinator registers an approved applicant (or a retake) for the sitting."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = RegisterApplicationForm(
            request.POST, queryset=exams.applications_to_register(self.association)
        )
        if not form.is_valid():
            messages.error(request, _("Choose an approved applicant."))
            return HttpResponseRedirect(self.sitting_url())
        application = form.cleaned_data["application"]
        try:
            exams.exam_register(application=application, sitting=self.sitting, by=request.user)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Registered %(name)s for this sitting.")
                % {"name": application.applicant.get_full_name()},
            )
        return HttpResponseRedirect(self.sitting_url())


class RegistrationMixin(AssociationTimeMixin):
    def load(self, request, *args, **kwargs):
        self.registration = get_object_or_404(
            ExamRegistration.objects.select_related(
                "sitting__association", "application__applicant", "application__category"
            ),
            pk=kwargs["pk"],
        )
        self.sitting = self.registration.sitting
        self.association = self.sitting.association
        self.rules = exams.exam_rules(self.registration.application.category)

    def back_url(self) -> str:
        if is_coordinator_of(self.request.user, self.association):
            return reverse("reviews:exam.sitting", kwargs={"pk": self.sitting.pk})
        return reverse(
            "accounts:dashboard.role",
            kwargs={"slug": self.association.slug, "role": Role.EXAM_GRADER},
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            registration=self.registration,
            sitting=self.sitting,
            rules=self.rules,
            back_url=self.back_url(),
            scoring_closed=exams.scoring_wait(self.sitting),
        )
        return context


class Part1View(RegistrationMixin, FormView):
    """Part 1 score entry, for a coordinator or an exam grader of the association."""

    template_name = "reviews/exams/part1_form.html"

    def load(self, request, *args, **kwargs):
        super().load(request, *args, **kwargs)
        if not exams.may_enter_part1(request.user, self.association):
            raise PermissionDenied(
                _("Only a coordinator or an exam grader of this association may enter scores.")
            )
        if self.rules is None or self.rules.part1 is None:
            raise Http404

    def get_form(self, form_class=None):
        return Part1Form(questions=self.rules.questions, **self.get_form_kwargs())

    def get_initial(self):
        return {"correct": self.registration.part1_correct}

    def form_valid(self, form):
        try:
            exams.part1_enter(
                registration=self.registration,
                correct=form.cleaned_data["correct"],
                by=self.request.user,
            )
        except TransitionNotAllowed as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Part 1 of %(name)s is entered.")
            % {"name": self.registration.application.applicant.get_full_name()},
        )
        return HttpResponseRedirect(self.back_url())

    def form_invalid(self, form):
        if self.request.POST.get("inline"):
            # From the sitting's page: say what is wrong there.
            for errors in form.errors.values():
                for error in errors:
                    messages.error(self.request, error)
            return HttpResponseRedirect(self.back_url())
        return super().form_invalid(form)


class GradersAssignView(RegistrationMixin, FormView):
    template_name = "reviews/exams/graders_form.html"

    def load(self, request, *args, **kwargs):
        super().load(request, *args, **kwargs)
        coordinator_required(request.user, self.association)
        if self.rules is None or self.rules.part2 is None:
            raise Http404

    def get_form(self, form_class=None):
        application = self.registration.application
        queryset = exams.exam_graders_of(self.association).exclude(
            pk__in=[application.applicant_id, application.advisor_id or 0]
        )
        return GradersForm(queryset=queryset, count=self.rules.graders, **self.get_form_kwargs())

    def get_initial(self):
        return {"graders": [row.grader_id for row in self.registration.vignette_scores.all()]}

    def form_valid(self, form):
        try:
            exams.graders_assign(
                registration=self.registration,
                graders=list(form.cleaned_data["graders"]),
                by=self.request.user,
            )
        except TransitionNotAllowed as exc:
            form.add_error("graders", str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The graders are assigned and told by e-mail."))
        return HttpResponseRedirect(self.back_url())


# --- applicant --------------------------------------------------------------------------------


class ApplicantRegisterView(AssociationTimeMixin, TemplateView):
    """The applicant chooses a sitting for their own approved application (404 for others)."""

    template_name = "reviews/exams/register.html"

    def load(self, request, *args, **kwargs):
        self.application = get_object_or_404(
            Application.objects.select_related("association", "category").prefetch_related(
                "category__requirements"
            ),
            pk=kwargs["application_id"],
            applicant=request.user,
        )
        self.association = self.application.association
        self.rules = exams.exam_rules(self.application.category)
        if self.rules is None:
            raise Http404

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application
        status = exams.retake_status(application)
        can_register = application.state in exams.REGISTRABLE_STATES and not (
            application.state == S.EXAM_FAILED and status.limit_reached
        )
        sittings = (
            exams.sittings_upcoming(
                association=self.association, on_or_after=status.possible_from
            ).order_by("starts_at", "id")
            if can_register
            else ExamSitting.objects.none()
        )
        current = (
            application.exam_registrations.select_related("sitting")
            .filter(result=ExamResult.PENDING)
            .first()
        )
        context.update(
            application=application,
            status=status,
            can_register=can_register,
            sittings=sittings,
            current=current,
            rules=self.rules,
        )
        return context

    def post(self, request, *args, **kwargs):
        sitting = get_object_or_404(
            ExamSitting.objects.filter(association=self.association), pk=request.POST.get("sitting")
        )
        try:
            exams.exam_register(application=self.application, sitting=sitting, by=request.user)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            _("You are registered for the exam on %(sitting)s.")
            % {"sitting": exams.sitting_label(sitting)},
        )
        return HttpResponseRedirect(request.path)


# --- grader -----------------------------------------------------------------------------------


class ScoreView(AssociationTimeMixin, FormView):
    """One grader's Part 2 score of one candidate: blind until every grader has scored."""

    template_name = "reviews/exams/score_form.html"
    form_class = ScoreForm

    def load(self, request, *args, **kwargs):
        self.score_row = get_object_or_404(
            VignetteScore.objects.select_related(
                "registration__sitting__association",
                "registration__application__applicant",
                "registration__application__category",
            ),
            pk=kwargs["pk"],
            grader=request.user,
        )
        self.association = self.score_row.registration.sitting.association
        if not is_exam_grader_in(request.user, self.association):
            raise PermissionDenied(_("You are not an exam grader of this association."))

    def dashboard_url(self) -> str:
        return reverse(
            "accounts:dashboard.role",
            kwargs={"slug": self.association.slug, "role": Role.EXAM_GRADER},
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registration = self.score_row.registration
        context.update(
            score=self.score_row,
            registration=registration,
            sitting=registration.sitting,
            scoring_closed=exams.scoring_wait(registration.sitting),
            rules=exams.exam_rules(registration.application.category),
            others=exams.other_scores_visible(score_row=self.score_row),
            dashboard_url=self.dashboard_url(),
        )
        return context

    def post(self, request, *args, **kwargs):
        if self.score_row.submitted_at is not None:
            messages.error(
                request, _("You have already scored these vignettes: your score is final.")
            )
            return HttpResponseRedirect(request.path)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            exams.vignette_score(
                score_row=self.score_row,
                percent=form.cleaned_data["percent"],
                comments=form.cleaned_data["comments"],
                by=self.request.user,
            )
        except TransitionNotAllowed as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Your score is saved."))
        return HttpResponseRedirect(self.request.path)


# --- dashboard --------------------------------------------------------------------------------


@dashboards.register(Role.EXAM_GRADER)
def exam_grader_dashboard(request, association) -> dict:
    """The grader's vignettes in the association, with the sitting date, scored or not; those
    of sittings still to come are shown with the moment scoring opens, not counted as waiting."""
    assignments = list(exams.grader_assignments(grader=request.user, association=association))
    for row in assignments:
        row.scoring_opens = exams.scoring_wait(row.registration.sitting)
    return {
        "exam_assignments": assignments,
        "exam_to_score": sum(
            1 for row in assignments if row.submitted_at is None and not row.scoring_opens
        ),
        "exam_part1_waiting": list(exams.part1_waiting(association)[:50]),
    }


urlpatterns = [
    path("exams/a/<slug:slug>/sittings/", SittingListView.as_view(), name="exam.sittings"),
    path("exams/a/<slug:slug>/sittings/add/", SittingCreateView.as_view(), name="exam.sitting.add"),
    path("exams/sittings/<int:pk>/", SittingDetailView.as_view(), name="exam.sitting"),
    path("exams/sittings/<int:pk>/edit/", SittingUpdateView.as_view(), name="exam.sitting.edit"),
    path(
        "exams/sittings/<int:pk>/delete/", SittingDeleteView.as_view(), name="exam.sitting.delete"
    ),
    path(
        "exams/sittings/<int:pk>/register/",
        SittingRegisterView.as_view(),
        name="exam.sitting.register",
    ),
    path("exams/registrations/<int:pk>/part1/", Part1View.as_view(), name="exam.part1"),
    path("exams/registrations/<int:pk>/graders/", GradersAssignView.as_view(), name="exam.graders"),
    path("exams/scores/<int:pk>/", ScoreView.as_view(), name="exam.score"),
    path(
        "exams/<int:application_id>/register/",
        ApplicantRegisterView.as_view(),
        name="exam.register",
    ),
]
