"""Add-on designations: the holder's application (the add-on's requirements as a checklist,
the evidence, a document), the application's page (the holder and the association's
coordinators; the coordinators approve or refuse there) and its document.

The holder reaches only their own endorsements' pages; a coordinator only their association's.
Everyone else gets 404; anonymous visitors are sent to log in.
"""

from dataclasses import dataclass

import rules
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.permissions import RefusedHidden
from accounts.time_zones import time_zone_activate
from endorsement.addons import (
    AddOnRefused,
    add_on_check,
    add_on_decide,
    add_on_refusals,
    add_on_requirements,
)
from endorsement.models import AddOn, Endorsement, EndorsementAddOn
from portfolios.add_ons import add_on_apply_with_document
from portfolios.forms.addons import AddOnApplyForm, AddOnRefuseForm
from portfolios.views.documents import document_response


def add_on_url(holding) -> str:
    return reverse("portfolios:addon.detail", kwargs={"pk": holding.pk})


@dataclass(frozen=True)
class ChecklistItem:
    """A row of the ``checklist`` component."""

    met: bool
    detail: str
    section: str
    required: bool = True
    missing: bool = False


def checklist_items(lines) -> list[ChecklistItem]:
    return [
        ChecklistItem(met=line.met, detail=f"{line.label}: {line.detail}", section=line.key)
        for line in lines
    ]


class AddOnApplyView(LoginRequiredMixin, View):
    """The holder's page for one add-on on one endorsement: what it is, its requirements as a
    checklist, the evidence form. Refused (400, the sentences above the form) when the
    endorsement does not qualify or a requirement is not met."""

    template_name = "portfolios/addons/apply.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.endorsement = get_object_or_404(
            Endorsement.objects.select_related("association", "category", "holder", "application"),
            pk=kwargs["pk"],
        )
        if not rules.has_perm("endorsement.apply_add_on", request.user, self.endorsement):
            raise Http404
        self.add_on = get_object_or_404(
            AddOn.objects.filter(association_id=self.endorsement.association_id),
            code=kwargs["code"],
        )
        time_zone_activate(association=self.endorsement.association)
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, form, *, refusals=(), status=200):
        return render(
            self.request,
            self.template_name,
            {
                "endorsement": self.endorsement,
                "add_on": self.add_on,
                "requirements": add_on_requirements(self.add_on),
                "blocked": add_on_refusals(endorsement=self.endorsement, add_on=self.add_on),
                "refusals": refusals,
                "form": form,
                "dashboard_url": reverse("accounts:dashboard.applicant"),
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        return self.render_page(AddOnApplyForm(add_on=self.add_on))

    def post(self, request, *args, **kwargs):
        form = AddOnApplyForm(request.POST, request.FILES, add_on=self.add_on)
        if not form.is_valid():
            return self.render_page(form, status=400)
        data = form.cleaned_data
        try:
            holding = add_on_apply_with_document(
                endorsement=self.endorsement,
                add_on=self.add_on,
                by=request.user,
                rsc_provided_hours=data.get("rsc_provided_hours"),
                rsc_training_hours=data.get("rsc_training_hours"),
                attested=bool(data.get("attest")),
                evidence_note=data.get("evidence_note", ""),
                upload=data.get("document"),
            )
        except AddOnRefused as exc:
            return self.render_page(form, refusals=[str(exc)], status=400)
        except ValidationError as exc:
            form.add_error("document" if "document" in form.fields else None, exc)
            return self.render_page(form, status=400)
        messages.success(
            request,
            _("Your application for the %(add_on)s is sent: the coordinator decides.")
            % {"add_on": self.add_on.display_name},
        )
        return HttpResponseRedirect(add_on_url(holding))


class AddOnHoldingMixin(LoginRequiredMixin):
    """Loads the application for an add-on named in the URL; 404 to anyone but its holder and
    the coordinators of its association."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.holding = get_object_or_404(
            EndorsementAddOn.objects.select_related(
                "add_on",
                "decided_by",
                "endorsement__association",
                "endorsement__category",
                "endorsement__holder",
            ),
            pk=kwargs["pk"],
        )
        if not rules.has_perm("endorsement.view_add_on", request.user, self.holding):
            raise RefusedHidden(association_id=self.holding.endorsement.association_id)
        time_zone_activate(association=self.holding.endorsement.association)
        return super().dispatch(request, *args, **kwargs)


class AddOnDetailView(AddOnHoldingMixin, View):
    """The application's state, evidence and checklist; for a coordinator while it waits, the
    "Approve" and "Refuse" (with a reason) forms, which post here."""

    template_name = "portfolios/addons/detail.html"

    def render_page(self, *, refuse_form=None, error="", status=200):
        holding = self.holding
        user = self.request.user
        can_decide = rules.has_perm("endorsement.decide_add_on", user, holding)
        documents = list(holding.documents.all())
        lines = add_on_check(
            add_on=holding.add_on,
            rsc_provided_hours=holding.rsc_provided_hours,
            rsc_training_hours=holding.rsc_training_hours,
            has_document=bool(documents),
            attested=holding.attested_at is not None,
        )
        return render(
            self.request,
            self.template_name,
            {
                "holding": holding,
                "endorsement": holding.endorsement,
                "add_on": holding.add_on,
                "checklist": checklist_items(lines),
                "documents": documents,
                "is_holder": holding.endorsement.holder_id == user.pk,
                "can_decide": can_decide and holding.state == "applied",
                "refuse_form": refuse_form or AddOnRefuseForm(),
                "error": error,
                "dashboard_url": reverse("accounts:dashboard"),
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        return self.render_page()

    def post(self, request, *args, **kwargs):
        if not rules.has_perm("endorsement.decide_add_on", request.user, self.holding):
            raise PermissionDenied(_("Only a coordinator of this association may decide."))
        decision = request.POST.get("decision")
        if decision not in ("approve", "refuse"):
            return HttpResponseBadRequest()
        form = AddOnRefuseForm(request.POST if decision == "refuse" else None)
        if decision == "refuse" and not form.is_valid():
            return self.render_page(refuse_form=form, status=400)
        note = form.cleaned_data["reason"] if decision == "refuse" else ""
        try:
            add_on_decide(
                holding=self.holding, by=request.user, approve=decision == "approve", note=note
            )
        except AddOnRefused as exc:
            return self.render_page(error=str(exc), status=400)
        name = self.holding.endorsement.holder.get_full_name()
        if decision == "approve":
            messages.success(request, _("The add-on of %(name)s is approved.") % {"name": name})
        else:
            messages.success(request, _("The add-on of %(name)s is refused.") % {"name": name})
        return HttpResponseRedirect(add_on_url(self.holding))


class AddOnDocumentView(AddOnHoldingMixin, View):
    """A document of the application, to its holder and the coordinators only."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        document = get_object_or_404(self.holding.documents.all(), pk=kwargs["document_pk"])
        return document_response(document, request=request)
