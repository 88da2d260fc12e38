from django import forms
from django.utils.translation import gettext_lazy as _


class ReturnRegistrationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning it"),
        help_text=_("Required. The applicant reads it in the e-mail and on their dashboard."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- Workflow steps on the coordinator's application page and the applicant's timeline ---


class StepNoteForm(forms.Form):
    """A step with an optional note the coordinator may keep to the coordinators."""

    note = forms.CharField(
        label=_("Note"),
        help_text=_("Optional. The applicant reads it, unless you keep it private."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    private = forms.BooleanField(
        label=_("Private note: only coordinators see it"),
        required=False,
    )


class DenyForm(forms.Form):
    note = forms.CharField(
        label=_("Reasons for the denial"),
        help_text=_("Required. The applicant reads them in the e-mail and on their timeline."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Reason (optional)"),
        help_text=_("The coordinator reads it."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
