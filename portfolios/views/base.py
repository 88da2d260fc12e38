"""Shared views of the portfolio sections: permission, the section list and the evidence forms.

A section module (education.py, work.py, …) subclasses these with its model, form and
template; portfolios/urls.py maps them with ``evidence_urls(...)``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, ListView, TemplateView, UpdateView

from portfolios.documents import evidence_save_with_document
from portfolios.permissions import PortfolioMixin
from portfolios.selectors import deleted_evidence, live_evidence
from portfolios.services import (
    PortfolioLocked,
    draft_get,
    draft_save,
    evidence_delete,
    evidence_restore,
    evidence_save,
)


class EvidenceListView(PortfolioMixin, ListView):
    """The section's page: its evidence, and what was deleted (to undo) while editable."""

    model = None
    # Relations read with each row (``select_related``).
    evidence_related: tuple = ()
    context_object_name = "items"

    def get_queryset(self):
        return live_evidence(
            model=self.model, application=self.application, select_related=self.evidence_related
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["deleted_items"] = (
            deleted_evidence(model=self.model, application=self.application)
            if self.can_edit
            else []
        )
        return context


class ApplicationFormMixin:
    """The form is made for the portfolio's application (its ``application`` argument)."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["application"] = self.application
        return kwargs


class EvidenceFormMixin(ApplicationFormMixin, PortfolioMixin):
    """Add and edit forms: saved through the service; drafts kept and restored; autosave."""

    needs_edit = True
    template_name = "portfolios/evidence_form.html"
    form_title = gettext_lazy("Add")
    draft_fields_excluded = {"csrfmiddlewaretoken", "save_draft"}
    # Relations read with the row (``select_related``).
    evidence_related: tuple = ()

    def get_queryset(self):
        return live_evidence(
            model=self.model, application=self.application, select_related=self.evidence_related
        )

    def draft_key(self) -> str:
        obj = getattr(self, "object", None)
        return f"{self.section}:{obj.pk if obj and obj.pk else 'new'}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            draft = draft_get(application=self.application, key=self.draft_key())
            if draft:
                kwargs["data"] = draft
                self.restored_draft = True
        return kwargs

    def post(self, request, *args, **kwargs):
        self.object = self.get_object() if self.kwargs.get("pk") else None
        if "save_draft" in request.POST or request.headers.get("HX-Request"):
            data = {
                key: values if len(values) > 1 else values[0]
                for key, values in request.POST.lists()
                if key not in self.draft_fields_excluded
            }
            draft_save(application=self.application, key=self.draft_key(), data=data)
            if request.headers.get("HX-Request"):
                return HttpResponse(_("Draft saved."), content_type="text/plain")
            messages.info(request, _("Your draft is saved. Finish it whenever you are ready."))
            return HttpResponseRedirect(self.section_url())
        return super().post(request, *args, **kwargs)

    def save_evidence(self, form):
        return evidence_save(
            application=self.application,
            instance=form.save(commit=False),
            by=self.request.user,
            save_m2m=getattr(form, "save_m2m", None),
            draft_key=self.draft_key(),
        )

    def form_valid(self, form):
        try:
            self.object = self.save_evidence(form)
        except PortfolioLocked as exc:
            raise PermissionDenied(str(exc)) from exc
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.section_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["restored_draft"] = getattr(self, "restored_draft", False)
        context["form_title"] = self.form_title
        context["cancel_url"] = self.section_url()
        return context


class AttachedDocumentMixin:
    """An evidence form with one optional file (a transcript, a certificate): the form's
    ``<document_field>_file`` is stored with the evidence in one transaction, and
    ``remove_<document_field>`` detaches it (``evidence_save_with_document``)."""

    document_field = ""
    document_kind = ""

    def save_evidence(self, form):
        return evidence_save_with_document(
            application=self.application,
            instance=form.save(commit=False),
            by=self.request.user,
            document_field=self.document_field,
            document_kind=self.document_kind,
            upload=form.cleaned_data.get(f"{self.document_field}_file"),
            remove=bool(form.cleaned_data.get(f"remove_{self.document_field}")),
            save_m2m=getattr(form, "save_m2m", None),
            draft_key=self.draft_key(),
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            form.add_error(f"{self.document_field}_file", exc)
            return self.form_invalid(form)


class EvidenceCreateView(EvidenceFormMixin, CreateView):
    pass


class EvidenceUpdateView(EvidenceFormMixin, UpdateView):
    pass


class EvidenceDeleteView(PortfolioMixin, TemplateView):
    """Asks first; deleting can be undone until the portfolio is submitted."""

    needs_edit = True
    model = None
    template_name = "portfolios/evidence_confirm_delete.html"

    def get_object(self):
        return get_object_or_404(
            live_evidence(model=self.model, application=self.application), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.get_object()
        context["cancel_url"] = self.section_url()
        return context

    def post(self, request, *args, **kwargs):
        instance = self.get_object()
        try:
            evidence_delete(application=self.application, instance=instance, by=request.user)
        except PortfolioLocked as exc:
            raise PermissionDenied(str(exc)) from exc
        messages.success(
            request, _("Deleted “%(item)s”. You can undo this below.") % {"item": instance}
        )
        return HttpResponseRedirect(self.section_url())


class EvidenceRestoreView(PortfolioMixin, TemplateView):
    needs_edit = True
    model = None
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        instance = get_object_or_404(
            deleted_evidence(model=self.model, application=self.application),
            pk=self.kwargs["pk"],
        )
        try:
            evidence_restore(application=self.application, instance=instance, by=request.user)
        except PortfolioLocked as exc:
            raise PermissionDenied(str(exc)) from exc
        messages.success(request, _("Restored “%(item)s”.") % {"item": instance})
        return HttpResponseRedirect(self.section_url())
