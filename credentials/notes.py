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


@register_note("name_change_approved")
def _name_change_approved(values: dict) -> str:
    """values: number. The names stay out of the timeline (the request keeps them)."""
    return _("Change of name approved; the certificate of %(number)s is reissued.") % {
        "number": values["number"]
    }


@register_note("name_change_refused")
def _name_change_refused(values: dict) -> str:
    """values: number, reason (as the coordinator wrote it)."""
    return _("Change of name on the certificate of %(number)s refused: %(reason)s") % {
        "number": values["number"],
        "reason": values["reason"],
    }
