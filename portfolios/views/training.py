"""Portfolio section: specialized in-service training, and importing many from a CSV file."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from competencies.selectors import category_areas
from portfolios import csv_import
from portfolios.enums import DocumentKind
from portfolios.forms.training import TrainingForm, TrainingImportForm
from portfolios.models import Training
from portfolios.permissions import PortfolioMixin
from portfolios.selectors import trainings_with_items
from portfolios.services import PortfolioLocked
from portfolios.views.base import (
    ApplicationFormMixin,
    AttachedDocumentMixin,
    EvidenceCreateView,
    EvidenceDeleteView,
    EvidenceListView,
    EvidenceRestoreView,
    EvidenceUpdateView,
)


class TrainingMixin:
    model = Training
    section = "training"


class TrainingListView(TrainingMixin, EvidenceListView):
    template_name = "portfolios/training/list.html"

    def get_queryset(self):
        return trainings_with_items(application=self.application)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = list(context["items"])
        context.update(
            items=items,
            total_hours=sum((item.hours for item in items), Decimal(0)),
            dei_hours=sum((item.hours for item in items if item.is_dei), Decimal(0)),
            rsc_hours=sum((item.hours for item in items if item.is_rsc), Decimal(0)),
        )
        return context


class TrainingFormMixin(AttachedDocumentMixin, TrainingMixin):
    form_class = TrainingForm
    form_title = gettext_lazy("Add a training")
    document_field = "certificate"
    document_kind = DocumentKind.CERTIFICATE


class TrainingCreateView(TrainingFormMixin, EvidenceCreateView):
    pass


class TrainingUpdateView(TrainingFormMixin, EvidenceUpdateView):
    pass


class TrainingDeleteView(TrainingMixin, EvidenceDeleteView):
    pass


class TrainingRestoreView(TrainingMixin, EvidenceRestoreView):
    pass


# Import from a CSV file: upload → preview → import → what was skipped.


class TrainingImportMixin(TrainingMixin, PortfolioMixin):
    needs_edit = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = csv_import.COLUMNS
        return context


class TrainingImportView(ApplicationFormMixin, TrainingImportMixin, FormView):
    """Step 1: choose the file."""

    form_class = TrainingImportForm
    template_name = "portfolios/training/import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        areas = category_areas(category=self.application.category)
        context.update(
            areas=areas,
            item_names="\n".join(item.name for group in areas for item in group.items),
            max_rows=csv_import.MAX_ROWS,
            formats=csv_import.TrainingFormat,
        )
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            csv_import.import_draft_save(
                application=self.application,
                file_name=upload.name[:200],
                rows=form.rows,
            )
        except PortfolioLocked as exc:
            raise PermissionDenied(str(exc)) from exc
        return HttpResponseRedirect(self.section_url("import_preview"))


class TrainingImportPreviewView(TrainingImportMixin, TemplateView):
    """Step 2: every row, what was understood and what is wrong; then import the valid rows."""

    template_name = "portfolios/training/import_preview.html"

    def get(self, request, *args, **kwargs):
        self.draft = csv_import.import_draft_get(application=self.application)
        if not self.draft or self.draft.get("status") != "preview":
            messages.info(request, _("Choose a file to import first."))
            return HttpResponseRedirect(self.section_url("import"))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = csv_import.parse_rows(self.draft["rows"], category=self.application.category)
        context.update(
            rows=rows,
            file_name=self.draft.get("file_name", ""),
            valid_count=sum(1 for row in rows if row.is_valid),
            error_count=sum(1 for row in rows if not row.is_valid),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            result = csv_import.training_import(application=self.application, by=request.user)
        except csv_import.NothingToImport:
            return HttpResponseRedirect(self.section_url("import"))
        except PortfolioLocked as exc:
            raise PermissionDenied(str(exc)) from exc
        messages.success(
            request,
            ngettext(
                "Imported %(count)s training.", "Imported %(count)s trainings.", len(result.created)
            )
            % {"count": len(result.created)},
        )
        return HttpResponseRedirect(self.section_url("import_done"))


class TrainingImportDoneView(TrainingImportMixin, TemplateView):
    """Step 3: what was imported, and the rows skipped, to correct and import again."""

    template_name = "portfolios/training/import_done.html"

    def get(self, request, *args, **kwargs):
        self.draft = csv_import.import_draft_get(application=self.application)
        if not self.draft or self.draft.get("status") != "done":
            return HttpResponseRedirect(self.section_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            imported=self.draft.get("imported", 0),
            file_name=self.draft.get("file_name", ""),
            rows=csv_import.parse_rows(self.draft["rows"], category=self.application.category),
        )
        return context


class TrainingImportTemplateView(TrainingMixin, PortfolioMixin, View):
    """A CSV with the columns and one example row, using the category's own item names."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            csv_import.template_csv(category=self.application.category),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="trainings-template.csv"'
        return response


class TrainingImportItemsView(TrainingMixin, PortfolioMixin, View):
    """The category's competency items as a CSV file, to copy names into the template."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            csv_import.items_csv(category=self.application.category),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="competency-items.csv"'
        return response
