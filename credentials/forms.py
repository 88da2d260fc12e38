from django import forms
from django.utils.translation import gettext_lazy as _

from endorsement.forms import reason_field


class LookupForm(forms.Form):
    """The public look-up: an endorsement number (checked by the page, not here: a malformed
    number gets the same answer as an unknown one)."""

    number = forms.CharField(
        label=_("Endorsement number"),
        help_text=_("As printed on the certificate, e.g. NFAIMH-IFS-2026-0001."),
        max_length=100,
    )


class RevokeForm(forms.Form):
    reason = reason_field(
        _("Reason for the revocation"),
        _("Required. The holder reads it in the e-mail; the verification page shows it."),
        max_length=2000,
    )


class BadgeCheckForm(forms.Form):
    """The public badge check: the text of a .jwt file, pasted."""

    badge = forms.CharField(
        label=_("Digital badge"),
        help_text=_("Open the .jwt file in a text editor and paste all of its text."),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
    )


class NameChangeRequestForm(forms.Form):
    """The holder's request; the service checks the rest (unchanged name, one waiting)."""

    requested_name = forms.CharField(
        label=_("Your name as it should be printed"),
        help_text=_("Your full name, as on your identity documents."),
        max_length=200,
    )
    reason = reason_field(
        _("Why your name changes"),
        _("Required. Only the association's office reads it (e.g. marriage, a legal change)."),
        max_length=2000,
        rows=3,
    )


class NameChangeRefuseForm(forms.Form):
    reason = reason_field(
        _("Reason for the refusal"),
        _("Required. The holder reads it in the e-mail."),
        max_length=2000,
        rows=3,
    )
