"""The holder's pages that continue an endorsement: reinstating a lapsed one, and applying for
another category. Only the holder reaches them (404 for anyone else)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from competencies.models import EndorsementCategory
from endorsement.continuations import (
    open_application_refusal,
    reinstatement_refusal,
    reinstatement_start,
)
from endorsement.models import Endorsement
from endorsement.services import TransitionNotAllowed
from portfolios.continuations import addable_categories, category_add_start, standing_refusal
from portfolios.requirements import REINSTATEMENT_WORK_YEARS


class HolderEndorsementMixin(LoginRequiredMixin):
    """The endorsement named in the address, if the person holds it (404 otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.endorsement = get_object_or_404(
            Endorsement.objects.select_related("association", "category", "application"),
            pk=kwargs["pk"],
            holder=request.user,
        )
        return super().dispatch(request, *args, **kwargs)

    def summary_url(self, application) -> str:
        return reverse("portfolios:summary", kwargs={"application_id": application.pk})


class ReinstateStartView(HolderEndorsementMixin, TemplateView):
    """What a reinstatement asks for; the POST starts it and opens its portfolio."""

    template_name = "portfolios/continuations/reinstate.html"

    def refusal(self) -> str:
        return reinstatement_refusal(self.endorsement) or open_application_refusal(
            applicant=self.request.user, association=self.endorsement.association
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            endorsement=self.endorsement,
            refusal=self.refusal(),
            work_years=REINSTATEMENT_WORK_YEARS,
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            application = reinstatement_start(endorsement=self.endorsement, by=request.user)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            _(
                "Your reinstatement is started: add your recent work experience, ask three "
                "people for a reference rating and pay the reinstatement fee."
            ),
        )
        return HttpResponseRedirect(self.summary_url(application))


class CategoryAddForm(forms.Form):
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        queryset=EndorsementCategory.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Anything the coordinator should know"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.queryset = EndorsementCategory.objects.filter(pk__in=[c.pk for c in categories])
        field.label_from_instance = lambda category: f"{category.display_name} ({category.code})"


class CategoryAddView(HolderEndorsementMixin, FormView):
    """Choose another category of the association; the evidence already accepted is carried
    over into the new application."""

    template_name = "portfolios/continuations/add_category.html"
    form_class = CategoryAddForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.categories = addable_categories(endorsement=self.endorsement)
        kwargs["categories"] = self.categories
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            endorsement=self.endorsement,
            refusal=standing_refusal(self.endorsement)
            or open_application_refusal(
                applicant=self.request.user, association=self.endorsement.association
            ),
            categories=self.categories,
        )
        return context

    def form_valid(self, form):
        try:
            application = category_add_start(
                endorsement=self.endorsement,
                category=form.cleaned_data["category"],
                by=self.request.user,
                note=form.cleaned_data["note"],
            )
        except TransitionNotAllowed as exc:
            messages.error(self.request, str(exc))
            return HttpResponseRedirect(self.request.path)
        messages.success(
            self.request,
            _(
                "Your application for %(code)s is registered, with your education, trainings and "
                "reflective supervision/consultation carried over. Add what the new category needs."
            )
            % {"code": application.category.code},
        )
        return HttpResponseRedirect(self.summary_url(application))
