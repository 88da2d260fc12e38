"""Portfolio section: the Code of Ethics and the Endorsement Agreement, read and signed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.rate_limits import client_address
from portfolios.agreements import (
    SignatureRefused,
    agreement_sign,
    agreement_statuses,
    agreement_text_of_version,
)
from portfolios.forms.agreements import SignAgreementForm
from portfolios.permissions import PortfolioMixin
from portfolios.services import PortfolioLocked


class AgreementsView(PortfolioMixin, TemplateView):
    """Both texts in force, what is signed, and a form to sign each (POST needs an editable
    portfolio: its owner gets 403 once it is submitted, anyone else 404)."""

    section = "agreements"
    template_name = "portfolios/agreements/agreements.html"

    def dispatch(self, request, *args, **kwargs):
        self.needs_edit = request.method == "POST"
        return super().dispatch(request, *args, **kwargs)

    def statuses(self):
        if not hasattr(self, "_statuses"):
            language = (get_language() or "en").split("-")[0]
            self._statuses = agreement_statuses(application=self.application, language=language)
        return self._statuses

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        forms = kwargs.pop("forms", {})
        for status in self.statuses():
            if status.text is not None and not status.is_signed:
                status.form = forms.get(status.kind) or SignAgreementForm(
                    prefix=status.kind,
                    initial={"agreement": status.text.pk},
                    application=self.application,
                )
        context["statuses"] = self.statuses()
        return context

    def post(self, request, *args, **kwargs):
        kind = request.POST.get("kind", "")
        status = next((s for s in self.statuses() if s.kind == kind), None)
        if status is None or status.text is None:
            messages.error(request, _("There is no such text to sign."))
            return HttpResponseRedirect(self.page_url())
        form = SignAgreementForm(request.POST, prefix=kind, application=self.application)
        if form.is_valid():
            # The text the person read: the version in force, in whichever language was shown.
            agreement = agreement_text_of_version(
                current=status.text, agreement_id=form.cleaned_data["agreement"]
            )
            if agreement is None:
                form.add_error(
                    None,
                    _("The text changed while you were reading it. Read it below, then sign."),
                )
            else:
                try:
                    agreement_sign(
                        application=self.application,
                        agreement=agreement,
                        by=request.user,
                        typed_name=form.cleaned_data["typed_name"],
                        ip_address=client_address(request) or None,
                    )
                except PortfolioLocked as exc:
                    raise PermissionDenied(str(exc)) from exc
                except SignatureRefused as exc:
                    form.add_error("typed_name", str(exc))
                else:
                    messages.success(
                        request,
                        _("You signed the %(agreement)s (version %(version)s).")
                        % {"agreement": status.label, "version": agreement.version},
                    )
                    return HttpResponseRedirect(self.page_url())
        return self.render_to_response(self.get_context_data(forms={kind: form}))

    def page_url(self) -> str:
        return reverse("portfolios:agreements", kwargs={"application_id": self.application.pk})
