"""Response headers the application sends itself (not only nginx): Permissions-Policy here;
Content-Security-Policy comes from django-csp and HSTS from Django's SecurityMiddleware."""

import base64
import hashlib
import re
from pathlib import Path

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Turns off the browser features the portal never uses (camera, microphone, geolocation,
    payment request…) on every response that does not set its own policy, so a script that got
    in somehow, or a page that embeds ours, cannot ask for them in the portal's name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def inline_style_hash(template: Path) -> str:
    """The CSP source ('sha256-…') that allows the one <style> element of a page rendered
    without a request, hence without a nonce: the 500 page, which must stand alone."""
    [css] = re.findall(r"<style>(.*?)</style>", template.read_text(), re.S)
    digest = hashlib.sha256(css.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"
