"""The e-mails of credentials, registered with the one e-mail door
(``endorsement.emails.register_emails``) when the app loads; their default wording is in
``credentials/templates/credentials/emails/``."""

from django.utils.translation import gettext_lazy as _

from endorsement.emails import CONTEXT_HELP, register_emails

register_emails(
    folder="credentials/emails",
    emails={
        "endorsement_revoked": _("Endorsement revoked (to the holder)"),
        "name_change_approved": _("Change of name approved (to the holder)"),
        "name_change_refused": _("Change of name refused (to the holder)"),
    },
    values={
        "endorsement_revoked": {
            **CONTEXT_HELP,
            "number": _("the endorsement number"),
            "reason": _("the reason for the revocation"),
            "verify_url": _("the endorsement's public verification page"),
        },
        "name_change_approved": {
            **CONTEXT_HELP,
            "number": _("the endorsement number"),
            "name": _("the new name, as the certificate prints it"),
        },
        "name_change_refused": {
            **CONTEXT_HELP,
            "number": _("the endorsement number"),
            "name": _("the name the holder asked for"),
            "reason": _("the reason for the refusal"),
        },
    },
)
