"""Moving an endorsement to another association: the holder's request page and the request's
page, where the receiving association's coordinator accepts or refuses it.

The request page is the holder's alone; the request's page is the holder's and the
coordinators' of the two associations (only the receiving one decides). Everyone else gets
404, whatever the method; anonymous visitors are sent to log in.
"""

import rules
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView

from accounts.permissions import AssociationRoleRequiredMixin
from accounts.time_zones import time_zone_activate
from endorsement.enums import TransferState
from endorsement.forms import TransferRefuseForm, TransferRequestForm
from endorsement.models import Endorsement, EndorsementTransfer
from endorsement.transfers import (
    TRANSFERABLE,
    TransferRefused,
    endorsement_transfer_accept,
    endorsement_transfer_refuse,
    endorsement_transfer_request,
    endorsement_transfer_waiting,
    transfer_destinations,
)


def transfer_url(transfer) -> str:
    return reverse("endorsement:transfer.detail", kwargs={"pk": transfer.pk})


class TransferRequestView(LoginRequiredMixin, FormView):
    """The holder asks to move their endorsement: the receiving association, when and why.
    While a request waits, the page says so and links to it."""

    form_class = TransferRequestForm
    template_name = "endorsement/transfer_request.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.endorsement = get_object_or_404(
            Endorsement.objects.select_related("association", "category", "holder"),
            pk=kwargs["pk"],
        )
        if not rules.has_perm("endorsement.request_transfer", request.user, self.endorsement):
            raise Http404
        time_zone_activate(association=self.endorsement.association)
        self.waiting = endorsement_transfer_waiting(endorsement=self.endorsement)
        self.transferable = self.endorsement.status in TRANSFERABLE
        self.destinations = (
            transfer_destinations(endorsement=self.endorsement) if self.transferable else []
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["destinations"] = self.destinations
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            endorsement=self.endorsement,
            waiting=self.waiting,
            transferable=self.transferable,
            destinations=self.destinations,
            dashboard_url=reverse("accounts:dashboard.applicant"),
        )
        return context

    def form_valid(self, form):
        try:
            transfer = endorsement_transfer_request(
                endorsement=self.endorsement,
                to_association=form.cleaned_data["to_association"],
                by=self.request.user,
                reason=form.cleaned_data["reason"],
                moving_on=form.cleaned_data["moving_on"],
            )
        except TransferRefused as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your request is sent to %(association)s; its coordinator decides.")
            % {"association": transfer.to_association.name},
        )
        return HttpResponseRedirect(transfer_url(transfer))

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class TransferDetailView(AssociationRoleRequiredMixin, FormView):
    """The request: who asks, which endorsement, to where, when and why; the receiving
    coordinator accepts it or refuses it with a reason. A decided request shows the decision
    (and, accepted, the number that continues the endorsement)."""

    form_class = TransferRefuseForm
    template_name = "endorsement/transfer_detail.html"
    required_role = None  # the gate is the permission about the request (get_association)
    hide_from_others = True

    def get_association(self):
        self.transfer = get_object_or_404(
            EndorsementTransfer.objects.select_related(
                "from_endorsement__holder",
                "from_endorsement__category",
                "from_association",
                "to_association",
                "to_endorsement",
                "decided_by",
            ),
            pk=self.kwargs["pk"],
        )
        if not rules.has_perm("endorsement.view_transfer", self.request.user, self.transfer):
            raise Http404
        self.may_decide = rules.has_perm(
            "endorsement.decide_transfer", self.request.user, self.transfer
        )
        return self.transfer.to_association

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        transfer = self.transfer
        context.update(
            transfer=transfer,
            endorsement=transfer.from_endorsement,
            waiting=transfer.state == TransferState.REQUESTED,
            may_decide=self.may_decide,
            is_holder=transfer.from_endorsement.holder_id == self.request.user.pk,
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.may_decide:
            raise PermissionDenied(
                _("Only a coordinator of the receiving association may decide on this transfer.")
            )
        decision = request.POST.get("decision")
        if decision not in ("accept", "refuse"):
            return HttpResponseBadRequest(_("Choose to accept or to refuse."))
        if self.transfer.state != TransferState.REQUESTED:
            messages.info(request, _("This transfer was already decided."))
            return HttpResponseRedirect(transfer_url(self.transfer))
        if decision == "accept":
            try:
                new = endorsement_transfer_accept(transfer=self.transfer, by=request.user)
            except TransferRefused as exc:
                messages.error(request, str(exc))
                return HttpResponseRedirect(transfer_url(self.transfer))
            messages.success(
                request,
                _("The endorsement continues here as %(number)s; its certificate is being made.")
                % {"number": new.number},
            )
            return HttpResponseRedirect(transfer_url(self.transfer))
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            endorsement_transfer_refuse(
                transfer=self.transfer, by=request.user, reason=form.cleaned_data["reason"]
            )
        except TransferRefused as exc:
            form.add_error("reason", str(exc))
            return self.form_invalid(form)
        messages.success(request, _("The transfer is refused; the holder reads your reason."))
        return HttpResponseRedirect(transfer_url(self.transfer))

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
