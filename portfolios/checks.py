"""System checks of the upload scanner: without DEBUG, ``manage.py migrate`` (docker-compose's
release step, which web and worker wait for) and ``check`` fail when no virus scanner is
configured, so production never stores unscanned uploads by omission. Running without one
takes an explicit ``UPLOAD_SCAN_DISABLED=1``."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def upload_scanner_configured(app_configs=None, **kwargs):
    socket_path = getattr(settings, "CLAMAV_SOCKET", "")
    disabled = getattr(settings, "UPLOAD_SCAN_DISABLED", False)
    if socket_path and disabled:
        return [
            Error(
                "CLAMAV_SOCKET and UPLOAD_SCAN_DISABLED=1 are both set: it is not clear whether "
                "uploads should be scanned.",
                hint="Unset UPLOAD_SCAN_DISABLED to scan every upload with clamd, or unset "
                "CLAMAV_SOCKET to store uploads unscanned.",
                id="portfolios.E002",
            )
        ]
    if settings.DEBUG or socket_path or disabled:
        return []
    return [
        Error(
            "No virus scanner: CLAMAV_SOCKET is not set, so uploaded documents would be stored "
            "unscanned.",
            hint="Set CLAMAV_SOCKET to clamd's unix socket or tcp://host:3310 (docker-compose: "
            "tcp://clamav:3310), or set UPLOAD_SCAN_DISABLED=1 to run without a scanner on "
            "purpose.",
            id="portfolios.E001",
        )
    ]
