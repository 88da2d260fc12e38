from django import forms
from django.utils.translation import gettext_lazy as _


class SignAgreementForm(forms.Form):
    """Type one's full name to sign the text shown above the form."""

    agreement = forms.IntegerField(widget=forms.HiddenInput)
    typed_name = forms.CharField(
        label=_("Type your full name to sign"),
        help_text=_("As it is on your account. Typing your name here is your signature."),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
