"""The public verification page and its look-up form (no login), and the coordinator's
revocation of an endorsement."""

import re

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from accounts.permissions import AssociationRoleRequiredMixin
from accounts.public_pages import cached_public_page
from credentials.forms import LookupForm, RevokeForm
from credentials.revocation import RevocationRefused, endorsement_revoke
from credentials.selectors import certificate_by_code, number_is_well_formed
from credentials.verification import (
    VERIFICATION_CACHE_SECONDS,
    lookup_allowed,
    verification_facts,
    verification_zone,
)
from endorsement.enums import EndorsementStatus
from endorsement.models import Endorsement

# A certificate's public code (``credentials.models.certificate_code``).
CODE = re.compile(r"^[0-9a-f]{20}$")


def certificate_check(number: str, code: str | None) -> dict | None:
    """What the page says about the certificate whose QR code was scanned (``?certificate=``):
    the current one, replaced on a date, or not one of this endorsement's; None without a
    code. Never the name it printed (a change of name is the holder's own business)."""
    if code is None:
        return None
    code = code.strip().lower()
    certificate = certificate_by_code(number=number, code=code) if CODE.fullmatch(code) else None
    if certificate is None:
        return {"state": "unknown"}
    if certificate.superseded_at is not None:
        return {"state": "superseded", "since": certificate.superseded_at}
    return {"state": "current", "since": certificate.created}


def _too_many(request):
    return render(request, "credentials/too_many.html", status=429)


def _not_found(request, number: str = "", form=None):
    form = form or LookupForm(initial={"number": number[:100]})
    return render(
        request, "credentials/not_found.html", {"form": form, "number": number}, status=404
    )


class VerifyView(View):
    """An endorsement's public facts: holder, category, association, status and dates; the
        same page for a revoked or lapsed one (with since when). An unknown or malformed number
        gets a 404 page with the look-up form. Answers may be cached for a short time, by browsers
    and proxies, and here for anonymous visitors (``accounts.public_pages``)."""

    def get(self, request, number: str):
        # Every look-up counts, the cached page's too.
        if not lookup_allowed(request):
            return _too_many(request)
        return cached_public_page(
            request, lambda: self.page(request, number), VERIFICATION_CACHE_SECONDS
        )

    def page(self, request, number: str):
        facts = verification_facts(number)
        if facts is None:
            return _not_found(request, number)
        timezone.activate(verification_zone(facts, request.user))
        response = render(
            request,
            "credentials/verify.html",
            {
                "facts": facts,
                "revoked": facts.status == EndorsementStatus.REVOKED,
                "checked": certificate_check(facts.number, request.GET.get("certificate")),
            },
        )
        # A signed-in reader's page shows their own menu: browsers may keep it, proxies not.
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, max_age=VERIFICATION_CACHE_SECONDS)
        else:
            patch_cache_control(response, public=True, max_age=VERIFICATION_CACHE_SECONDS)
        return response


class LookupView(View):
    """The look-up form: a number goes to its page; a malformed one shows the form again."""

    def get(self, request):
        if "number" not in request.GET:
            return render(request, "credentials/lookup.html", {"form": LookupForm()})
        if not lookup_allowed(request):
            return _too_many(request)
        form = LookupForm(request.GET)
        if form.is_valid():
            number = form.cleaned_data["number"].strip().upper()
            if number_is_well_formed(number):
                return HttpResponseRedirect(
                    reverse("credentials:verify", kwargs={"number": number})
                )
            form.add_error(
                "number",
                _("This is not an endorsement number. It looks like NFAIMH-IFS-2026-0001."),
            )
        return render(request, "credentials/lookup.html", {"form": form}, status=400)


class RevokeView(AssociationRoleRequiredMixin, FormView):
    """Asks first, with the reason required; the POST revokes. Only a coordinator of the
    endorsement's association (403 to anyone else)."""

    form_class = RevokeForm
    template_name = "credentials/revoke_confirm.html"
    # The gate is the permission about the endorsement, checked in ``get_association``.
    required_role = None

    def get_association(self):
        self.endorsement = get_object_or_404(
            Endorsement.objects.select_related("association", "holder", "category", "application"),
            pk=self.kwargs["pk"],
        )
        if not rules.has_perm(
            "credentials.revoke_endorsement", self.request.user, self.endorsement
        ):
            raise PermissionDenied(_("Only a coordinator of this association may do this."))
        return self.endorsement.association

    def detail_url(self) -> str:
        return reverse(
            "endorsement:detail", kwargs={"application_id": self.endorsement.application_id}
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            endorsement=self.endorsement,
            application=self.endorsement.application,
            detail_url=self.detail_url(),
            revoked=self.endorsement.status == EndorsementStatus.REVOKED,
        )
        return context

    def form_valid(self, form):
        if self.endorsement.status == EndorsementStatus.REVOKED:
            messages.info(self.request, _("This endorsement was already revoked."))
            return HttpResponseRedirect(self.detail_url())
        try:
            endorsement_revoke(
                endorsement=self.endorsement,
                by=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except RevocationRefused as exc:
            form.add_error("reason", str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Endorsement %(number)s of %(name)s is revoked; they are told by e-mail.")
            % {"number": self.endorsement.number, "name": self.endorsement.holder.get_full_name()},
        )
        return HttpResponseRedirect(self.detail_url())
