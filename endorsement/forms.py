from django import forms
from django.utils.translation import gettext_lazy as _


class ReturnRegistrationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning it"),
        help_text=_("Required. The applicant reads it in the e-mail and on their dashboard."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
