"""The holder's application for an add-on designation and the coordinator's refusal."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portfolios.documents import document_clean, document_form_field

MAX_HOURS = Decimal("9999")


class AddOnApplyForm(forms.Form):
    """Only the fields the add-on's requirements ask for; an unmet requirement is refused by
    ``endorsement.addons.add_on_apply`` with a sentence, shown above the form."""

    rsc_provided_hours = forms.DecimalField(
        label=gettext_lazy("Hours of reflective supervision/consultation you provided"),
        max_digits=6,
        decimal_places=1,
        required=False,
        help_text=gettext_lazy("In total, to individuals or groups."),
    )
    rsc_training_hours = forms.DecimalField(
        label=gettext_lazy("Hours of training about providing RS/C"),
        max_digits=6,
        decimal_places=1,
        required=False,
    )
    document = document_form_field(label=gettext_lazy("Document"))
    attest = forms.BooleanField(label=gettext_lazy("I confirm this statement"), required=False)
    evidence_note = forms.CharField(
        label=gettext_lazy("Anything the coordinator should know"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, add_on, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_on = add_on
        if not add_on.min_rsc_provided_hours:
            del self.fields["rsc_provided_hours"]
        if not add_on.min_rsc_training_hours:
            del self.fields["rsc_training_hours"]
        if add_on.document_required:
            if add_on.document_note:
                self.fields["document"].label = add_on.document_note
        else:
            del self.fields["document"]
        if add_on.attestation:
            self.fields["attest"].label = add_on.attestation
        else:
            del self.fields["attest"]
        for name in ("rsc_provided_hours", "rsc_training_hours"):
            if name in self.fields:
                self.fields[name].widget.attrs.update(min="0", step="0.5")

    def _hours(self, name):
        hours = self.cleaned_data.get(name)
        if hours is not None and hours < 0:
            raise forms.ValidationError(_("Hours cannot be negative."), code="min_hours")
        if hours is not None and hours > MAX_HOURS:
            raise forms.ValidationError(
                _("Enter at most %(max)s hours.") % {"max": MAX_HOURS}, code="max_hours"
            )
        return hours

    def clean_rsc_provided_hours(self):
        return self._hours("rsc_provided_hours")

    def clean_rsc_training_hours(self):
        return self._hours("rsc_training_hours")

    def clean_document(self):
        return document_clean(self.cleaned_data.get("document"))


class AddOnRefuseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for refusing (the holder reads it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
