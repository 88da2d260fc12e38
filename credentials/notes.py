"""The notes credentials writes on an application's timeline (``endorsement.notes``), shown in
the reader's language."""

from django.utils.translation import gettext as _

from endorsement.notes import register_note


@register_note("endorsement_revoked")
def _endorsement_revoked(values: dict) -> str:
    """values: number, reason (as the coordinator wrote it)."""
    return _("Endorsement %(number)s revoked: %(reason)s") % {
        "number": values["number"],
        "reason": values["reason"],
    }
