"""The renewal's forms: the portfolio's training and RS/C forms, refusing dates outside the
renewal year; the Code of Ethics signature; whether the holder provides RS/C; the
coordinator's note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portfolios.forms.rsc import RSCEntryForm
from portfolios.forms.training import TrainingForm, TrainingImportForm
from portfolios.renewals import renewal_date_refusal


class RenewalYearMixin:
    """``renewal``: the dates must fall in its year (the calendar year of ``valid_through``)."""

    date_fields: tuple = ()

    def __init__(self, *args, renewal, **kwargs):
        self.renewal = renewal
        super().__init__(*args, application=renewal.endorsement.application, **kwargs)
        year = renewal.endorsement.valid_through.year
        for name in self.date_fields:
            widget = self.fields[name].widget
            widget.attrs["min"] = f"{year}-01-01"
            if widget.attrs.get("max", "9999") > f"{year}-12-31":
                widget.attrs["max"] = f"{year}-12-31"

    def clean(self):
        cleaned = super().clean()
        for name in self.date_fields:
            day = cleaned.get(name)
            refusal = renewal_date_refusal(self.renewal.endorsement, day)
            if refusal:
                self.add_error(name, refusal)
        return cleaned


class RenewalTrainingForm(RenewalYearMixin, TrainingForm):
    date_fields = ("date",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A renewal keeps no certificate files: the hours are declared.
        self.fields.pop("certificate_file", None)
        self.fields.pop("remove_certificate", None)

    def clean_certificate_file(self):
        return None


class RenewalRSCForm(RenewalYearMixin, RSCEntryForm):
    date_fields = ("start", "end")


class RenewalImportForm(TrainingImportForm):
    def __init__(self, *args, renewal, **kwargs):
        self.renewal = renewal
        super().__init__(*args, application=renewal.endorsement.application, **kwargs)


class EthicsSignForm(forms.Form):
    typed_name = forms.CharField(
        label=_("Type your full name to sign"),
        help_text=_("Typing your name here is your signature."),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class RSCProviderForm(forms.Form):
    provides_rsc = forms.BooleanField(
        label=_("I provide reflective supervision/consultation to others"),
        help_text=_("Then at least 3 of your training hours must be about providing it."),
        required=False,
    )


class RenewalDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the holder"),
        help_text=_("Required to return the renewal: say what must change."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
