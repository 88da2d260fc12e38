from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from endorsement.enums import ApplicationState


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


# --- The coordinator's pipeline ---


class PipelineFilterForm(forms.Form):
    """The table's filters, read from the query string (invalid values are ignored)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Name, e-mail address or endorsement number."),
    )
    state = forms.ChoiceField(label=_("State"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    needs_reviewers = forms.BooleanField(label=_("Submitted, no reviewers yet"), required=False)
    overdue = forms.IntegerField(
        label=_("In the same state for more than (days)"),
        required=False,
        min_value=1,
        max_value=10000,
        help_text=_("Open applications only."),
    )

    def __init__(self, data, *, categories: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["state"].choices = [("", gettext("Any state")), *ApplicationState.choices]
        self.fields["category"].choices = [("", gettext("Any category")), *categories]

    def filters(self) -> dict:
        """The valid filters given; a value that does not fit is left out."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {key: value for key, value in cleaned.items() if value not in ("", None, False)}


# --- Moving an endorsement to another association ----------------------------------------------


class TransferRequestForm(forms.Form):
    """The holder's request: the receiving association (those offering the same category),
    when they move and why."""

    to_association = forms.ModelChoiceField(
        label=_("The association you are moving to"),
        queryset=None,
        empty_label=_("Choose an association"),
        help_text=_("Only associations that offer your endorsement's category are listed."),
    )
    moving_on = forms.DateField(
        label=_("When you move"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional: the day you start working in the new state."),
    )
    reason = reason_field(
        _("Why you are moving"),
        _("Required. The receiving association's coordinator reads it."),
        max_length=1000,
        rows=3,
    )

    def __init__(self, *args, destinations=(), **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import Association

        self.fields["to_association"].queryset = Association.objects.filter(
            pk__in=[association.pk for association in destinations]
        ).order_by("name")


class TransferRefuseForm(forms.Form):
    reason = reason_field(
        _("Reason for refusing"),
        _("Required. The holder reads it on their dashboard."),
        max_length=1000,
        rows=3,
    )


# --- Emeritus status (``endorsement.emeritus``) ---


class EmeritusRequestForm(forms.Form):
    note = reason_field(
        _("A note to the coordinator (optional)"),
        _("E.g. when you retired. Only the association's coordinators read it."),
        required=False,
        max_length=2000,
        rows=3,
    )


class EmeritusRefuseForm(forms.Form):
    reason = reason_field(
        _("Reason for the refusal"),
        _("Required. The holder reads it in the e-mail."),
        max_length=2000,
        rows=3,
    )


# --- The renewal desk (``endorsement.desk``) ---


class RenewalDeskFilterForm(forms.Form):
    """The desk list's filters, read from the query string (invalid values are ignored)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Name, e-mail address or endorsement number."),
    )
    group = forms.ChoiceField(label=_("Standing"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, data, *, groups: list, categories: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["group"].choices = [("", gettext("Any standing")), *groups]
        self.fields["category"].choices = [("", gettext("Any category")), *categories]

    def filters(self) -> dict:
        """The valid filters given; a value that does not fit is left out."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {key: value for key, value in cleaned.items() if value not in ("", None)}
