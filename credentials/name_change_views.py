"""A holder's change of name on the certificate (their request, the coordinator's decision) and
the coordinator's "Try again" for a certificate that could not be produced.

The holder reaches only their own endorsements' request page; a coordinator or admin of the
endorsement's association only that association's requests and certificates. Everyone else gets
404; anonymous visitors are sent to log in.
"""

import rules
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from accounts.permissions import AssociationRoleRequiredMixin
from accounts.time_zones import time_zone_activate
from credentials.forms import NameChangeRefuseForm, NameChangeRequestForm
from credentials.models import NameChangeRequest, NameChangeState
from credentials.name_changes import (
    NameChangeRefused,
    name_change_approve,
    name_change_pending,
    name_change_refuse,
    name_change_request,
)
from credentials.selectors import certificate_by_id
from credentials.services import RetryRefused, certificate_retry
from endorsement.models import Endorsement


def application_url(endorsement) -> str:
    return reverse("endorsement:detail", kwargs={"application_id": endorsement.application_id})


class NameChangeRequestView(LoginRequiredMixin, FormView):
    """The holder asks for their name to change on the certificate: their current name shown,
    the new one and the reason asked; once asked, the page says it is waiting."""

    form_class = NameChangeRequestForm
    template_name = "credentials/name_change_request.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.endorsement = get_object_or_404(
            Endorsement.objects.select_related("association", "category", "holder"),
            pk=kwargs["pk"],
        )
        if not rules.has_perm("credentials.request_name_change", request.user, self.endorsement):
            raise Http404
        time_zone_activate(association=self.endorsement.association)
        self.pending = name_change_pending(holder=request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            endorsement=self.endorsement,
            current_name=self.request.user.get_full_name(),
            pending=self.pending,
            dashboard_url=reverse("accounts:dashboard.applicant"),
        )
        return context

    def form_valid(self, form):
        try:
            name_change_request(
                endorsement=self.endorsement,
                by=self.request.user,
                requested_name=form.cleaned_data["requested_name"],
                reason=form.cleaned_data["reason"],
            )
        except NameChangeRefused as exc:
            form.add_error(exc.field or None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your request is sent. The association's office decides; you are told by e-mail."),
        )
        return HttpResponseRedirect(reverse("accounts:dashboard.applicant"))

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class NameChangeDecideView(AssociationRoleRequiredMixin, FormView):
    """The coordinator's confirmation page: the current and the requested name and the reason;
    "Approve" reissues the certificate, "Refuse" needs a reason. A decided request shows its
    decision."""

    form_class = NameChangeRefuseForm
    template_name = "credentials/name_change_decide.html"
    required_role = None  # the gate is the permission about the request (get_association)
    hide_from_others = True

    def get_association(self):
        self.change = get_object_or_404(
            NameChangeRequest.objects.select_related(
                "holder",
                "decided_by",
                "endorsement__association",
                "endorsement__category",
                "endorsement__application",
            ),
            pk=self.kwargs["pk"],
        )
        if not rules.has_perm("credentials.decide_name_change", self.request.user, self.change):
            raise Http404
        return self.change.endorsement.association

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            change=self.change,
            endorsement=self.change.endorsement,
            pending=self.change.state == NameChangeState.PENDING,
            detail_url=application_url(self.change.endorsement),
        )
        return context

    def post(self, request, *args, **kwargs):
        decision = request.POST.get("decision")
        if decision not in ("approve", "refuse"):
            return HttpResponseBadRequest(_("Choose to approve or to refuse."))
        detail_url = application_url(self.change.endorsement)
        if self.change.state != NameChangeState.PENDING:
            messages.info(request, _("This request was already decided."))
            return HttpResponseRedirect(detail_url)
        if decision == "approve":
            name_change_approve(request=self.change, by=request.user)
            messages.success(
                request,
                _("%(name)s is the holder's name now; the new certificate is being produced.")
                % {"name": self.change.requested_name},
            )
            return HttpResponseRedirect(detail_url)
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            name_change_refuse(
                request=self.change, by=request.user, reason=form.cleaned_data["reason"]
            )
        except NameChangeRefused as exc:
            form.add_error("reason", str(exc))
            return self.form_invalid(form)
        messages.success(request, _("The request is refused; the holder is told by e-mail."))
        return HttpResponseRedirect(detail_url)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class CertificateRetryView(LoginRequiredMixin, View):
    """POST: produce a failed certificate again (a coordinator or admin of its association;
    404 to everyone else, whatever the method)."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.certificate = certificate_by_id(kwargs["pk"])
        if self.certificate is None or not rules.has_perm(
            "credentials.retry_certificate", request.user, self.certificate
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk: int):
        certificate = self.certificate
        try:
            certificate_retry(certificate=certificate)
        except RetryRefused:
            messages.info(request, _("This certificate did not fail: there is nothing to retry."))
        else:
            messages.success(request, _("The certificate is being produced again."))
        return HttpResponseRedirect(application_url(certificate.endorsement))
