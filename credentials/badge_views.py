"""Open Badges 3.0 pages: the issuer profile, its JWKS and its status lists (public, no login,
cacheable briefly); the holder's credential download (the holder, their association's
coordinators and admins; 404 to anyone else, log-in for anonymous visitors); the public "Check a
digital badge" form."""

import json
import logging

import rules
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views import View

from accounts.models import Association
from credentials.badge_check import badge_check
from credentials.badges import (
    ISSUER_CACHE_SECONDS,
    MEDIA_TYPE,
    STATUS_LIST_CACHE_SECONDS,
    STATUS_PURPOSES,
    StatusListFull,
    endorsement_credential,
    issuer_profile,
    status_list_credential,
)
from credentials.forms import BadgeCheckForm
from credentials.keys import KeyUnavailable, jwks
from credentials.verification import lookup_allowed
from credentials.views import _secure
from endorsement.models import Endorsement

logger = logging.getLogger(__name__)


def _public(response: HttpResponse, seconds: int) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=seconds)
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _association(slug: str) -> Association:
    return get_object_or_404(Association, slug=slug)


class IssuerView(View):
    """The association as an Open Badges issuer ``Profile`` (JSON), linking its JWKS."""

    http_method_names = ["get", "head"]

    def get(self, request, slug: str):
        profile = issuer_profile(_association(slug))
        return _public(JsonResponse(profile, json_dumps_params={"indent": 2}), ISSUER_CACHE_SECONDS)


class JwksView(View):
    """The association's public keys (JWK Set), retired ones included."""

    http_method_names = ["get", "head"]

    def get(self, request, slug: str):
        keys = jwks(_association(slug))
        response = JsonResponse(keys, json_dumps_params={"indent": 2})
        response["Content-Type"] = "application/jwk-set+json"
        return _public(response, ISSUER_CACHE_SECONDS)


class StatusListView(View):
    """A BitstringStatusListCredential (VC-JWT) of the association: ``revocation`` or
    ``suspension`` (lapsed endorsements). 404 when the association has no signing key."""

    http_method_names = ["get", "head"]

    def get(self, request, slug: str, purpose: str):
        if purpose not in STATUS_PURPOSES:
            raise Http404
        association = _association(slug)
        try:
            token = status_list_credential(association, purpose)
        except KeyUnavailable as exc:
            logger.warning("Status list of %s: %s", association.slug, exc)
            raise Http404 from exc
        return _public(HttpResponse(token, content_type=MEDIA_TYPE), STATUS_LIST_CACHE_SECONDS)


class BadgeMixin(LoginRequiredMixin):
    """The endorsement whose credential is asked for, if the person may have it (else 404)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        endorsement = (
            Endorsement.objects.select_related("association", "holder", "category__framework")
            .filter(pk=kwargs["pk"])
            .first()
        )
        if endorsement is None or not rules.has_perm(
            "credentials.download_badge", request.user, endorsement
        ):
            raise Http404
        try:
            self.signed = endorsement_credential(endorsement)
        except (KeyUnavailable, StatusListFull) as exc:
            logger.warning("Badge of %s: %s", endorsement.number, exc or type(exc).__name__)
            raise Http404 from exc
        self.endorsement = endorsement
        return super().dispatch(request, *args, **kwargs)


class BadgeDownloadView(BadgeMixin, View):
    """The credential as a VC-JWT file, signed now (the holder's current name and status)."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        response = HttpResponse(self.signed.token, content_type=MEDIA_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="{self.endorsement.number}-badge.jwt"'
        )
        return _secure(response)


class BadgeJsonView(BadgeMixin, View):
    """The same credential's content as readable JSON (unsigned: the .jwt is the badge)."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            json.dumps(self.signed.credential, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        return _secure(response)


class BadgeCheckView(View):
    """Paste a badge (the text of a .jwt file): is it signed by an association of the portal,
    and what is the endorsement's status now? Rate-limited like the look-ups."""

    template_name = "credentials/badge_check.html"

    def get(self, request):
        return render(request, self.template_name, {"form": BadgeCheckForm()})

    def post(self, request):
        if not lookup_allowed(request):
            return render(request, "credentials/too_many.html", status=429)
        form = BadgeCheckForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        result = badge_check(form.cleaned_data["badge"])
        return render(
            request,
            self.template_name,
            {"form": form, "result": result},
            status=200 if result.valid else 400,
        )
