"""Emeritus status: the holder's request page and the coordinator's decision page.

The holder reaches only their own endorsements' request page; a coordinator of the
endorsement's association only that association's requests. Everyone else gets 404, whatever
the method; anonymous visitors are sent to log in.
"""

import rules
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView

from accounts.permissions import AssociationRoleRequiredMixin
from accounts.time_zones import time_zone_activate
from endorsement.emeritus import (
    RETIRABLE,
    EmeritusRefused,
    emeritus_approve,
    emeritus_pending,
    emeritus_refuse,
    emeritus_request,
)
from endorsement.enums import EmeritusState
from endorsement.forms import EmeritusRefuseForm, EmeritusRequestForm
from endorsement.lifecycle import EndorsementTransitionRefused
from endorsement.models import EmeritusRequest, Endorsement


def application_url(endorsement) -> str:
    return reverse("endorsement:detail", kwargs={"application_id": endorsement.application_id})


class FormStatus400Mixin:
    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class EmeritusRequestView(LoginRequiredMixin, FormStatus400Mixin, FormView):
    """The holder asks for emeritus status on one endorsement, with an optional note; once
    asked, the page says it is waiting."""

    form_class = EmeritusRequestForm
    template_name = "endorsement/emeritus_request.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.endorsement = get_object_or_404(
            Endorsement.objects.select_related("association", "category"), pk=kwargs["pk"]
        )
        if not rules.has_perm("endorsement.request_emeritus", request.user, self.endorsement):
            raise Http404
        time_zone_activate(association=self.endorsement.association)
        self.pending = emeritus_pending(endorsement=self.endorsement)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            endorsement=self.endorsement,
            pending=self.pending,
            retirable=self.endorsement.status in RETIRABLE,
            dashboard_url=reverse("accounts:dashboard.applicant"),
        )
        return context

    def form_valid(self, form):
        try:
            emeritus_request(
                endorsement=self.endorsement, by=self.request.user, note=form.cleaned_data["note"]
            )
        except EmeritusRefused as exc:
            form.add_error(exc.field or None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your request is sent. The coordinator decides; you are told by e-mail."),
        )
        return HttpResponseRedirect(reverse("accounts:dashboard.applicant"))


class EmeritusDecideView(FormStatus400Mixin, AssociationRoleRequiredMixin, FormView):
    """The coordinator's page of a request: the holder, the endorsement and the note;
    "Approve" makes the endorsement emeritus, "Refuse" needs a reason. A decided request shows
    its decision."""

    form_class = EmeritusRefuseForm
    template_name = "endorsement/emeritus_decide.html"
    required_role = None  # the gate is the permission about the request (get_association)
    hide_from_others = True

    def get_association(self):
        self.emeritus = get_object_or_404(
            EmeritusRequest.objects.select_related(
                "holder", "decided_by", "endorsement__association", "endorsement__category"
            ),
            pk=self.kwargs["pk"],
        )
        if not rules.has_perm("endorsement.decide_emeritus", self.request.user, self.emeritus):
            raise Http404
        return self.emeritus.endorsement.association

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            emeritus=self.emeritus,
            endorsement=self.emeritus.endorsement,
            pending=self.emeritus.state == EmeritusState.PENDING,
            detail_url=application_url(self.emeritus.endorsement),
        )
        return context

    def post(self, request, *args, **kwargs):
        decision = request.POST.get("decision")
        if decision not in ("approve", "refuse"):
            return HttpResponseBadRequest(_("Choose to approve or to refuse."))
        detail_url = application_url(self.emeritus.endorsement)
        if self.emeritus.state != EmeritusState.PENDING:
            messages.info(request, _("This request was already decided."))
            return HttpResponseRedirect(detail_url)
        if decision == "approve":
            try:
                emeritus_approve(request=self.emeritus, by=request.user)
            except EndorsementTransitionRefused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, _("The endorsement is emeritus now; the holder is told by e-mail.")
                )
            return HttpResponseRedirect(detail_url)
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            emeritus_refuse(
                request=self.emeritus, by=request.user, reason=form.cleaned_data["reason"]
            )
        except EmeritusRefused as exc:
            form.add_error("reason", str(exc))
            return self.form_invalid(form)
        messages.success(request, _("The request is refused; the holder is told by e-mail."))
        return HttpResponseRedirect(detail_url)
