from django import forms
from django.utils.translation import gettext_lazy as _


def reason_field(label, help_text, *, required=True, max_length=2000, rows=4) -> forms.CharField:
    """The text box of a workflow step: the reason or note the step records (and e-mails)."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ReturnRegistrationForm(forms.Form):
    reason = reason_field(
        _("Reason for returning it"),
        _("Required. The applicant reads it in the e-mail and on their dashboard."),
    )


# --- Workflow steps on the coordinator's application page and the applicant's timeline ---


class StepNoteForm(forms.Form):
    """A step with an optional note the coordinator may keep to the coordinators."""

    note = reason_field(
        _("Note"),
        _("Optional. The applicant reads it, unless you keep it private."),
        required=False,
        rows=3,
    )
    private = forms.BooleanField(
        label=_("Private note: only coordinators see it"),
        required=False,
    )


class DenyForm(forms.Form):
    note = reason_field(
        _("Reasons for the denial"),
        _("Required. The applicant reads them in the e-mail and on their timeline."),
        max_length=4000,
    )


class WithdrawForm(forms.Form):
    note = reason_field(
        _("Reason (optional)"), _("The coordinator reads it."), required=False, rows=3
    )
