"""The staff e-mails (an invitation, roles given to an existing account). They leave through the
portal's one e-mail door, ``notifications.emails``, which sits above this app: when it loads it
registers these keys (default wording in ``accounts/templates/accounts/emails/``) and hands its
sender here (``door_open``), the way higher apps fill the registries of lower ones. allauth's own
e-mails (``accounts.adapters``), already rendered by allauth, are written to the outbox through
the door's ``message_queue``, handed here the same way."""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

INVITATION_VALUES = {
    "recipient": _("the name of the person invited, when the admin gave it"),
    "association": _("your association's name"),
    "roles": _("the roles given, e.g. Reviewer, Exam grader"),
    "invited_by": _("the name of the admin who sent the invitation"),
    "deadline": _("the date the link stops working"),
    "link": _("the personal link where the person sets their password"),
    "is_new_link": _("whether this link replaces an earlier one"),
}
ROLES_VALUES = {
    "recipient": _("the person's name"),
    "association": _("your association's name"),
    "roles": _("the roles given, e.g. Reviewer, Exam grader"),
    "invited_by": _("the name of the admin who gave the roles"),
    "link": _("the portal's log-in page"),
}

EMAILS = {
    "staff_invitation": _("Invited to the association's staff: set a password (to the person)"),
    "staff_roles_given": _("Roles given to someone who has an account (to the person)"),
}
VALUES = {"staff_invitation": INVITATION_VALUES, "staff_roles_given": ROLES_VALUES}
# The values that are personal links: the outbox page masks them.
SECRET = {"staff_invitation": ["link"]}
FOLDER = "accounts/emails"

_door: list[Callable] = []
_queue: list[Callable] = []


def door_open(send: Callable, queue: Callable | None = None) -> None:
    """The e-mail door's ``email_on_commit`` and the outbox's ``message_queue``, given when
    the door loads."""
    _door[:] = [send]
    if queue is not None:
        _queue[:] = [queue]


def email_on_commit(**kwargs) -> None:
    """Send through the portal's e-mail door once the current transaction commits."""
    if not _door:
        raise RuntimeError("The e-mail door (notifications.emails) has not loaded.")
    _door[0](**kwargs)


def message_on_commit(**kwargs) -> None:
    """Write an e-mail already rendered (allauth's) to the outbox; it is sent once the current
    transaction commits (``notifications.services.message_queue``)."""
    if not _queue:
        raise RuntimeError("The e-mail door (notifications.emails) has not loaded.")
    _queue[0](**kwargs)
