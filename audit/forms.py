from django import forms
from django.utils.translation import gettext_lazy as _

from audit.enums import ActionGroup


class AuditSearchForm(forms.Form):
    person = forms.CharField(
        label=_("Who"), required=False, max_length=100, help_text=_("Part of an e-mail address.")
    )
    group = forms.ChoiceField(
        label=_("What"), required=False, choices=[("", _("Anything")), *ActionGroup.choices]
    )
    target = forms.CharField(
        label=_("About"),
        required=False,
        max_length=100,
        help_text=_("Part of the object's name, or its number."),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end comes before the start."))
        return cleaned

    def filters(self) -> dict:
        empty = {"person": "", "group": "", "target": "", "since": None, "until": None}
        if not self.is_valid():
            return empty
        data = self.cleaned_data
        return {
            "person": data["person"].strip(),
            "group": data["group"],
            "target": data["target"].strip(),
            "since": data["since"],
            "until": data["until"],
        }
