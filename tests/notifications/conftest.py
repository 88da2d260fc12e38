import socket

import pytest


class Handler:
    """An SMTP server's answers: what arrived, and the replies to give first (``refuse``:
    a list of (stage, reply), stage "RCPT" or "DATA", each used once, in order)."""

    def __init__(self):
        self.received: list[bytes] = []
        self.refuse: list[tuple[str, str]] = []

    def _refusal(self, stage: str) -> str | None:
        if self.refuse and self.refuse[0][0] == stage:
            return self.refuse.pop(0)[1]
        return None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = self._refusal("RCPT")
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        refusal = self._refusal("DATA")
        if refusal:
            return refusal
        self.received.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on the loopback (aiosmtpd), with Django's SMTP backend pointed at it."""
    from aiosmtpd.controller import Controller

    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield handler
    finally:
        controller.stop()
