"""The audit log's action keys. Steps of the state machines are recorded as
``application.<transition>``, ``endorsement.<transition>`` and ``billing.<billing action>``;
the fixed keys are below. The page's filter offers these groups (a key's first part)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

LOGIN = "login"
LOGIN_FAILED = "login.failed"
LOGOUT = "logout"
PERMISSION_DENIED = "permission.denied"  # a 403
PERMISSION_HIDDEN = "permission.hidden"  # a refusal answered with 404
DOCUMENT_DOWNLOAD = "document.download"
CERTIFICATE_DOWNLOAD = "certificate.download"
MEMBERSHIP_PROOF_DOWNLOAD = "membership_proof.download"
ADMIN_ADD = "admin.add"
ADMIN_CHANGE = "admin.change"
ADMIN_DELETE = "admin.delete"
ADD_ON_APPROVE = "add_on.approve"
ADD_ON_REFUSE = "add_on.refuse"
MEMBERSHIP_PROOF_CONFIRM = "membership_proof.confirm"
MEMBERSHIP_PROOF_REFUSE = "membership_proof.refuse"
NAME_CHANGE_APPROVE = "name_change.approve"
NAME_CHANGE_REFUSE = "name_change.refuse"
# Data rights (``rights``): a person downloads all their data; an admin erases an applicant.
DATA_EXPORT = "data.export"
DATA_ERASE = "data.erase"
# Changes to an association's staff on the People page: ``staff.<StaffChangeAction>``.


class ActionGroup(models.TextChoices):
    """What the page's "what" filter offers: the first part of the action key."""

    LOGIN = "login", _("Log-ins")
    PERMISSION = "permission", _("Refused access")
    DOWNLOAD = "download", _("Downloads")
    APPLICATION = "application", _("Application steps")
    ENDORSEMENT = "endorsement", _("Endorsement steps")
    BILLING = "billing", _("Billing")
    DECISION = "decision", _("Other decisions")
    STAFF = "staff", _("Staff and roles")
    ADMIN = "admin", _("Admin site changes")


# The action keys (or their prefixes, ending with ".") each group covers.
GROUP_PREFIXES = {
    ActionGroup.LOGIN: (LOGIN, LOGIN_FAILED, LOGOUT),
    ActionGroup.PERMISSION: ("permission.",),
    ActionGroup.DOWNLOAD: (
        DOCUMENT_DOWNLOAD,
        CERTIFICATE_DOWNLOAD,
        MEMBERSHIP_PROOF_DOWNLOAD,
        DATA_EXPORT,
    ),
    ActionGroup.APPLICATION: ("application.",),
    ActionGroup.ENDORSEMENT: ("endorsement.",),
    ActionGroup.BILLING: ("billing.",),
    ActionGroup.DECISION: (
        ADD_ON_APPROVE,
        ADD_ON_REFUSE,
        MEMBERSHIP_PROOF_CONFIRM,
        MEMBERSHIP_PROOF_REFUSE,
        NAME_CHANGE_APPROVE,
        NAME_CHANGE_REFUSE,
        DATA_ERASE,
    ),
    ActionGroup.STAFF: ("staff.",),
    ActionGroup.ADMIN: ("admin.",),
}
