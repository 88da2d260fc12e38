from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    """What the award leads to: certificates, public verification, the registry, the
    verification API (issue 10)."""

    name = "credentials"
    verbose_name = _("Credentials")

    def ready(self):
        from django.db.models.signals import post_save

        from accounts import ui
        from accounts.public_pages import forget_on_changes_of, public_pages_forget
        from credentials import dashboards, emails, notes, rules  # noqa: F401
        from credentials.badges import status_list_forget_on_save
        from credentials.services import certificate_on_award, certificate_on_status_change
        from credentials.verification import (
            forget_add_on_on_save,
            forget_after_step,
            forget_on_save,
        )
        from endorsement.awards import register_on_award
        from endorsement.enums import EndorsementStatus as E
        from endorsement.lifecycle import register_on_status_change
        from endorsement.models import Endorsement, EndorsementAddOn

        # A certificate for every award, produced once the award commits.
        register_on_award(certificate_on_award)
        # And a new one for every renewal and reinstatement (the new valid-through date).
        register_on_status_change(certificate_on_status_change)
        # The endorsement statuses' badge colours (``accounts.ui``).
        ui.register_status_families(
            {
                E.ACTIVE: ui.SUCCESS,
                E.RENEWAL_DUE: ui.PROGRESS,
                E.EMERITUS: ui.SUCCESS,
                E.LAPSED: ui.ACTION,
                E.REVOKED: ui.STOPPED,
                E.SUPERSEDED: ui.CLOSED,
                E.TRANSFERRED: ui.CLOSED,
            },
            labels={status: status.label for status in E},
        )
        # Whatever changes an endorsement (revocation, lapsing, renewal), its cached public
        # facts are emptied: the page shows the change at once.
        post_save.connect(forget_on_save, sender=Endorsement, dispatch_uid="credentials.verify")
        # An add-on approved or refused changes the public facts too; when the endorsement's
        # step moved its add-ons (after the step committed), they are emptied again.
        post_save.connect(
            forget_add_on_on_save, sender=EndorsementAddOn, dispatch_uid="credentials.add_on"
        )
        register_on_status_change(forget_after_step)
        # The anonymous visitors' cached public pages (the verification page among them) too.
        forget_on_changes_of(Endorsement, EndorsementAddOn)
        register_on_status_change(public_pages_forget)
        # And its association's status lists: a revocation or lapse shows in them at once.
        post_save.connect(
            status_list_forget_on_save, sender=Endorsement, dispatch_uid="credentials.status_list"
        )
