"""Exam pages: the coordinator's sittings and scores, the applicant's registration, the
grader's vignettes. The rules are in ``reviews.services.exams``, the reads in
``reviews.selectors.exams``, the exam grader's dashboard in ``reviews.dashboards``.

Dates and times are shown and typed in the association's time zone.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView, View

from accounts.enums import Role
from accounts.permissions import AssociationRoleRequiredMixin
from accounts.rules import is_coordinator_of
from endorsement.enums import ApplicationState as S
from endorsement.services import TransitionNotAllowed
from reviews.conditions import sitting_offer
from reviews.forms import GradersForm, Part1Form, RegisterApplicationForm, ScoreForm, SittingForm
from reviews.selectors import exams as reads
from reviews.services import exams

# --- mixins -----------------------------------------------------------------------------------


class ExamPageMixin(AssociationRoleRequiredMixin):
    """The association-role gate (``accounts.permissions``: it also shows and reads the page's
    times in the association's time zone), with the association in the page's context."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["association"] = self.association
        return context


class AssociationCoordinatorMixin(ExamPageMixin):
    """The association in the address; coordinators only (403 to anyone else)."""

    def sittings_url(self) -> str:
        return reverse("reviews:exam.sittings", kwargs={"slug": self.association.slug})


class SittingCoordinatorMixin(AssociationCoordinatorMixin):
    """The sitting in the address; coordinators of its association only (403 to anyone else)."""

    def get_association(self):
        self.sitting = get_object_or_404(reads.sittings_with_association(), pk=self.kwargs["pk"])
        return self.sitting.association

    def sitting_url(self) -> str:
        return reverse("reviews:exam.sitting", kwargs={"pk": self.sitting.pk})


# --- coordinator: sittings --------------------------------------------------------------------


class SittingListView(AssociationCoordinatorMixin, ListView):
    template_name = "reviews/exams/sitting_list.html"
    context_object_name = "sittings"
    paginate_by = 20

    def get_queryset(self):
        return reads.sittings_newest_first(self.association)


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
            has_registrations=reads.sitting_has_registrations(self.sitting),
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
        sitting = reads.sitting_counted(self.sitting)
        offered, left_out = sitting_offer(sitting)
        context.update(
            sitting=sitting,
            rows=reads.candidate_rows(sitting),
            register_form=RegisterApplicationForm(choices=offered),
            has_candidates=bool(offered or left_out),
            left_out=left_out,
            is_future=not reads.sitting_started(sitting),
            scoring_opens=reads.scoring_opens_text(sitting),
        )
        return context


class SittingRegisterView(SittingCoordinatorMixin, View):
    """The coordinator registers an approved applicant (or a retake) for the sitting."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = RegisterApplicationForm(
            request.POST, queryset=reads.applications_to_register(self.association)
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


class ExamPartRequired:
    """After the gate: 404 when the candidate's exam has no Part ``exam_part``."""

    exam_part = 0

    def dispatch(self, request, *args, **kwargs):
        if getattr(self.rules, f"part{self.exam_part}", None) is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class RegistrationMixin(ExamPageMixin, ExamPartRequired):
    """A candidate's registration in the address, for the sitting's association."""

    def get_association(self):
        self.registration = get_object_or_404(
            reads.registrations_with_pages(), pk=self.kwargs["pk"]
        )
        self.sitting = self.registration.sitting
        self.rules = reads.exam_rules(self.registration.application.category)
        return self.sitting.association

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
            scoring_closed=reads.scoring_wait(self.sitting),
        )
        return context


class Part1View(RegistrationMixin, FormView):
    """Part 1 score entry, for a coordinator or an exam grader of the association."""

    required_permission = "reviews.enter_exam_scores"
    permission_denied_message = gettext_lazy(
        "Only a coordinator or an exam grader of this association may enter scores."
    )
    exam_part = 1
    template_name = "reviews/exams/part1_form.html"

    def get_form(self, form_class=None):
        return Part1Form(
            questions=self.rules.questions,
            check_url=reverse("reviews:exam.part1.check", kwargs={"pk": self.registration.pk}),
            **self.get_form_kwargs(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        correct = self.registration.part1_correct
        context["part1_check"] = (
            reads.part1_check_text(correct, self.rules) if correct is not None else ""
        )
        return context

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


class Part1CheckView(RegistrationMixin, TemplateView):
    """The line under a Part 1 score as it is typed (htmx, ``?correct=``): its percentage and
    whether it reaches the pass mark, or what is wrong with the number. Nothing is saved."""

    required_permission = Part1View.required_permission
    permission_denied_message = Part1View.permission_denied_message
    exam_part = 1
    template_name = "reviews/exams/_part1_check.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = Part1Form(self.request.GET, questions=self.rules.questions)
        if form.is_valid():
            context["part1_check"] = reads.part1_check_text(
                form.cleaned_data["correct"], self.rules
            )
        elif self.request.GET.get("correct", "").strip():
            context["part1_error"] = " ".join(form.errors.get("correct", []))
        return context


class GradersAssignView(RegistrationMixin, FormView):
    exam_part = 2
    template_name = "reviews/exams/graders_form.html"

    def get_form(self, form_class=None):
        return GradersForm(
            queryset=reads.graders_eligible(self.registration),
            count=self.rules.graders,
            **self.get_form_kwargs(),
        )

    def get_initial(self):
        return {"graders": reads.graders_chosen(self.registration)}

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


class ApplicantRegisterView(ExamPageMixin, TemplateView):
    """The applicant chooses a sitting for their own approved application (404 for others)."""

    required_role = None  # the applicant's own application is the gate
    template_name = "reviews/exams/register.html"

    def get_association(self):
        self.application = get_object_or_404(
            reads.exam_applications_of(self.request.user), pk=self.kwargs["application_id"]
        )
        self.rules = reads.exam_rules(self.application.category)
        if self.rules is None:
            raise Http404
        return self.application.association

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application
        status = reads.retake_status(application)
        can_register = application.state in reads.REGISTRABLE_STATES and not (
            application.state == S.EXAM_FAILED and status.limit_reached
        )
        sittings = (
            reads.sittings_to_choose(association=self.association, on_or_after=status.possible_from)
            if can_register
            else []
        )
        current = reads.pending_registration(application)
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
            reads.association_sittings(self.association), pk=request.POST.get("sitting")
        )
        try:
            exams.exam_register(application=self.application, sitting=sitting, by=request.user)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            _("You are registered for the exam on %(sitting)s.")
            % {"sitting": reads.sitting_label(sitting)},
        )
        return HttpResponseRedirect(request.path)


# --- grader -----------------------------------------------------------------------------------


class ScoreView(ExamPageMixin, FormView):
    """One grader's Part 2 score of one candidate: blind until every grader has scored."""

    required_role = Role.EXAM_GRADER
    permission_denied_message = gettext_lazy("You are not an exam grader of this association.")
    template_name = "reviews/exams/score_form.html"
    form_class = ScoreForm

    def get_association(self):
        self.score_row = get_object_or_404(
            reads.score_rows_of(self.request.user), pk=self.kwargs["pk"]
        )
        return self.score_row.registration.sitting.association

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registration = self.score_row.registration
        context.update(
            score=self.score_row,
            registration=registration,
            sitting=registration.sitting,
            scoring_closed=reads.scoring_wait(registration.sitting),
            rules=reads.exam_rules(registration.application.category),
            others=reads.other_scores_visible(score_row=self.score_row),
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
