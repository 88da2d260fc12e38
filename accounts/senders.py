"""Who e-mails come from: ``DEFAULT_FROM_EMAIL``'s address with a display name written in the
active language (the recipient's, while an e-mail is written), so a Spanish reader sees
"Portal del Endoso" in their inbox. The portal's e-mail door and allauth's adapter both ask here.
"""

from collections.abc import Callable
from email.utils import parseaddr

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

# The default display name; a deployment that sets another one in DEFAULT_FROM_EMAIL gets it
# translated when the catalogue has it, else as set.
PORTAL_NAME = gettext_noop("Endorsement portal")

# user -> the association they last dealt with, or None; filled by higher apps (endorsement:
# the association of their latest application).
_association_sources: list[Callable] = []


def sender_address(*, association=None) -> str:
    """``"Display name" <address>`` in the active language; about an association, its own
    sender name when it set one, else its name first ("Northfield AIMH – Portal del Endoso")."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = gettext(name or PORTAL_NAME)
    if association is not None and association.email_sender_name:
        name = association.email_sender_name
    elif association is not None:
        name = gettext("%(association)s – %(portal)s") % {
            "association": association.name,
            "portal": name,
        }
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{address}>'


def reply_address(*, association=None, default: str = "") -> str:
    """Where replies go: the association's reply-to address when it set one, else ``default``."""
    if association is not None and association.email_reply_to:
        return association.email_reply_to
    return default


def association_source(function: Callable) -> None:
    """Register where a person's association is found (a higher app knows their applications);
    asked before this app's own rows."""
    if function not in _association_sources:
        _association_sources.append(function)


def user_association(user):
    """The association a person's own account e-mails (allauth's: a password reset, an address
    to confirm) come from, so they recognise the sender: the one a registered source names (the
    association of their latest application), else that of their latest membership, else of
    their latest staff role; None for someone with none of these (the portal's own sender)."""
    if user is None or user.pk is None:
        return None
    for source in _association_sources:
        association = source(user)
        if association is not None:
            return association
    from accounts.models import Membership, RoleGrant

    latest = (
        Membership.objects.filter(user=user).select_related("association").order_by("-start", "-pk")
    ).first() or RoleGrant.objects.filter(user=user).select_related("association").order_by(
        "-pk"
    ).first()
    return latest.association if latest is not None else None
