"""Essential and non-essential e-mail, and the one-click unsubscribe from the second kind.

Every e-mail key is essential unless said otherwise: decisions, renewals, payments, account and
security e-mails, invitations and a rater's invitation always go out, without an unsubscribe
link. Non-essential are the keys registered so (``register_emails(non_essential=…)``, e.g. the
comment notifications) and every reminder: a key starting with ``reminder.`` is non-essential
unless its reminder kind is registered essential (``register_reminder(essential=True)`` marks
``reminder.<kind>`` essential). ``mark_essential``/``mark_non_essential`` say it for a key
and for its variants (``reminder.x`` covers ``reminder.x.coordinator``): the longest dotted
prefix of a key that was marked decides.

Every non-essential e-mail ends with a personal unsubscribe link and carries the headers
``List-Unsubscribe`` and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058),
computed from the outbox row's key and recipient. The link holds the address signed with
``django.core.signing`` (no login: raters have no account; it does not expire, so an old
e-mail's link still works). Once an address opted out (``accounts.models.EmailOptOut``), the
outbox writes its non-essential e-mail as a row "not sent: unsubscribed" that is never handed
to a worker, so the coordinator sees what the person did not receive; a row queued before the
opt-out is not sent either.

This module sits below ``notifications.services`` (which asks it while queueing and building
an e-mail); ``notifications.emails`` re-exports the registry for the apps above.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.selectors import email_opted_out

# Keys (or dotted prefixes of keys) marked essential / non-essential.
ESSENTIAL: set[str] = set()
NON_ESSENTIAL: set[str] = set()
# Keys starting with this are non-essential unless marked essential.
REMINDER_PREFIX = "reminder."

SALT = "notifications.unsubscribe"


def mark_essential(key: str) -> None:
    """``key`` (and its dotted variants) is always sent, without an unsubscribe link."""
    NON_ESSENTIAL.discard(key)
    ESSENTIAL.add(key)


def mark_non_essential(key: str) -> None:
    """``key`` (and its dotted variants) may be switched off by its recipient."""
    ESSENTIAL.discard(key)
    NON_ESSENTIAL.add(key)


def is_essential(key: str) -> bool:
    """Whether ``key`` is always sent (see the module's text); an e-mail without a key is."""
    parts = key.split(".") if key else []
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in ESSENTIAL:
            return True
        if prefix in NON_ESSENTIAL:
            return False
    return not key.startswith(REMINDER_PREFIX)


# --- the link -------------------------------------------------------------------------------------


def token_for(address: str) -> str:
    """The signed token of ``address`` (lower case), the credential of its unsubscribe link:
    the same for every e-mail to the address (no time stamp: it does not expire)."""
    return signing.Signer(salt=SALT).sign_object(address.strip().lower(), compress=True)


def address_of(token: str) -> str | None:
    """The address ``token`` was signed for; None for a forged or altered token."""
    try:
        address = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    return address if isinstance(address, str) and "@" in address else None


def unsubscribe_url(address: str) -> str:
    return settings.SITE_URL + reverse(
        "notifications:unsubscribe", kwargs={"token": token_for(address)}
    )


def may_skip(*, key: str, to: str) -> bool:
    """``key`` to ``to`` is not to be sent: it is non-essential and the address opted out."""
    return not is_essential(key) and email_opted_out(email=to)


def unsubscribe_headers(*, key: str, to: str) -> dict[str, str]:
    """The RFC 8058 headers of a non-essential e-mail (none for an essential one)."""
    if is_essential(key):
        return {}
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(to)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
