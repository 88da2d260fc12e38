from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # Non-essential e-mail to an address that unsubscribed: written, never sent.
    OPTED_OUT = "opted_out", _("Not sent: unsubscribed")
