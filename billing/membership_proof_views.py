"""Membership of another association, accepted with proof: the person's page (send a proof,
see the ones sent), the proof's page (the coordinator confirms or refuses it) and its file.

The person reaches only their own proofs, a coordinator only their association's; everyone
else gets 404, whatever the method; anonymous visitors are sent to log in.
"""

import logging

import rules
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from accounts.models import MembershipProof
from accounts.permissions import RefusedHidden
from accounts.selectors import listed_associations
from accounts.time_zones import time_zone_activate
from audit.enums import MEMBERSHIP_PROOF_DOWNLOAD
from audit.services import audit_record
from billing.membership_proofs import (
    ProofRefused,
    membership_proof_confirm,
    membership_proof_refuse,
    membership_proof_submit,
    membership_proof_waiting,
    membership_proofs_of,
)
from portfolios.documents import document_clean, document_form_field

logger = logging.getLogger(__name__)


class MembershipProofForm(forms.Form):
    other_association = forms.CharField(
        label=gettext_lazy("The association for infant mental health you are a member of"),
        max_length=200,
    )
    member_number = forms.CharField(
        label=gettext_lazy("Your member number there"), max_length=40, required=False
    )
    end = forms.DateField(
        label=gettext_lazy("Your membership there ends on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    file = document_form_field(
        required=True, label=gettext_lazy("Proof of membership (card, letter or receipt)")
    )

    def clean_file(self):
        return document_clean(self.cleaned_data.get("file"))


class MembershipProofRefuseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for refusing"),
        help_text=gettext_lazy("Required. The member reads it."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def proof_url(proof) -> str:
    return reverse("billing:membership.proof.decide", kwargs={"pk": proof.pk})


class MembershipProofView(LoginRequiredMixin, FormView):
    """The person sends proof of membership of another association (one waits at a time) and
    sees the ones they sent to this association, with the decisions."""

    form_class = MembershipProofForm
    template_name = "billing/membership_proof.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.association = get_object_or_404(listed_associations(), slug=kwargs["slug"])
        time_zone_activate(association=self.association)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            association=self.association,
            proofs=membership_proofs_of(user=self.request.user, association=self.association),
            waiting=membership_proof_waiting(user=self.request.user, association=self.association),
            membership_url=reverse("billing:membership", kwargs={"slug": self.association.slug}),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            membership_proof_submit(
                user=self.request.user,
                association=self.association,
                other_association=data["other_association"],
                member_number=data["member_number"],
                end=data["end"],
                uploaded_file=data["file"],
            )
        except ProofRefused as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_error("file", exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Your proof is sent; the association's coordinator checks it.")
        )
        return HttpResponseRedirect(self.request.path)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ProofMixin(LoginRequiredMixin):
    permission = "billing.view_membership_proof"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.proof = get_object_or_404(
            MembershipProof.objects.select_related("association", "user", "decided_by"),
            pk=kwargs["pk"],
        )
        if not rules.has_perm(self.permission, request.user, self.proof):
            raise RefusedHidden(association_id=self.proof.association_id)
        time_zone_activate(association=self.proof.association)
        return super().dispatch(request, *args, **kwargs)


class MembershipProofDecideView(ProofMixin, FormView):
    """The proof: who sent it, the other association, the member number and end date, the
    file; a coordinator of the association confirms it or refuses it with a reason."""

    form_class = MembershipProofRefuseForm
    template_name = "billing/membership_proof_decide.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            proof=self.proof,
            association=self.proof.association,
            waiting=self.proof.state == "pending",
            may_decide=rules.has_perm(
                "billing.decide_membership_proof", self.request.user, self.proof
            ),
            file_url=reverse("billing:membership.proof.file", kwargs={"pk": self.proof.pk}),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not rules.has_perm("billing.decide_membership_proof", request.user, self.proof):
            raise PermissionDenied(
                _("Only a coordinator of this association may decide on this proof.")
            )
        decision = request.POST.get("decision")
        if decision not in ("confirm", "refuse"):
            return HttpResponseBadRequest(_("Choose to confirm or to refuse."))
        if self.proof.state != "pending":
            messages.info(request, _("This proof was already decided."))
            return HttpResponseRedirect(proof_url(self.proof))
        if decision == "confirm":
            membership_proof_confirm(proof=self.proof, by=request.user)
            messages.success(
                request,
                _("Confirmed: %(name)s counts as a member until %(date)s.")
                % {
                    "name": self.proof.user.get_full_name(),
                    "date": self.proof.end.isoformat(),
                },
            )
            return HttpResponseRedirect(proof_url(self.proof))
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            membership_proof_refuse(
                proof=self.proof, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ProofRefused as exc:
            form.add_error("reason", str(exc))
            return self.form_invalid(form)
        messages.success(request, _("The proof is refused; the member reads your reason."))
        return HttpResponseRedirect(proof_url(self.proof))

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class MembershipProofFileView(ProofMixin, View):
    """The proof's file, as an attachment with its original name (never rendered)."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        proof = self.proof
        audit_record(
            action=MEMBERSHIP_PROOF_DOWNLOAD,
            actor=request.user,
            target=proof,
            object_label=proof.original_name,
            association_id=proof.association_id,
            details={"owner": proof.user.email},
            request=request,
        )
        try:
            handle = proof.file.open("rb")
        except FileNotFoundError as exc:
            logger.error("Membership proof %s: file %s is missing", proof.pk, proof.file.name)
            raise Http404 from exc
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=proof.original_name,
            content_type=proof.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
