"""Who e-mails come from: ``DEFAULT_FROM_EMAIL``'s address with a display name written in the
active language (the recipient's, while an e-mail is written), so a Spanish reader sees
"Portal del Endoso" in their inbox. The portal's e-mail door and allauth's adapter both ask here.
"""

from email.utils import parseaddr

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

# The default display name; a deployment that sets another one in DEFAULT_FROM_EMAIL gets it
# translated when the catalogue has it, else as set.
PORTAL_NAME = gettext_noop("Endorsement portal")


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
