"""Container healthcheck for the web service: GET /healthz on the local gunicorn.

Exit 0 when the portal answers 200, or 503 with only the outbox's check failing (a backlog of
e-mail is the worker's or the mail server's trouble: the web container itself is fine, and
marking it unhealthy would only stop a deployment); 1 otherwise. Sends a Host header the portal
accepts (the first of ALLOWED_HOSTS) and X-Forwarded-Proto: https, as nginx would, so neither
ALLOWED_HOSTS nor SECURE_SSL_REDIRECT turns the probe away.
"""

import http.client
import json
import os
import sys

# Checks whose failure does not make the web container unhealthy.
NOT_WEBS_OWN = {"outbox"}


def probe_host() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def web_is_healthy(status: int, body: str) -> bool:
    if status == 200:
        return True
    if status != 503:
        return False
    try:
        checks = json.loads(body)["checks"]
    except (ValueError, KeyError, TypeError):
        return False
    return all(result.get("ok") for name, result in checks.items() if name not in NOT_WEBS_OWN)


def main() -> int:
    port = int(os.environ.get("HEALTHCHECK_PORT", "8000"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            "GET", "/healthz", headers={"Host": probe_host(), "X-Forwarded-Proto": "https"}
        )
        response = conn.getresponse()
        body = response.read(4000).decode(errors="replace")
    except OSError as exc:
        print(f"healthz unreachable: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    if response.status != 200:
        print(f"healthz {response.status}: {body}", file=sys.stderr)
    return 0 if web_is_healthy(response.status, body) else 1


if __name__ == "__main__":
    sys.exit(main())
