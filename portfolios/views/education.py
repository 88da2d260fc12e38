"""Portfolio section: education, with transcripts and the coordinator's transcript status."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from portfolios.enums import DocumentKind, TranscriptStatus
from portfolios.forms.education import EducationForm, TranscriptStatusForm
from portfolios.models import Education
from portfolios.permissions import PortfolioMixin
from portfolios.selectors import live_evidence
from portfolios.services import education_set_transcript_status
from portfolios.views.base import (
    AttachedDocumentMixin,
    EvidenceCreateView,
    EvidenceDeleteView,
    EvidenceListView,
    EvidenceRestoreView,
    EvidenceUpdateView,
)


class EducationMixin:
    model = Education
    section = "education"


class EducationListView(EducationMixin, EvidenceListView):
    template_name = "portfolios/education/list.html"
    evidence_related = ("transcript",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_verify"] = rules.has_perm(
            "portfolios.verify_evidence", self.request.user, self.application
        )
        context["transcript_statuses"] = TranscriptStatus.choices
        return context


class EducationFormMixin(AttachedDocumentMixin, EducationMixin):
    document_field = "transcript"
    document_kind = DocumentKind.TRANSCRIPT
    form_class = EducationForm
    form_title = gettext_lazy("Add education")
    evidence_related = ("transcript",)


class EducationCreateView(EducationFormMixin, EvidenceCreateView):
    pass


class EducationUpdateView(EducationFormMixin, EvidenceUpdateView):
    pass


class EducationDeleteView(EducationMixin, EvidenceDeleteView):
    pass


class EducationRestoreView(EducationMixin, EvidenceRestoreView):
    pass


class TranscriptStatusView(EducationMixin, PortfolioMixin, View):
    """The coordinator marks a transcript, e.g. "official transcript received"."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not rules.has_perm("portfolios.verify_evidence", request.user, self.application):
            raise PermissionDenied(_("Only the association's coordinator can set this."))
        education = get_object_or_404(
            live_evidence(model=Education, application=self.application), pk=kwargs["pk"]
        )
        form = TranscriptStatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of the transcript statuses."))
            return HttpResponseRedirect(self.section_url())
        education.application = self.application
        education_set_transcript_status(
            education=education, status=form.cleaned_data["status"], by=request.user
        )
        messages.success(
            request,
            _("Transcript of “%(item)s”: %(status)s.")
            % {"item": education, "status": education.get_transcript_status_display()},
        )
        return HttpResponseRedirect(self.section_url())
