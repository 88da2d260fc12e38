"""What every PDF of the portal shares (the certificate, invoices and receipts): WeasyPrint
fetches nothing from the network and no file of the machine. ``StaticOnlyFetcher`` serves only
the portal's own static files (``/static/…`` under ``SITE_URL``, found by the static-files
finders or in ``STATIC_ROOT``) and ``data:`` URLs (the association's logo, read from the storage
and embedded: ``logo_data_url``); every other address is refused.

Each thread renders with one shared ``FontConfiguration`` (``font_configuration``): the fonts
are found once, and renders stay flat in memory. A new one per document (WeasyPrint's default)
costs about a third more time and grows the process by about 0.25 MB with every PDF
(WeasyPrint 70: its Pango font map is not given back), which a worker rendering hundreds would
feel (``bench/certificates.py`` shows both).
"""

import base64
import mimetypes
import posixpath
import re
import threading
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The logo is embedded only when it is a small PNG or JPEG file of the storage.
LOGO_MAX_BYTES = 1024 * 1024
_LOGO_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


class FetchRefused(ValueError):
    """An address the certificate may not load."""


def static_prefix() -> str:
    return settings.SITE_URL.rstrip("/") + "/" + settings.STATIC_URL.strip("/") + "/"


def static_file_path(relative: str) -> str | None:
    """The file of a static path (``credentials/certificate.css``), or None."""
    relative = posixpath.normpath(unquote(relative)).lstrip("/")
    if not relative or relative.startswith("..") or "\x00" in relative:
        return None
    try:
        found = finders.find(relative)
        if found:
            return found
        if settings.STATIC_ROOT:
            candidate = safe_join(settings.STATIC_ROOT, relative)
            with open(candidate, "rb"):
                return candidate
    except (SuspiciousFileOperation, OSError, ValueError):
        return None
    return None


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher limited to the portal's static files and ``data:`` URLs."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, **kwargs)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        prefix = static_prefix()
        parts = urlsplit(url)
        if not url.startswith(prefix) or parts.query or parts.fragment:
            raise FetchRefused(f"Not one of the portal's static files: {url}")
        path = static_file_path(url[len(prefix) :])
        if path is None:
            raise FetchRefused(f"No such static file: {url}")
        with open(path, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def logo_data_url(association) -> str:
    """The association's logo as a ``data:`` URL when it is a small PNG or JPEG in the
    storage; "" otherwise (the certificate then shows the name alone)."""
    logo = association.logo
    if not logo:
        return ""
    try:
        with logo.open("rb") as handle:
            content = handle.read(LOGO_MAX_BYTES + 1)
    except (OSError, ValueError):
        return ""
    if len(content) > LOGO_MAX_BYTES:
        return ""
    for signature, content_type in _LOGO_SIGNATURES:
        if content.startswith(signature):
            return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"
    return ""


def brand_colour(association) -> str:
    colour = association.brand_colour or ""
    return colour if re.fullmatch(r"#[0-9a-fA-F]{6}", colour) else "#1f5f8b"


_fonts = threading.local()


def font_configuration() -> FontConfiguration:
    """This thread's FontConfiguration, made on its first render (Pango's font maps are not
    shared between threads)."""
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config
