from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from accounts.selectors import user_has_staff_role
from accounts.time_zones import reading_as


class UserLanguageMiddleware:
    """A signed-in user's preferred language wins over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class TimeZoneMiddleware:
    """Dates and times in the reader's own time zone when they chose one, else the site's (UTC)
    until the page names its association (``accounts.time_zones.time_zone_activate``); undone
    once the response is rendered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with reading_as(getattr(request, "user", None)):
            return self.get_response(request)


class RequireMFAForStaffRolesMiddleware:
    """Anyone holding a staff role must set up an authenticator app before doing anything else.

    Only the account pages (to set up MFA, log out, change password), the language switch, static
    files and the health check stay reachable until then.
    """

    allowed_prefixes = ("/accounts/", "/static/", "/healthz", "/i18n/", "/language/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.allowed_prefixes)
            and user_has_staff_role(user=user)
            and not _has_totp(request)
        ):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('mfa_activate_totp')}?{query}")
        return self.get_response(request)


SESSION_HAS_TOTP = "portal.has_totp"


def _has_totp(request) -> bool:
    """Looked up once per session; removing an authenticator clears the mark
    (accounts.signals.forget_totp_mark)."""
    if request.session.get(SESSION_HAS_TOTP):
        return True
    has_totp = user_has_totp(request.user)
    if has_totp:
        request.session[SESSION_HAS_TOTP] = True
    return has_totp


def user_has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class SignedInPagesMiddleware:
    """Every request that may write (not a GET, HEAD or OPTIONS) empties the signed-in pages'
    cache once answered (``accounts.signed_in_pages``): a ``queryset.update()`` in a view sends
    no signal, and the person who just wrote expects to see it on the next page."""

    safe_methods = ("GET", "HEAD", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in self.safe_methods:
            return self.get_response(request)
        from accounts.signed_in_pages import signed_in_pages_forget_now

        try:
            return self.get_response(request)
        finally:
            # The request's writes are committed by now (no ATOMIC_REQUESTS).
            signed_in_pages_forget_now()
